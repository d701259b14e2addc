#include "pop3d/login_name.hpp"

#include <catch2/catch.hpp>

using namespace psyncd::pop3d;

TEST_CASE("split_login: XMail's @ % : separators and the default domain") {
  struct Case {
    const char* name;
    const char* login;
    const char* default_domain;
    bool ok;
    const char* user;
    const char* domain;
  };
  const Case cases[] = {
      {"at", "alice@example.test", "d.test", true, "alice", "example.test"},
      {"percent", "alice%example.test", "d.test", true, "alice", "example.test"},
      {"colon", "alice:example.test", "d.test", true, "alice", "example.test"},
      {"first separator wins", "a%b@c", "", true, "a", "b@c"},
      {"bare name gets the default", "alice", "d.test", true, "alice", "d.test"},
      {"bare name without default", "alice", "", false, "", ""},
      {"empty user", "@example.test", "d.test", false, "", ""},
      {"empty domain", "alice@", "d.test", false, "", ""},
      {"empty login", "", "d.test", false, "", ""},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      auto got = split_login(c.login, c.default_domain);
      REQUIRE(got.has_value() == c.ok);
      if (c.ok) {
        CHECK(got->user == c.user);
        CHECK(got->domain == c.domain);
      }
    }
  }
}
