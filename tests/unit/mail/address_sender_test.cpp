#include "mail/address_sender.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace psyncd::mail;

TEST_CASE("envelope sender") {
  struct Case {
    const char* name;
    std::string headers;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"return-path", "Return-Path: <bounce@lists.x.org>\nFrom: Bob <bob@x.org>\n\n",
       "bounce@lists.x.org"},
      {"first return-path wins", "Return-Path: <a@x.org>\nReturn-Path: <b@x.org>\n\n", "a@x.org"},
      {"from with display name", "From: \"Smith, Bob\" <bob@x.org>\n\n", "bob@x.org"},
      {"bare from", "from: bob@x.org (Bob)\n\n", "bob@x.org"},
      {"from with two mailboxes takes the first", "From: a@x.org, b@x.org\n\n", "a@x.org"},
      {"bad return-path falls back to From", "Return-Path: garbage\nFrom: bob@x.org\n\n",
       "bob@x.org"},
      {"null return-path stays null", "Return-Path: < >\nFrom: bob@x.org\n\n", ""},
      {"neither", "To: a@b.c\n\n", ""},
      {"from unparsable", "From: Bob\n\n", ""},
      {"obs-route return-path", "Return-Path: <@relay.net:bob@x.org>\n\n", "bob@x.org"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) { CHECK(envelope_sender(read_headers(c.headers).headers) == c.want); }
  }
}
