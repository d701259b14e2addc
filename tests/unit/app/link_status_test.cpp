#include "app/link_status.hpp"

#include <catch2/catch.hpp>

using namespace psyncd::app;

TEST_CASE("link status: summary lines are split into link and outcome") {
  struct Case {
    const char* name;
    const char* input;
    bool ok;
    const char* who;
  };
  const Case cases[] = {
      {"ok", "a@h:110 -> a@ex.test: ok: 3 msgs 10 bytes, 3 deleted, 0 not synced", true,
       "a@h:110 -> a@ex.test"},
      {"external", "b@h:110 -> b @ex.test: disabled", true, "b@h:110 -> b @ex.test"},
      {"no arrow", "pop3d: listening on 1.2.3.4:110", false, ""},
      {"no outcome", "a@h -> b@c", false, ""},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = split_summary(c.input);
    REQUIRE(r.has_value() == c.ok);
    if (c.ok) CHECK(r->first == c.who);
  }
}

TEST_CASE("link status: the book counts messages, failures and the next poll") {
  StatusBook book(120);
  CHECK(book.record("a@h -> a@ex: ok: 3 msgs 100 bytes, 3 deleted, 0 not synced", 1000));
  CHECK(book.record("a@h -> a@ex: FAIL: connect refused (0 msgs 0 bytes, 0 deleted, 0 not synced)", 1120));
  CHECK(book.record("a@h -> a@ex: FAIL: delayed after failures: account", 1240));
  CHECK_FALSE(book.record("psyncd started", 1240));
  auto e = book.entries();
  REQUIRE(e.size() == 1);
  CHECK(e[0].result == "FAIL: delayed after failures: account");
  CHECK(e[0].failures == 1);  // the delayed cycle was no new attempt
  CHECK(e[0].total_msgs == 3);
  CHECK(e[0].total_bytes == 100);
  CHECK(e[0].next_poll == 1360);
  CHECK(book.record("a@h -> a@ex: ok: 2 msgs 50 bytes, 0 deleted, 0 not synced", 1400));
  e = book.entries();
  CHECK(e[0].result == "ok");
  CHECK(e[0].failures == 0);
  CHECK(e[0].msgs == 2);
  CHECK(e[0].total_msgs == 5);
}

TEST_CASE("link status: FAIL results lose their counts; -Yi 0 means trigger only") {
  StatusBook book(0);
  book.record("a@h -> a@ex: FAIL: PASS refused (0 msgs 0 bytes, 0 deleted, 0 not synced)", 5);
  auto e = book.entries();
  REQUIRE(e.size() == 1);
  CHECK(e[0].result == "FAIL: PASS refused");
  CHECK(e[0].next_poll == 0);
  CHECK(status_line(e[0], 10).find("next poll on .psync-trigger only") != std::string::npos);
  CHECK(status_line(e[0], 10).find("1 failure(s) in a row") != std::string::npos);
}

TEST_CASE("link status: the table round-trips, in link order") {
  StatusBook book(60);
  book.record("z@h -> z@ex: ok: 1 msgs 7 bytes, 1 deleted, 0 not synced", 100);
  book.record("a@h -> a@ex: FAIL: say \"no\" (0 msgs 0 bytes, 0 deleted, 0 not synced)", 100);
  std::string text = format_status_table(book.entries());
  auto back = parse_status_table(text, "status.tab");
  REQUIRE(back);
  REQUIRE(back->size() == 2);
  CHECK((*back)[0].link == "z@h -> z@ex");
  CHECK((*back)[0].bytes == 7);
  CHECK((*back)[1].result == "FAIL: say \"no\"");
  CHECK((*back)[1].next_poll == 160);
  StatusBook again(60);
  again.load(*back);
  CHECK(format_status_table(again.entries()) == text);
}

TEST_CASE("link status: bad input") {
  struct Case {
    const char* name;
    const char* input;
    const char* want;
  };
  const Case cases[] = {
      {"few fields", "\"a\"\t\"ok\"\n", "status.tab:1: 2 fields, want 9"},
      {"not a number",
       "\"a\"\t\"ok\"\t\"x\"\t\"1\"\t\"1\"\t\"1\"\t\"1\"\t\"0\"\t\"0\"\n",
       "status.tab:1: field 3: \"x\" is not a number"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = parse_status_table(c.input, "status.tab");
    REQUIRE_FALSE(r);
    CHECK(r.error().to_string() == c.want);
  }
}
