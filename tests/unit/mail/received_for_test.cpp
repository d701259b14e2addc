#include "mail/received_for.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace psyncd::mail;

namespace {

std::string render(const std::vector<Mailbox>& mailboxes) {
  std::string s;
  for (const Mailbox& m : mailboxes) s += (s.empty() ? "" : ", ") + m.address();
  return s;
}

}  // namespace

TEST_CASE("Received: only the for clause names a recipient") {
  struct Case {
    const char* name;
    std::string value;
    std::string want;
  };
  const Case cases[] = {
      {"Exim: envelope-from comment and id",
       "from mx.a.org ([10.0.0.1]) by mx.b.net with esmtp (Exim 4.96) "
       "(envelope-from <s@a.org>) id 1rX-000 for good@b.net; Mon, 1 Jan 2024 10:00:00 +0000",
       "good@b.net"},
      {"envelope-from after a ';', path form",
       "from a by b; envelope-from <x@y.org> for <Bob@B.net>", "Bob@B.net"},
      {"Postfix",
       "from mx (mx [10.0.0.1]) by mail.b.net (Postfix) with ESMTPS id 4F3 for "
       "<bob@b.net>; Tue, 2 Jan 2024 09:00:00 +0000",
       "bob@b.net"},
      // XMail's own Received line (SMTPUtils.cpp): message id, recipient and sender in angles.
      {"XMail",
       "from a.org (10.0.0.1) by b.net with [XMail 1.27 ESMTP Server] id "
       "<S1A2B3@b.net> for <rcpt@b.net> from <sender@a.org>; Mon, 1 Jan 2024",
       "rcpt@b.net"},
      {"fetchmail",
       "from pop.b.net [10.0.0.2] by localhost with POP3 (fetchmail-6.4) for "
       "<u@localhost> (single-drop); Mon, 1 Jan 2024",
       "u@localhost"},
      {"bare mailbox before a comment", "by h for u@b.net (single-drop); date", "u@b.net"},
      {"keyword case and folding", "by h\r\n\tFOR\r\n <u@b.net>;\r\n date", "u@b.net"},
      {"source route", "by h for <@relay.b.net:u@b.net>; date", "u@b.net"},
      {"domain literal", "by h for root@[10.1.2.3]; date", "root@[10.1.2.3]"},
      {"quoted local part", "by h for <\"a b\"@b.net>; date", "\"a b\"@b.net"},
      {"for inside a comment", "from a (mail for <x@y.org>) by b; date", ""},
      {"for inside an id", "by h id <for@b.net>; date", ""},
      {"part of a word", "by h envelope-for <x@b.net> (for real); date", ""},
      {"no clause", "from a.org (envelope-from <s@a.org>) by b.net id <1@b.net>; date", ""},
      {"empty path", "by h for <>; date", ""},
      {"unclosed path", "by h for <u@b.net", ""},
      {"no address after for", "by h for ; date", ""},
      {"two clauses (not standard, both taken)", "by h for <a@b.net> for <c@d.net>; date",
       "a@b.net, c@d.net"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CHECK(render(received_for_mailboxes(c.value)) == c.want);
  }
}
