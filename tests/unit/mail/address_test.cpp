#include "mail/address.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "mail/address_lexer.hpp"

using namespace psyncd;
using namespace psyncd::mail;

namespace {

// Mailboxes as "address" or "[display] address", joined by ", "; then one problem per line.
std::string render(const AddressList& list) {
  std::string s;
  for (const auto& m : list.mailboxes) {
    if (!s.empty()) s += ", ";
    if (!m.display.empty()) s += "[" + m.display + "] ";
    s += m.address();
  }
  for (const auto& p : list.problems) s += "\n" + p.to_string();
  return s;
}

struct Case {
  const char* name;
  std::string input;
  std::string want;
};

}  // namespace

TEST_CASE("address list: real-world forms") {
  const std::vector<Case> cases = {
      {"bare", "bob@example.com", "bob@example.com"},
      {"list", "a@x.org, b@y.org,c@z.org", "a@x.org, b@y.org, c@z.org"},
      {"display and angle", "Bob Smith <bob@example.com>", "[Bob Smith] bob@example.com"},
      {"quoted display with comma", "\"Last, First\" <a@b.com>, c@d.com",
       "[Last, First] a@b.com, c@d.com"},
      {"dotted display (obs-phrase)", "John Q. Public <jqp@x.org>", "[John Q. Public] jqp@x.org"},
      {"angle only", "<a@b.c>", "a@b.c"},
      {"folded list (unfolded value)", "a@x.org,\r\n  \"B B\" <b@y.org>,\r\n\tc@z.org",
       "a@x.org, [B B] b@y.org, c@z.org"},
      {"comment after", "bob@example.com (Bob Smith)", "bob@example.com"},
      {"nested comments", "(a (nested) comment) bob(c)@(d)example.com((x))", "bob@example.com"},
      {"comment with escaped paren", "bob@x.org (smile \\) ok)", "bob@x.org"},
      {"comment inside angle", "<bob@x.org (Bob)>", "bob@x.org"},
      {"empty group", "undisclosed-recipients:;", ""},
      {"group with members", "team: a@b.com, Carol <c@d.com>;, e@f.com",
       "a@b.com, [Carol] c@d.com, e@f.com"},
      {"quoted local part", "\"john doe\"@example.com", "\"john doe\"@example.com"},
      {"quoted local that is a dot-atom is unquoted", "\"john.doe\"@example.com",
       "john.doe@example.com"},
      {"quoted-pair in local part", "\"a\\\"b\"@x.org", "\"a\\\"b\"@x.org"},
      {"obs-local-part with spaces", "john . doe @ example . com", "john.doe@example.com"},
      {"obs-route", "<@a.net,@b.net:user@c.net>", "user@c.net"},
      {"domain literal", "root@[192.168.0.1], <x@[IPv6:::1]>", "root@[192.168.0.1], x@[IPv6:::1]"},
      {"encoded word display intact", "=?utf-8?Q?J=C3=B6rg?= <j@x.de>",
       "[=?utf-8?Q?J=C3=B6rg?=] j@x.de"},
      {"case kept", "Bob@Example.COM", "Bob@Example.COM"},
      {"empty value", "", ""},
      {"only commas", " , ,", ""},
      {"plus and tags", "a+tag@x.org, o'brien@y.ie", "a+tag@x.org, o'brien@y.ie"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) { CHECK(render(parse_address_list(c.input)) == c.want); }
  }
}

