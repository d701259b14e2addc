#include "psync/link_table.hpp"

#include <catch2/catch.hpp>

#include "common/fs.hpp"
#include "common/log.hpp"
#include "spool/password.hpp"
#include "tests/support/common/temp_dir.hpp"
#include "tests/support/psync/link_problem_texts.hpp"

using namespace psyncd;
using namespace psyncd::psync;

namespace {

std::vector<std::string> texts(const LinkTable& t) { return test::problem_texts(t.problems); }

bool only_alice(const std::string& domain, const std::string& account) {
  return domain == "example.test" && account == "alice";
}

}  // namespace

TEST_CASE("LinkTable: good links, duplicates and missing accounts") {
  const std::string pw = "\"" + spool::encode_password("pw") + "\"";
  std::string text =
      "# comment\n"
      "\"example.test\"\t\"alice\"\t\"127.0.0.1:11110\"\t\"a\"\t" +
      pw +
      "\t\"APOP\"\n"
      "\"example.test\"\t\"bob\"\t\"127.0.0.1:11110\"\t\"b\"\t" +
      pw +
      "\t\"\"\n"
      "\"@ext.test\"\t\"carol\"\t\"127.0.0.1:11110\"\t\"c\"\t" +
      pw +
      "\t\"Leave\"\n"
      "\"EXAMPLE.test\"\t\"Alice\"\t\"127.0.0.1:11110\"\t\"A\"\t" +
      pw +
      "\t\"\"\n"
      "\n"
      "\"?m.test,x.org\"\t\"n\"\t\"127.0.0.1:11110\"\t\"d\"\t\"zz\"\t\"\"\n";
  tabfile::Table table = tabfile::parse(text, "pop3links.tab");
  LinkTable t = LinkTable::from_table(table, only_alice);
  REQUIRE(t.links.size() == 2);
  CHECK(t.links[0].line == 2);
  CHECK(t.links[0].auth.method == AuthMethod::apop);
  CHECK(t.links[1].kind == LinkKind::external);
  CHECK(t.links[1].auth.leave);
  CHECK(texts(t) ==
        std::vector<std::string>{
            "pop3links.tab:3: local link to bob@example.test, which is not an account "
            "in mailusers.tab (line skipped)",
            "pop3links.tab:5: duplicate of the link on line 2 (line skipped)",
            "pop3links.tab:7: field 5 (external-crypted-password): not an XMCrypt "
            "string: bad hex pair at offset 0; a plain password? encode it with xmcrypt "
            "(line skipped)"});

  // The refused lines are kept to be reported as failed links; the duplicate is not (its
  // first line runs under the same name).
  REQUIRE(t.invalid.size() == 2);
  CHECK(t.invalid[0].link.line == 3);
  CHECK(t.invalid[0].link.local_account == "bob");
  CHECK(t.invalid[0].reason == texts(t)[0]);
  CHECK(t.invalid[1].link.line == 7);
  CHECK(t.invalid[1].link.remote_user == "d");
  CHECK(t.invalid[1].reason == texts(t)[2]);

  LinkTable unchecked = LinkTable::from_table(table);
  CHECK(unchecked.links.size() == 3);  // bob kept when no account lookup is given
}

TEST_CASE("LinkTable: authtypes XMail accepts are run with XMail's meaning, not skipped") {
  std::string text;
  int n = 0;
  for (const char* auth : {"CLR,APOP", "POP3S,STLS", "APOP,FAPOP", "Leave=yes", "Leave,Leave",
                           "Leave=1,Leave=0", "OutBind=10.0.0.1,OutBind=10.0.0.2"})
    text += "\"example.test\"\t\"alice\"\t\"h:110\"\t\"u" + std::to_string(++n) + "\"\t\"\"\t\"" +
            auth + "\"\n";
  LinkTable t = LinkTable::from_table(tabfile::parse(text, "pop3links.tab"), only_alice);
  REQUIRE(t.links.size() == 7);
  CHECK(t.invalid.empty());
  CHECK(t.links[0].auth.method == AuthMethod::apop);
  CHECK(t.links[1].auth.tls == TlsMode::implicit);
  CHECK(t.links[2].auth.method == AuthMethod::force_apop);
  CHECK_FALSE(t.links[3].auth.leave);  // atoi("yes") == 0
  CHECK(t.links[4].auth.leave);
  CHECK(t.links[5].auth.leave);  // Leave=0 does not turn it off again
  CHECK(t.links[6].auth.out_bind == RemoteAddress{"10.0.0.2", 0});
  CHECK(t.problems.size() == 7);
  CHECK_FALSE(has_errors(t.problems));
}

TEST_CASE("LinkTable: a line with too few fields is named by the fields it has") {
  tabfile::Table table = tabfile::parse("\"ex.test\"\t\"ann\"\t\"pop.example.com\"\n", "p.tab");
  LinkTable t = LinkTable::from_table(table);
  CHECK(t.links.empty());
  REQUIRE(t.invalid.size() == 1);
  CHECK(t.invalid[0].link.local_account == "ann");
  CHECK(t.invalid[0].link.remote_spec == "pop.example.com");
  CHECK(t.invalid[0].link.remote_user.empty());
  CHECK(t.invalid[0].reason == "p.tab:1: 3 fields, pop3links.tab needs at least 6 (line skipped)");
}

