#include "admin/mail_root_create.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

#include "spool/mail_root.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;

TEST_CASE("create_mail_root: the tree psyncd and XMail need, once") {
  test::TempDir dir;
  std::string root = dir / "root";
  auto made = admin::create_mail_root(fs::posix(), root, {"example.test"});
  REQUIRE(made);
  CHECK(spool::MailRoot(root).check_xmail_layout().empty());
  for (const char* d : {"spool/local", "spool/temp", "tmp", "cmdaliases", "userauth/pop3"})
    CHECK(std::filesystem::is_directory(root + "/" + d));
  CHECK(dir.read("root/server.tab") ==
        "\"RootDomain\"\t\"example.test\"\n"
        "\"POP3Domain\"\t\"example.test\"\n");
  CHECK(dir.read("root/userdef.tab").find("\"PopEnable\"\t\"1\"\n") != std::string::npos);
  CHECK(dir.read("root/pop3.ipmap.tab") == "\"0.0.0.0\"\t\"0.0.0.0\"\t\"ALLOW\"\t1\n");
  CHECK(dir.read("root/mailusers.tab").empty());

  dir.write("root/domains.tab", "\"mine.test\"\n");
  std::filesystem::remove(root + "/logs");
  auto again = admin::create_mail_root(fs::posix(), root, {"other.test"});
  REQUIRE(again);
  CHECK(*again == std::vector<std::string>{root + "/logs/"});  // only what was missing
  CHECK(dir.read("root/domains.tab") == "\"mine.test\"\n");
  CHECK(dir.read("root/server.tab").find("other.test") == std::string::npos);
}

TEST_CASE("create_mail_root: bad input") {
  test::TempDir dir;
  auto bad = admin::create_mail_root(fs::posix(), dir / "root", {"bad domain"});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().to_string() ==
        "--domain: \"bad domain\" is not a host name (only letters, digits, '-' and dots; found "
        "' ')");
  test::TempDir other;
  other.write("logs", "x");
  auto not_dir = admin::create_mail_root(fs::posix(), other.path(), {});
  REQUIRE_FALSE(not_dir);
  CHECK(not_dir.error().to_string() == other / "logs" + ": exists and is not a directory");
  CHECK(other.read("logs") == "x");
}