TEST_CASE("address list: bad input") {
  const std::vector<Case> cases = {
      {"missing comma between bare addresses", "a@x.org b@y.org",
       "a@x.org, b@y.org\nmissing ',' before byte 9"},
      {"missing comma between angle addresses", "<a@x.org> Bee <b@y.org>",
       "a@x.org, [Bee] b@y.org\nmissing ',' before byte 11"},
      {"words before a bare address", "john smith@x.org",
       "smith@x.org\ntext \"john\" before address at byte 1 ignored"},
      {"no at sign", "bob, c@d.org", "c@d.org\nno '@' in address \"bob\" at byte 1 (skipped)"},
      {"no at in angle", "Bob <bob>", "\nno '@' in <...> at byte 5 (skipped)"},
      {"empty angle", "<>, a@b.c", "a@b.c\nempty address <> at byte 1 (skipped)"},
      {"unclosed angle", "<a@b.c, d@e.f", "a@b.c, d@e.f\n'<' at byte 1 not closed by '>'"},
      {"junk in angle", "<a@b.c d> , e@f.g",
       "a@b.c, e@f.g\nunexpected text in <...> at byte 8 (skipped)"},
      {"unclosed quote", "\"Bob <b@c.d>",
       "\nunclosed quoted string at byte 1\n"
       "no '@' in address \"Bob <b@c.d>\" at byte 1 (skipped)"},
      {"unclosed comment", "a@b.c (oops, d@e.f",
       "a@b.c\nunclosed comment at byte 7 (rest of the value ignored)"},
      {"stray paren", "a@b.c ), d@e.f", "a@b.c, d@e.f\nunmatched ')' at byte 7 (skipped)"},
      {"unclosed literal", "a@[1.2.3.4",
       "\nunclosed domain literal at byte 3 (skipped)\n"
       "bad domain after '@' at byte 2 (skipped)"},
      {"no local part", "@x.org, a@b.c", "a@b.c\nbad local part before '@' at byte 1 (skipped)"},
      {"no domain", "a@, b@c.d", "b@c.d\nbad domain after '@' at byte 2 (skipped)"},
      {"double dot in domain", "a@b..c", "\nbad domain after '@' at byte 2 (skipped)"},
      {"trailing dot in domain", "a@b.c.", "\nbad domain after '@' at byte 2 (skipped)"},
      {"double dot in local", "a..b@c.d", "\nbad local part before '@' at byte 5 (skipped)"},
      {"8-bit local part", "j\xc3\xb6rg@x.de, a@b.c",
       "a@b.c\n8-bit or control bytes in address at byte 6 (skipped)"},
      {"8-bit display kept", "J\xc3\xb6rg <j@x.de>",
       "[J\xc3\xb6rg] j@x.de\n8-bit bytes in display name at byte 1 (kept as is)"},
      {"control byte skipped", "a@b.c,\x01 d@e.f",
       "a@b.c, d@e.f\nunexpected byte \"\\x01\" at byte 7 (skipped)"},
      {"semicolon outside group", "a@b.c; d@e.f",
       "a@b.c, d@e.f\n';' outside a group at byte 6 (skipped)"},
      {"group then address without comma", "team: a@b.com; e@f.com",
       "a@b.com, e@f.com\nmissing ',' before byte 16"},
      {"unclosed group", "team: a@b.c", "a@b.c\ngroup \"team\" not closed by ';'"},
      {"colon inside group", "g: a@b.c, x: d@e.f;",
       "a@b.c, d@e.f\nno '@' in address \"x\" at byte 11 (skipped)\nmissing ',' before byte 12\n"
       "unexpected ':' at byte 12 (skipped)\nmissing ',' before byte 14"},
      {"stray closing bracket", "a@b.c > d@e.f",
       "a@b.c, d@e.f\nmissing ',' before byte 7\nunexpected '>' at byte 7 (skipped)\n"
       "missing ',' before byte 9"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) { CHECK(render(parse_address_list(c.input)) == c.want); }
  }
}

TEST_CASE("dot-atom check and address quoting") {
  CHECK(is_dot_atom("a.b-c"));
  CHECK_FALSE(is_dot_atom(""));
  CHECK_FALSE(is_dot_atom(".a"));
  CHECK_FALSE(is_dot_atom("a."));
  CHECK_FALSE(is_dot_atom("a..b"));
  CHECK_FALSE(is_dot_atom("a b"));
  CHECK(Mailbox{"", "a b", "x.org"}.address() == "\"a b\"@x.org");
  CHECK(Mailbox{"", "a\\b", "x.org"}.address() == "\"a\\\\b\"@x.org");
}

TEST_CASE("address list: problems per value are capped") {
  std::string value;
  for (int i = 0; i < 5000; ++i) value += "<";
  value += "a@b.c";
  AddressList list = parse_address_list(value);
  REQUIRE(list.problems.size() == kMaxValueProblems + 1);
  CHECK(list.problems[0].to_string() == "no '@' in <...> at byte 1 (skipped)");
  CHECK(list.problems.back().to_string() == "more problems in this value (not listed)");
  REQUIRE(list.mailboxes.size() == 1);
  CHECK(list.mailboxes[0].address() == "a@b.c");
}