TEST_CASE("LinkTable::load reads a file and reports a missing one") {
  test::TempDir dir;
  dir.write("pop3links.tab", "\"example.test\"\t\"alice\"\t\"h\"\t\"u\"\t\"\"\t\"Frobnicate\"\r\n");
  auto t = LinkTable::load(dir / "pop3links.tab");
  REQUIRE(t.ok());
  CHECK(t->links.size() == 1);
  CHECK(texts(*t) ==
        std::vector<std::string>{"warning: " + dir / "pop3links.tab" +
                                 ":1: field 6 (authtype): unknown token \"Frobnicate\" (ignored)"});
  auto missing = LinkTable::load(dir / "nope.tab");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::not_found);
}

TEST_CASE("LinkTable: over-long lines are problems, not split records") {
  std::string text =
      "\"example.test\"\t\"alice\"\t\"h\"\t\"u\"\t\"\"\t\"" + std::string(3000, 'x') + "\"\n";
  auto r = tabfile::parse(text, "pop3links.tab", tabfile::ReadOptions{kLinksLineMax});
  LinkTable t = LinkTable::from_table(r);
  CHECK(t.links.empty());
  REQUIRE(t.problems.size() == 1);
  CHECK(t.problems[0].severity == Severity::error);
  CHECK(t.problems[0].error.line == 1);
}

TEST_CASE("LinkTable: links sharing a remote account are a warning") {
  std::string text =
      "\"example.test\"\t\"alice\"\t\"pop.test:995\"\t\"joe\"\t\"\"\t\"Leave\"\n"
      "\"@other.test\"\t\"bob\"\t\"pop.test:995\"\t\"joe\"\t\"\"\t\"Leave\"\n"
      "\"@other.test\"\t\"bob\"\t\"pop.test:110\"\t\"joe\"\t\"\"\t\"\"\n";
  LinkTable t = LinkTable::from_table(tabfile::parse(text, "pop3links.tab"));
  CHECK(t.links.size() == 3);
  CHECK(texts(t) == std::vector<std::string>{
                        "warning: pop3links.tab:2: fetches the same remote account as line 1 (one "
                        "lock and one UIDL seen-DB for both; each message goes to one of them)"});
}

TEST_CASE("log_problems logs errors and warnings with file and line") {
  std::vector<std::pair<log::Level, std::string>> seen;
  auto old =
      log::set_sink([&](log::Level level, std::string_view m) { seen.emplace_back(level, m); });
  LinkTable t = LinkTable::from_table(tabfile::parse(
      "\"a\"\t\"b\"\t\"h\"\t\"u\"\t\"\"\t\"Frobnicate\"\n\"a\"\t\"b\"\n", "pop3links.tab"));
  log_problems(t.problems);
  log::set_sink(old);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].first == log::Level::warn);
  CHECK(seen[0].second ==
        "pop3links.tab:1: field 6 (authtype): unknown token \"Frobnicate\" (ignored)");
  CHECK(seen[1].first == log::Level::error);
  CHECK(seen[1].second ==
        "pop3links.tab:2: 2 fields, pop3links.tab needs at least 6 (line skipped)");
}

TEST_CASE("accounts_in looks accounts up case-insensitively, through alias domains") {
  auto users = spool::MailUsers::from_table(
      tabfile::parse("\"example.test\"\t\"alice\"\t\"\"\t1\t\"alice\"\t\"U\"\n", "mailusers.tab"));
  auto local = tabfile::parse("\"example.test\"\n", "domains.tab");
  auto alias = tabfile::parse("\"alias.test\"\t\"example.test\"\n", "aliasdomain.tab");
  auto domains = spool::Domains::from_tables(local, &alias);
  AccountExists plain = accounts_in(users);
  AccountExists aliased = accounts_in(users, &domains);
  CHECK(plain("EXAMPLE.test", "Alice"));
  CHECK_FALSE(plain("alias.test", "alice"));
  CHECK(aliased("alias.test", "alice"));
  CHECK_FALSE(aliased("example.test", "bob"));
}

TEST_CASE("LinkTable: LF, CRLF and the sample file give the same links") {
  std::string lf =
      *fs::read_file(std::string(PSYNCD_SOURCE_DIR) + "/samples/MAIL_ROOT.example/pop3links.tab");
  std::string crlf;
  for (char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  LinkTable a = LinkTable::from_table(tabfile::parse(lf, "pop3links.tab"));
  LinkTable b = LinkTable::from_table(tabfile::parse(crlf, "pop3links.tab"));
  CHECK(a.problems.empty());
  CHECK(b.problems.empty());
  REQUIRE(a.links.size() == 4);
  REQUIRE(b.links.size() == 4);
  for (size_t i = 0; i < 4; ++i) {
    CHECK(link_key(a.links[i]) == link_key(b.links[i]));
    CHECK(a.links[i].password == b.links[i].password);
    CHECK(a.links[i].line == b.links[i].line);
  }
  CHECK(a.links[0].kind == LinkKind::local);
  CHECK(a.links[1].kind == LinkKind::external);
  CHECK(a.links[2].kind == LinkKind::masquerade_replace);
  CHECK(a.links[3].kind == LinkKind::masquerade_append);
  CHECK(a.links[0].password == "remote-a");
}
