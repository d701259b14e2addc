#include "spool/lmail_handoff.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>

#include "tests/support/common/faulty_fs.hpp"
#include "tests/support/common/temp_dir.hpp"
#include "tests/support/spool/spool_fixture.hpp"

using namespace psyncd;

namespace {

const std::string kData = std::string(PSYNCD_SOURCE_DIR) + "/tests/data/spool/lmail/";

spool::MailRoot make_root(test::TempDir& dir) {
  std::filesystem::create_directories(dir / "spool/temp");
  std::filesystem::create_directories(dir / "spool/local");
  return spool::MailRoot(dir.path());
}

}  // namespace

TEST_CASE("LMAIL hand-off golden file: envelope, blank line, CRLF message") {
  test::TempDir dir;
  auto root = make_root(dir);
  ManualClock clock;
  auto drop =
      spool::begin_handoff(fs::posix(), root, "a@ext.org", {"joe@x.org", "ann@x.org"}, clock);
  REQUIRE(drop.ok());
  std::string message = test::slurp(kData + "basic.in");
  for (size_t i = 0; i < message.size(); i += 4) REQUIRE(drop->write(message.substr(i, 4)).ok());
  auto path = spool::commit_handoff(*drop, root);
  REQUIRE(path.ok());
  CHECK(test::slurp(*path) == test::slurp(kData + "basic.ref"));
  CHECK(fs::dir_name(*path) == dir / "spool/local");
  CHECK(fs::base_name(*path).rfind("1700000000000.", 0) == 0);
  CHECK(test::list_names(dir / "spool/temp").empty());
}

TEST_CASE("LMAIL envelope: null sender allowed; bad input") {
  CHECK(spool::lmail_envelope("", {"x@y"}).value() == "MAIL FROM:<>\r\nRCPT TO:<x@y>\r\n\r\n");
  struct Case {
    const char* name;
    std::string sender;
    std::vector<std::string> rcpts;
    std::string want;
  } cases[] = {
      {"no recipient", "a@b", {}, "RCPT TO: an LMAIL file needs a recipient"},
      {"empty recipient", "a@b", {""}, "RCPT TO: empty recipient"},
      {"CRLF injection in sender",
       "a@b>\r\nRCPT TO:<evil@x",
       {"x@y"},
       "MAIL FROM: address \"a@b>\" cannot be written in an LMAIL envelope"},
      {"angle bracket in recipient",
       "a@b",
       {"x@y", "<z@y>"},
       "RCPT TO: address \"<z@y>\" cannot be written in an LMAIL envelope"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = spool::lmail_envelope(c.sender, c.rcpts);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().to_string() == c.want);
  }
}

TEST_CASE("LMAIL hand-off: ENOSPC/EIO at every call, spool/local never sees a partial file") {
  for (int err : {ENOSPC, EIO}) {
    for (long k = 1;; ++k) {
      test::TempDir dir;
      auto root = make_root(dir);
      test::FaultyFs faulty;
      faulty.fail_call(k, err);
      bool ok = false;
      {
        auto drop = spool::begin_handoff(faulty, root, "a@b", {"c@d"});
        if (drop.ok() && drop->write("Subject: x\n\nbody\n").ok())
          ok = spool::commit_handoff(*drop, root).ok();
      }
      INFO("errno " << err << " at call " << k);
      if (faulty.calls() < k) {
        CHECK(ok);
        break;
      }
      CHECK_FALSE(ok);
      auto local = test::list_names(dir / "spool/local");
      CHECK(local.size() <= 1);  // only when the final directory fsync failed
      for (const auto& name : local)
        CHECK(test::slurp(dir / "spool/local/" + name) ==
              "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n\r\nSubject: x\r\n\r\nbody\r\n");
      CHECK(test::list_names(dir / "spool/temp").empty());
    }
  }
}
