#include "psync/rewrite_recipients.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace psyncd;
using namespace psyncd::mail;
using namespace psyncd::psync;

namespace {

RewriteRule masq(std::vector<std::string> match) {
  return RewriteRule{RewriteKind::masquerade, "home.bogus.com", std::move(match), "axmsuser"};
}

RewriteRule append(std::vector<std::string> match) {
  return RewriteRule{RewriteKind::append, ".local", std::move(match), "axmsuser"};
}

// Recipients joined by ", ", then warnings and problems one per line.
std::string render(const Recipients& r) {
  std::string s;
  for (const auto& a : r.recipients) s += (s.empty() ? "" : ", ") + a;
  for (const auto& w : r.warnings) s += "\nwarning: " + w;
  for (const auto& p : r.problems) s += "\n" + p.to_string();
  return s;
}

std::string run(const RewriteRule& rule, const std::string& headers,
                const std::string& tags = std::string(kDefaultFetchHdrTags)) {
  return render(build_recipients(rule, read_headers(headers), parse_fetch_hdr_tags(tags).tags));
}

struct Case {
  const char* name;
  RewriteRule rule;
  std::string headers;
  std::string want;
};

const std::vector<std::string> kFelins = {"felins.net", "pets.org"};

}  // namespace

TEST_CASE("rewriter: link kinds") {
  const std::vector<Case> cases = {
      {"@ link ignores headers", RewriteRule{RewriteKind::fixed, "home.bogus.com", {}, "axmsuser"},
       "To: x@y.z\n\n", "axmsuser@home.bogus.com"},
      {"? link: manual example", masq(kFelins), "To: graycat@felins.net\n\n",
       "graycat@home.bogus.com"},
      {"& link: manual example", append(kFelins), "To: graycat@felins.net\n\n",
       "graycat@felins.net.local"},
      {"match is exact and case-insensitive", masq(kFelins),
       "To: a@FELINS.NET, b@sub.felins.net, c@felins.network, d@pets.org\n\n",
       "a@home.bogus.com, d@home.bogus.com"},
      {"quoted local part stays quoted", masq(kFelins), "To: \"a b\"@felins.net\n\n",
       "\"a b\"@home.bogus.com"},
      {"append keeps the address case", append(kFelins), "To: Bob@Felins.Net\n\n",
       "Bob@Felins.Net.local"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) { CHECK(run(c.rule, c.headers) == c.want); }
  }
}

TEST_CASE("rewriter: header scan and de-duplication") {
  const std::vector<Case> cases = {
      {"To, Cc and Bcc in list order", masq(kFelins),
       "Cc: c@felins.net\nTo: t@felins.net\nBcc: b@pets.org\n\n",
       "t@home.bogus.com, c@home.bogus.com, b@home.bogus.com"},
      {"every To header in message order", masq(kFelins),
       "To: a@felins.net\nCc: c@felins.net\nTo: b@felins.net\n\n",
       "a@home.bogus.com, b@home.bogus.com, c@home.bogus.com"},
      {"exclusive X-Deliver-To stops the scan", masq(kFelins),
       "To: t@felins.net\nX-Deliver-To: d@felins.net\n\n", "d@home.bogus.com"},
      {"exclusive tag without a match does not stop", masq(kFelins),
       "To: t@felins.net\nX-Deliver-To: d@other.org\n\n", "t@home.bogus.com"},
      {"exclusive Received: free text, stops", masq(kFelins),
       "Received: from a by b (envelope-from <s@x.org>) for <r@felins.net>; date\n"
       "To: t@felins.net\n\n",
       "r@home.bogus.com"},
      {"exclusive tag stops before later tags", masq(kFelins),
       "X-Deliver-To: a@felins.net\nTo: t@felins.net\n\n", "a@home.bogus.com"},
      {"duplicates before rewriting (case-insensitive)", append(kFelins),
       "To: a@felins.net, A@Felins.Net\nCc: a@FELINS.net\n\n", "a@felins.net.local"},
      {"no substring dedup (XMail defect)", masq(kFelins), "To: bob@felins.net, ob@felins.net\n\n",
       "bob@home.bogus.com, ob@home.bogus.com"},
      {"duplicates after rewriting", masq(kFelins), "To: bob@felins.net, bob@pets.org\n\n",
       "bob@home.bogus.com"},
      {"name with a space does not match (XMail)", masq(kFelins),
       "To : a@felins.net\nCc: c@felins.net\n\n", "c@home.bogus.com"},
      {"From and Reply-To are never read", masq(kFelins),
       "From: f@felins.net\nReply-To: r@felins.net\n\n",
       "\nwarning: no matching address found in the headers"},
      {"groups and display names", masq(kFelins),
       "To: team: \"Last, First\" <lf@felins.net>, x@felins.net;,\n undisclosed-recipients:;\n\n",
       "lf@home.bogus.com, x@home.bogus.com"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) { CHECK(run(c.rule, c.headers) == c.want); }
  }
}

TEST_CASE("rewriter: no match-domain list rewrites everything, with a warning") {
  CHECK(run(masq({}), "To: a@x.org, b@y.org\n\n") ==
        "a@home.bogus.com, b@home.bogus.com\n"
        "warning: no match-domain list: every address found is rewritten");
}

TEST_CASE("rewriter: Received gives its for clause, not the envelope sender or ids") {
  const std::string none = "\nwarning: no match-domain list: every address found is rewritten";
  CHECK(run(masq({}),
            "Received: from mx.l.example by pop.r.test; envelope-from <s@l.example>\n"
            "\tfor <good@r.test>; Tue, 2 Jan 2024 09:00:00 +0000\nTo: t@l.example\n\n") ==
        "good@home.bogus.com" + none);
  CHECK(run(masq({}),
            "Received: from a (envelope-from <s@l.example>) by b id <1.2@b.test> for "
            "good@r.test;\n date\nTo: t@l.example\n\n") == "good@home.bogus.com" + none);
  // A Received without a for clause gives nothing: the scan goes on to the next tags.
  CHECK(run(masq({}),
            "Received: from a (envelope-from <s@l.example>) by b id <1.2@b.test>; date\n"
            "To: t@l.example\n\n") == "t@home.bogus.com" + none);
}

TEST_CASE("rewriter: problems name the header line and field") {
  CHECK(run(masq(kFelins), "Subject: hi\nTo: a@felins.net,\n  j\xc3\xb6rg@felins.net\nbad\n\n") ==
        "a@home.bogus.com\n"
        "headers:4: no colon in header line \"bad\" (skipped)\n"
        "headers:2: To: 8-bit or control bytes in address at byte 21 (skipped)");
}

TEST_CASE("rewriter: custom tag list") {
  CHECK(run(masq(kFelins), "To: t@felins.net\nX-Original-To: o@felins.net\n\n",
            "+X-Original-To,To") == "o@home.bogus.com");
  CHECK(run(masq(kFelins), "To: t@felins.net\nCc: c@felins.net\n\n", "cc") == "c@home.bogus.com");
}

TEST_CASE("rewriter: recipients are capped") {
  std::string to = "To: ";
  for (std::size_t i = 0; i <= kMaxRecipients + 5; ++i) to += "u" + std::to_string(i) + "@x.org, ";
  Recipients r = build_recipients(masq({}), read_headers(to + "\n\n"));
  REQUIRE(r.recipients.size() == kMaxRecipients);
  CHECK(r.recipients.back() == "u" + std::to_string(kMaxRecipients - 1) + "@home.bogus.com");
  REQUIRE(r.warnings.size() == 2);
  CHECK(r.warnings[1] == "more than 1000 recipients: the rest ignored");
}
