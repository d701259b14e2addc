// The fetch plan, decided from listings alone: journal-delivered UIDLs are only deleted (or
// kept as seen with Leave), Leave skips the seen-DB, MaxSize skips or deletes, UIDL refused
// numbers messages 1..N with session-unique keys.
#include "psync/fetch_plan.hpp"

#include <catch2/catch.hpp>

using psyncd::psync::AuthOptions;
using psyncd::psync::make_plan;
using psyncd::psync::PlanInput;
using psyncd::psync::SizeAction;

namespace {

PlanInput input(const AuthOptions& options) {
  PlanInput in;
  in.count = 3;
  in.uidl = {{1, "a"}, {2, "b"}, {3, "c"}};
  in.list = {{1, 100}, {2, 5000}, {3, 300}};
  in.options = &options;
  in.session_tag.assign(1, 'S');  // GCC 12 -Wrestrict false positive on = "S" here
  return in;
}

std::vector<std::uint32_t> numbers(const psyncd::psync::Plan& plan) {
  std::vector<std::uint32_t> out;
  for (const auto& f : plan.fetch) out.push_back(f.number);
  return out;
}

}  // namespace

TEST_CASE("fetch plan: delete mode with journal", "[psync][fetch_plan]") {
  AuthOptions o;
  auto in = input(o);
  in.delivered = [](const std::string& u) { return u == "b"; };
  auto plan = make_plan(in);
  CHECK(numbers(plan) == std::vector<std::uint32_t>{1, 3});
  CHECK(plan.dele_now == std::vector<std::uint32_t>{2});
  CHECK(plan.keys.at(3) == "c");
  CHECK(plan.fetch[1].expected_octets == 300);
}

TEST_CASE("fetch plan: Leave skips seen and journal-delivered UIDLs", "[psync][fetch_plan]") {
  AuthOptions o;
  o.leave = true;
  auto in = input(o);
  in.seen = {"a", "gone"};
  in.delivered = [](const std::string& u) { return u == "c"; };
  auto plan = make_plan(in);
  CHECK(numbers(plan) == std::vector<std::uint32_t>{2});
  CHECK(plan.dele_now.empty());
  CHECK(plan.keep_seen == std::vector<std::string>{"a", "c"});  // "gone" is dropped
  CHECK(plan.skipped_seen == 1);
}

TEST_CASE("fetch plan: MaxSize", "[psync][fetch_plan]") {
  AuthOptions o;
  o.max_size = 1024;
  SECTION("skip") {
    auto plan = make_plan(input(o));
    CHECK(numbers(plan) == std::vector<std::uint32_t>{1, 3});
    CHECK(plan.skipped_size == 1);
    CHECK(plan.skipped_size_bytes == 5000);
  }
  SECTION("delete") {
    o.size_action = SizeAction::del;
    auto plan = make_plan(input(o));
    CHECK(plan.dele_now == std::vector<std::uint32_t>{2});
    CHECK(plan.skipped_size == 0);
  }
}

TEST_CASE("fetch plan: UIDL refused takes 1..N with session keys", "[psync][fetch_plan]") {
  AuthOptions o;
  auto in = input(o);
  in.uidl.clear();
  in.uidl_refused = true;
  in.delivered = [](const std::string&) { return true; };  // must not be consulted
  auto plan = make_plan(in);
  CHECK(numbers(plan) == std::vector<std::uint32_t>{1, 2, 3});
  CHECK(plan.keys.at(2) == "#nouidl:S:2");
  CHECK(plan.current.empty());
}

TEST_CASE("fetch plan: KeepDays deletes seen messages once old enough", "[psync][fetch_plan]") {
  AuthOptions o;
  o.keep_days = 1;
  auto in = input(o);
  in.seen = {"a", "b"};
  in.first_seen = {{"a", 1000}, {"b", 1000 + 86400}};
  in.now = 1000 + 86400;
  auto plan = make_plan(in);
  CHECK(plan.dele_now == std::vector<std::uint32_t>{1});  // a is one day old, b is new
  CHECK(plan.keep_seen == std::vector<std::string>{"a", "b"});
  CHECK(plan.expired == 1);
  CHECK(numbers(plan) == std::vector<std::uint32_t>{3});
}
