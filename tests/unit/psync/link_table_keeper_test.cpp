// LinkTableKeeper: which pop3links.tab a cycle uses. A file that cannot be read, holds NUL
// bytes, or lost a good link while a line has an error leaves the last good table in use, with
// a status saying why; new bad lines and removed links are edits and the file is used; without
// a last good table any readable file is used. Then PsyncService over three cycles: a broken
// file keeps the links running, its problem is reported once per change, and the observer
// hears the table's status every cycle.
#include "psync/link_table_keeper.hpp"

#include <catch2/catch.hpp>

#include "psync/psync_service.hpp"
#include "spool/password.hpp"
#include "tests/support/psync/psync_fetch_fixture.hpp"

using namespace psyncd;
using namespace std::chrono_literals;

namespace {

std::string line(const std::string& account, const std::string& server) {
  return "\"ex.test\"\t\"" + account + "\"\t\"" + server + "\"\t\"" + account + "\"\t\"" +
         spool::encode_password("pw") + "\"\t\"\"\n";
}

const std::string kPath = "pop3links.tab";
const std::string kGood = line("joe", "a.test") + line("ann", "b.test");

psync::KeptTable update(psync::LinkTableKeeper& k, const Result<std::string>& text) {
  auto r = k.update(text, kPath, {});
  REQUIRE(r.ok());
  return std::move(*r);
}

std::vector<std::string> accounts(const psync::KeptTable& t) {
  std::vector<std::string> out;
  for (const auto& l : t.links.links) out.push_back(l.local_account);
  return out;
}

}  // namespace

TEST_CASE("link table keeper: a broken file leaves the last good table in use", "[psync][links]") {
  psync::LinkTableKeeper k;
  auto first = update(k, kGood);
  CHECK_FALSE(first.kept);
  CHECK(first.status.empty());
  CHECK(accounts(first) == std::vector<std::string>{"joe", "ann"});

  struct Case {
    const char* name;
    Result<std::string> text;
    std::string status;
  };
  const std::string half = line("joe", "a.test") + "\"ex.test\"\t\"ann\"\t\"b.te";
  const Case cases[] = {
      {"half-written", half,
       "NOT USED: pop3links.tab:2: 3 fields, pop3links.tab needs at least 6 (line skipped); 1 "
       "link(s) of the last good table are gone (half-written?); the last good table stays in "
       "use (2 links)"},
      {"binary",
       std::string("\x7f"
                   "ELF\0\0\x01\x02",
                   8) +
           "\n" + kGood,
       "NOT USED: pop3links.tab: holds NUL bytes (not a text file); the last good table stays "
       "in use (2 links)"},
      {"unreadable", Error{ErrorKind::not_found, kPath, 0, {}, "No such file or directory"},
       "NOT USED: pop3links.tab: No such file or directory; the last good table stays in use "
       "(2 links)"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto t = update(k, c.text);
    CHECK(t.kept);
    CHECK(t.status == c.status);
    CHECK(accounts(t) == std::vector<std::string>{"joe", "ann"});
    CHECK(t.authtype_text.size() == 2);
  }
  // Fixed: the file is used again.
  auto fixed = update(k, line("joe", "a.test") + line("ann", "c.test"));
  CHECK_FALSE(fixed.kept);
  CHECK(fixed.links.links.at(1).remote_spec == "c.test");
}

TEST_CASE("link table keeper: edits are used, bad lines skipped and reported", "[psync][links]") {
  psync::LinkTableKeeper k;
  update(k, kGood);
  SECTION("a new bad line: the good links stay, the line is skipped") {
    auto t = update(k, kGood + "\"ex.test\"\t\"bob\"\n");
    CHECK_FALSE(t.kept);
    CHECK(accounts(t) == std::vector<std::string>{"joe", "ann"});
    CHECK(t.status ==
          "in use, lines with errors skipped: pop3links.tab:3: 2 fields, pop3links.tab needs at "
          "least 6 (line skipped)");
  }
  SECTION("a link removed from a clean file") {
    auto t = update(k, line("ann", "b.test"));
    CHECK_FALSE(t.kept);
    CHECK(accounts(t) == std::vector<std::string>{"ann"});
    CHECK(t.status.empty());
  }
  SECTION("an emptied file stops every link") {
    auto t = update(k, std::string());
    CHECK_FALSE(t.kept);
    CHECK(t.links.links.empty());
  }
}

TEST_CASE("link table keeper: without a last good table", "[psync][links]") {
  psync::LinkTableKeeper k;
  auto missing =
      k.update(Error{ErrorKind::not_found, kPath, 0, {}, "No such file or directory"}, kPath, {});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().to_string() == "pop3links.tab: No such file or directory");
  auto garbage = update(k, std::string("garbage\n\"x\"\n"));
  CHECK_FALSE(garbage.kept);
  CHECK(garbage.links.links.empty());
  CHECK(garbage.status ==
        "in use, lines with errors skipped: pop3links.tab:1: 1 field, pop3links.tab needs at "
        "least 6 (line skipped) (and 1 more lines with errors)");
}

namespace {

class TableObserver final : public psync::CycleObserver {
 public:
  void links_table(const std::string& status) override { statuses.push_back(status); }
  void cycle_started(const std::vector<psync::Link>&) override {}
  void link_started(size_t, const psync::Link&) override {}
  void link_progress(size_t, const psync::Link&, const psync::FetchProgress&) override {}
  void link_finished(size_t, const psync::LinkReport&) override {}
  std::vector<std::string> statuses;
};

}  // namespace

TEST_CASE("run_once: a broken pop3links.tab keeps its links running, reported once",
          "[psync][links][run_once]") {
  test::FetchFixture f;
  auto empty = test::join_steps({test::hello_login(), test::listing({}), test::quit_ok()});
  test::FakePop3Server server(test::FakePop3Server::Sessions{empty, empty, empty});
  const std::string good = line("joe", "127.0.0.1:" + std::to_string(server.port()));
  f.dir.write("pop3links.tab", good);
  TableObserver observer;
  psync::PsyncConfig config;
  config.mail_root = f.dir.path();
  config.io_timeout = 3s;
  config.clock = &f.clock;
  config.observer = &observer;
  psync::PsyncService service(config);
  auto cycle = [&] {
    auto r = service.run_cycle();
    REQUIRE(r.ok());
    REQUIRE(r->links.size() == 1);
    CHECK(r->links[0].result.ok);
    return r->problems;
  };
  CHECK(cycle().empty());
  f.dir.write("pop3links.tab", good.substr(0, good.size() / 2));  // half-written
  auto problems = cycle();  // the table kept in use has no problem of its own
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].rfind("NOT USED: " + f.dir.path() + "/pop3links.tab:1: ", 0) == 0);
  CHECK(cycle().empty());  // unchanged: not reported again
  REQUIRE(observer.statuses.size() == 3);
  CHECK(observer.statuses[0].empty());
  CHECK(observer.statuses[1] == problems[0]);
  CHECK(observer.statuses[2] == problems[0]);
  CHECK(server.finish() == "");
}
