#include "psync/link.hpp"

#include <catch2/catch.hpp>

#include "spool/password.hpp"
#include "tests/support/psync/link_problem_texts.hpp"

using namespace psyncd;
using namespace psyncd::psync;

namespace {

tabfile::Record record(std::vector<std::string> fields, int line = 3) {
  return tabfile::Record{line, std::move(fields)};
}

const std::string kSecret = spool::encode_password("secret");

std::vector<std::string> texts(const ParsedLink& p) {
  return test::problem_texts(p.problems, "pop3links.tab");
}

}  // namespace

TEST_CASE("parse_link: the four kinds") {
  struct Case {
    const char* name;
    std::string field0;
    LinkKind kind;
    std::string target;
    std::vector<std::string> match;
  };
  const Case cases[] = {
      {"local", "example.test", LinkKind::local, "example.test", {}},
      {"external", "@home.bogus.com", LinkKind::external, "home.bogus.com", {}},
      {"replace",
       "?home.bogus.com,felins.net,pets.org",
       LinkKind::masquerade_replace,
       "home.bogus.com",
       {"felins.net", "pets.org"}},
      {"append", "&.local,felins.net", LinkKind::masquerade_append, ".local", {"felins.net"}},
      {"empty list tokens dropped",
       "&.local,,felins.net,",
       LinkKind::masquerade_append,
       ".local",
       {"felins.net"}},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    ParsedLink p =
        parse_link(record({c.field0, "alice", "pop.remote.test:995", "joe", kSecret, "POP3S"}));
    CHECK(texts(p).empty());
    CHECK(p.ok());
    CHECK(p.link.line == 3);
    CHECK(p.link.kind == c.kind);
    CHECK(p.link.target == c.target);
    CHECK(p.link.match_domains == c.match);
    CHECK(p.link.remote == RemoteAddress{"pop.remote.test", 995});
    CHECK(p.link.remote_user == "joe");
    CHECK(p.link.password == "secret");
    CHECK(p.link.auth.tls == TlsMode::implicit);
  }
}

TEST_CASE("parse_link: an empty password and an empty authtype are fine") {
  ParsedLink p = parse_link(record({"example.test", "alice", "h", "joe", "", ""}));
  CHECK(p.ok());
  CHECK(p.link.password.empty());
  CHECK(p.link.remote.port == 110);
}

