#include "smtp/transaction.hpp"

#include <catch2/catch.hpp>

using namespace psyncd::smtp;

namespace {

// Greeting, EHLO, MAIL accepted.
TransactionReader opened(std::vector<std::string> rcpts) {
  TransactionReader t(std::move(rcpts));
  t.reply_line("220 gw ESMTP");
  t.command("EHLO psyncd");
  t.reply_line("250-gw");
  t.reply_line("250 8BITMIME");
  t.command("MAIL FROM:<s@example.org>");
  t.reply_line("250 ok");
  return t;
}

// Greeting, EHLO, and MAIL answered with `reply`, for a@x.org.
TransactionReader mail_answered(const std::string& reply) {
  TransactionReader t({"a@x.org"});
  t.reply_line("220 gw");
  t.command("EHLO me");
  t.reply_line("250 gw");
  t.command("MAIL FROM:<s@y>");
  t.reply_line(reply);
  return t;
}

}  // namespace

TEST_CASE("each RCPT has its own reply; the final reply speaks for the accepted ones") {
  TransactionReader t = opened({"a@x.org", "b@x.org", "c@x.org"});
  t.command("RCPT TO:<a@x.org>");
  t.reply_line("250 ok");
  t.command("RCPT TO:<b@x.org>");
  t.reply_line("452 4.2.2 mailbox full");
  t.command("RCPT TO:<c@x.org>");
  t.reply_line("550 5.1.1 no such user");
  t.command("DATA");
  t.reply_line("354 go ahead");
  t.body_sent();
  t.reply_line("250 2.0.0 queued as 1234");
  auto r = t.results("");
  REQUIRE(r.size() == 3);
  CHECK(r[0].status == RecipientStatus::accepted);
  CHECK(r[0].reply == "250 2.0.0 queued as 1234");
  CHECK(r[1].status == RecipientStatus::temporary);
  CHECK(r[1].reply == "452 4.2.2 mailbox full");
  CHECK(r[2].status == RecipientStatus::permanent);
  CHECK(r[2].reply == "550 5.1.1 no such user");
}

TEST_CASE("a 5xx or 4xx to MAIL, DATA or the end of the message decides for everyone") {
  SECTION("MAIL refused") {
    TransactionReader t({"a@x.org"});
    t.reply_line("220 gw");
    t.command("EHLO me");
    t.reply_line("250 gw");
    t.command("MAIL FROM:<s@y>");
    t.reply_line("553 sender refused");
    CHECK(t.results("curl: failed")[0].status == RecipientStatus::permanent);
  }
  SECTION("refused after the final dot") {
    TransactionReader t = opened({"a@x.org", "b@x.org"});
    t.command("RCPT TO:<a@x.org>");
    t.reply_line("250 ok");
    t.command("RCPT TO:<b@x.org>");
    t.reply_line("250 ok");
    t.command("DATA");
    t.reply_line("354 go");
    t.body_sent();
    t.reply_line("451 4.3.0 try later");
    auto r = t.results("");
    CHECK(r[0].status == RecipientStatus::temporary);
    CHECK(r[1].reply == "451 4.3.0 try later");
  }
}

TEST_CASE("a link lost after the message's end is temporary and maybe sent") {
  TransactionReader t = opened({"a@x.org"});
  t.command("RCPT TO:<a@x.org>");
  t.reply_line("250 ok");
  t.command("DATA");
  t.reply_line("354 go");
  t.body_sent();
  auto r = t.results("gw:25: connection closed");
  CHECK(r[0].status == RecipientStatus::temporary);
  CHECK(r[0].maybe_sent);
  CHECK(r[0].reply.find("connection closed") != std::string::npos);
}

TEST_CASE("a link lost in the body, before the end, is temporary and not sent") {
  TransactionReader t = opened({"a@x.org"});
  t.command("RCPT TO:<a@x.org>");
  t.reply_line("250 ok");
  t.command("DATA");
  t.reply_line("354 go");
  auto r = t.results("timeout");
  CHECK(r[0].status == RecipientStatus::temporary);
  CHECK_FALSE(r[0].maybe_sent);
}

TEST_CASE("a refusal before MAIL (greeting, AUTH) keeps everyone owed, even as 5xx") {
  TransactionReader t({"a@x.org"});
  t.reply_line("220 gw");
  t.command("EHLO me");
  t.reply_line("250 AUTH PLAIN");
  t.command("AUTH PLAIN xxx");
  t.reply_line("535 5.7.8 bad credentials");
  auto r = t.results("login denied");
  CHECK(r[0].status == RecipientStatus::temporary);
  CHECK(r[0].reply.find("535") != std::string::npos);
}

TEST_CASE("no connection at all: temporary with the transport's words") {
  TransactionReader t({"a@x.org", "b@x.org"});
  auto r = t.results("gw:25: Connection refused");
  REQUIRE(r.size() == 2);
  CHECK(r[1].status == RecipientStatus::temporary);
  CHECK(r[1].reply.find("Connection refused") != std::string::npos);
}

TEST_CASE("QUIT's reply after a refusal does not replace the refusal") {
  TransactionReader t = opened({"a@x.org"});
  t.command("RCPT TO:<a@x.org>");
  t.reply_line("250 ok");
  t.command("DATA");
  t.reply_line("451 4.3.0 later");
  t.command("QUIT");
  t.reply_line("221 bye");
  auto r = t.results("DATA failed: 451");
  CHECK(r[0].status == RecipientStatus::temporary);
  CHECK(r[0].reply == "451 4.3.0 later");

  TransactionReader m = mail_answered("550 no");
  m.command("QUIT");
  m.reply_line("221 bye");
  CHECK(m.results("x")[0].status == RecipientStatus::permanent);
}

TEST_CASE("530 to MAIL (authentication required) defers: the gateway's setting, not the mail") {
  TransactionReader t = mail_answered("530 5.7.0 Authentication required");
  auto r = t.results("MAIL failed");
  CHECK(r[0].status == RecipientStatus::temporary);
  CHECK(r[0].reply == "530 5.7.0 Authentication required");
}
