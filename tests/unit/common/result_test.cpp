// Error (common/result.hpp): our diagnosis and the peer's reply kept apart and shown together,
// the peer's bytes quoted, and the causes fs::sys_error finds in errno.
#include "common/result.hpp"

#include <catch2/catch.hpp>
#include <cerrno>

#include "common/fs.hpp"

using psyncd::Error;
using psyncd::ErrorCause;
using psyncd::ErrorKind;

TEST_CASE("error: the reply comes after our words, quoted") {
  Error e{ErrorKind::auth, "h:110", 0, "PASS", "login refused"};
  CHECK(e.to_string() == "h:110: PASS: login refused");
  e.reply = "-ERR [AUTH] \"no\"\x01";
  CHECK(e.to_string() == "h:110: PASS: login refused: \"-ERR [AUTH] \\x22no\\x22\\x01\"");
  CHECK(e.text == "login refused");  // the diagnosis itself stays free of the server's words
  e.reply = std::string(300, 'x');
  CHECK(e.to_string() == "h:110: PASS: login refused: \"" + std::string(200, 'x') + "...\"");
}

TEST_CASE("error: quote_peer_text caps and escapes") {
  CHECK(psyncd::quote_peer_text("ok") == "\"ok\"");
  CHECK(psyncd::quote_peer_text("a\\b\xff", 60) == "\"a\\x5cb\\xff\"");
  CHECK(psyncd::quote_peer_text("abcdef", 3) == "\"abc...\"");
}

TEST_CASE("error: sys_error names the causes advice depends on") {
  struct Case {
    int err;
    ErrorCause want;
    ErrorKind kind;
  };
  const Case cases[] = {
      {ENOSPC, ErrorCause::no_space, ErrorKind::io},
      {EDQUOT, ErrorCause::no_space, ErrorKind::io},
      {EXDEV, ErrorCause::cross_device, ErrorKind::io},
      {EACCES, ErrorCause::none, ErrorKind::io},
      {ENOENT, ErrorCause::none, ErrorKind::not_found},
  };
  for (const auto& c : cases) {
    INFO(c.err);
    Error e = psyncd::fs::sys_error("cannot write", "/x", c.err);
    CHECK(e.cause == c.want);
    CHECK(e.kind == c.kind);
    CHECK(e.reply.empty());
  }
  CHECK(std::string(psyncd::to_string(ErrorCause::no_space)) == "no-space");
  CHECK(std::string(psyncd::to_string(ErrorCause::silent_after_login)) == "silent-after-login");
}