TEST_CASE("parse_link: bad input") {
  struct Case {
    const char* name;
    std::vector<std::string> fields;
    std::vector<std::string> want;
  };
  const std::string s = kSecret;
  const Case cases[] = {
      {"too few fields",
       {"example.test", "alice", "h", "joe", s},
       {"pop3links.tab:3: 5 fields, pop3links.tab needs at least 6 (line skipped)"}},
      {"extra fields",
       {"example.test", "alice", "h", "joe", s, "", "x"},
       {"warning: pop3links.tab:3: 7 fields, the ones after 6 are ignored"}},
      {"bad password",
       {"example.test", "alice", "h", "joe", "abc", ""},
       {"pop3links.tab:3: field 5 (external-crypted-password): not an XMCrypt string: odd number "
        "of hex digits (3); a plain password? encode it with xmcrypt (line skipped)"}},
      {"spaces instead of TABs",
       {"example.test alice h joe 1d08040c09 APOP"},
       {"pop3links.tab:3: 1 field, pop3links.tab needs at least 6 (line skipped): fields are "
        "TAB-separated; this line has spaces"}},
      {"bad port",
       {"example.test", "alice", "h:pop", "joe", s, ""},
       {"pop3links.tab:3: field 3 (external-domain): \"h:pop\": port \"pop\" is not a number from "
        "1 to 65535"}},
      {"slash in host",
       {"example.test", "alice", "a/b", "joe", s, ""},
       {"pop3links.tab:3: field 3 (external-domain): \"a/b\": '/' and '\\' are not allowed in a "
        "host"}},
      {"dot-dot host",
       {"example.test", "alice", "..", "joe", s, ""},
       {"pop3links.tab:3: field 3 (external-domain): \"..\": '/' and '\\' are not allowed in a "
        "host"}},
      {"empty user",
       {"example.test", "alice", "h", "", s, ""},
       {"pop3links.tab:3: field 4 (external-account): empty remote user"}},
      {"slash in user",
       {"example.test", "alice", "h", "../x", s, ""},
       {"pop3links.tab:3: field 4 (external-account): \"../x\" cannot be part of a file name"}},
      {"control in user",
       {"example.test", "alice", "h", "a\x01", s, ""},
       {"pop3links.tab:3: field 4 (external-account): control characters are not allowed in a user "
        "name"}},
      {"empty local domain",
       {"", "alice", "h", "joe", s, ""},
       {"pop3links.tab:3: field 1 (local-domain): empty domain"}},
      {"empty local account",
       {"example.test", "", "h", "joe", s, ""},
       {"pop3links.tab:3: field 2 (local-account): empty account"}},
      {"bare @",
       {"@", "alice", "h", "joe", s, ""},
       {"pop3links.tab:3: field 1 (local-domain): \"@\" needs a domain after it"}},
      {"@ without account",
       {"@x.test", "", "h", "joe", s, ""},
       {"pop3links.tab:3: field 2 (local-account): empty account for an \"@\" link"}},
      {"bare ?",
       {"?", "alice", "h", "joe", s, ""},
       {"pop3links.tab:3: field 1 (local-domain): \"?\" needs a masquerade domain after it"}},
      {"& then comma",
       {"&,a.com", "alice", "h", "joe", s, ""},
       {"pop3links.tab:3: field 1 (local-domain): \"&\" needs a suffix after it"}},
      {"no match list",
       {"?home.test", "alice", "h", "joe", s, ""},
       {"warning: pop3links.tab:3: field 1 (local-domain): no match-domain list: every address "
        "found in the "
        "headers is rewritten"}},
      {"spaces in match list",
       {"?home.test,a.com, b.com", "alice", "h", "joe", s, ""},
       {"warning: pop3links.tab:3: field 1 (local-domain): match domain \" b.com\" contains "
        "spaces; they are "
        "not trimmed, so it matches no address"}},
      {"authtype problems come last",
       {"example.test", "alice", "h:x", "joe", s, "Frobnicate"},
       {"pop3links.tab:3: field 3 (external-domain): \"h:x\": port \"x\" is not a number from 1 to "
        "65535",
        "warning: pop3links.tab:3: field 6 (authtype): unknown token \"Frobnicate\" (ignored)"}},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    ParsedLink p = parse_link(record(c.fields));
    CHECK(texts(p) == c.want);
    bool warnings_only = c.want.front().rfind("warning: ", 0) == 0;
    CHECK(p.ok() == warnings_only);
  }
}

TEST_CASE("link identity and derived file names") {
  ParsedLink a =
      parse_link(record({"Example.TEST", "Alice", "Pop.Remote:995", "Joe", kSecret, ""}));
  ParsedLink b = parse_link(record({"example.test", "alice", "pop.remote:995", "joe", "", "APOP"}));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(link_key(a.link) == link_key(b.link));
  ParsedLink c = parse_link(record({"example.test", "alice", "pop.remote:110", "joe", "", ""}));
  CHECK(link_key(c.link) != link_key(b.link));

  CHECK(sanitize_name("a:b/c\\d") == "a_b_c_d");
  CHECK(lock_file_name(b.link) == "joe@pop.remote_995.lock");
  CHECK(uidb_relative_path(b.link) == "msgsync/pop.remote_995/joe.uidb");
  CHECK(disabled_file_name(b.link) == "joe@pop.remote:995.disabled");
  ParsedLink d = parse_link(record({"example.test", "alice", "[::1]:995", "DOM\\joe", "", ""}));
  REQUIRE(d.ok());
  CHECK(uidb_relative_path(d.link) == "msgsync/[__1]_995/DOM_joe.uidb");
}

TEST_CASE("field labels") {
  CHECK(field_label(0) == "field 1 (local-domain)");
  CHECK(field_label(5) == "field 6 (authtype)");
  CHECK(field_label(6) == "field 7 (extra)");
}
