#include "spool/mail_root.hpp"

#include <catch2/catch.hpp>

#include "common/fs.hpp"
#include "spool/domains.hpp"
#include "spool/mail_users.hpp"
#include "spool/server_config.hpp"
#include "spool/user_config.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;
using namespace psyncd::spool;

TEST_CASE("MailRoot: paths of docs/xmail-formats.md §5.1") {
  MailRoot root("/var/MailRoot/");
  struct Case {
    const char* name;
    std::string got;
    std::string want;
  };
  const Case cases[] = {
      {"root without trailing slash", root.root(), "/var/MailRoot"},
      {"server.tab", root.server_tab(), "/var/MailRoot/server.tab"},
      {"mailusers.tab", root.mailusers_tab(), "/var/MailRoot/mailusers.tab"},
      {"domains.tab", root.domains_tab(), "/var/MailRoot/domains.tab"},
      {"aliasdomain.tab", root.aliasdomain_tab(), "/var/MailRoot/aliasdomain.tab"},
      {"pop3links.tab", root.pop3links_tab(), "/var/MailRoot/pop3links.tab"},
      {"userdef.tab", root.userdef_tab(), "/var/MailRoot/userdef.tab"},
      {"message.id", root.message_id_file(), "/var/MailRoot/message.id"},
      {"server.cert", root.server_cert(), "/var/MailRoot/server.cert"},
      {"server.key", root.server_key(), "/var/MailRoot/server.key"},
      {"trigger", root.psync_trigger(), "/var/MailRoot/.psync-trigger"},
      {"spool/local", root.spool_local_dir(), "/var/MailRoot/spool/local"},
      {"spool/temp", root.spool_temp_dir(), "/var/MailRoot/spool/temp"},
      {"pop3linklocks", root.pop3linklocks_dir(), "/var/MailRoot/pop3linklocks"},
      {"pop3locks", root.pop3locks_dir(), "/var/MailRoot/pop3locks"},
      {"msgsync", root.msgsync_dir(), "/var/MailRoot/msgsync"},
      {"tabindex", root.tabindex_dir(), "/var/MailRoot/tabindex"},
      {"domain lowercased", root.domain_dir("Example.TEST"), "/var/MailRoot/domains/example.test"},
      {"domain userdef", root.domain_userdef_tab("Ex.Test"),
       "/var/MailRoot/domains/ex.test/userdef.tab"},
      {"domain .tmp", root.domain_tmp_dir("ex.test"), "/var/MailRoot/domains/ex.test/.tmp"},
      {"account dir keeps case", root.account_dir("EX.test", "Alice"),
       "/var/MailRoot/domains/ex.test/Alice"},
      {"user.tab", root.user_tab("ex.test", "alice"),
       "/var/MailRoot/domains/ex.test/alice/user.tab"},
      {"Maildir/new", root.maildir_new("ex.test", "alice"),
       "/var/MailRoot/domains/ex.test/alice/Maildir/new"},
      {"Maildir/tmp", root.maildir_tmp("ex.test", "alice"),
       "/var/MailRoot/domains/ex.test/alice/Maildir/tmp"},
      {"Maildir/cur", root.maildir_cur("ex.test", "alice"),
       "/var/MailRoot/domains/ex.test/alice/Maildir/cur"},
      {"mailbox", root.mailbox_dir("ex.test", "alice"),
       "/var/MailRoot/domains/ex.test/alice/mailbox"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(c.got == c.want);
  }
}

TEST_CASE("MailRoot::relative: paths under the root lose it, others stay whole") {
  MailRoot root("/var/MailRoot");
  CHECK(root.relative("/var/MailRoot/domains/a.test/alice/Maildir") ==
        "domains/a.test/alice/Maildir");
  CHECK(root.relative(root.pop3links_tab()) == "pop3links.tab");
  CHECK(MailRoot("/var/MailRoot/").relative("/var/MailRoot/spool") == "spool");
  CHECK(root.relative("/var/MailRootOther/x") == "/var/MailRootOther/x");
  CHECK(root.relative("/var/MailRoot") == "/var/MailRoot");
  CHECK(root.relative("/var/MailRoot/") == "/var/MailRoot/");
  CHECK(root.relative("relative/path") == "relative/path");
}

TEST_CASE("is_safe_path_component") {
  CHECK(is_safe_path_component("alice"));
  CHECK(is_safe_path_component("example.test"));
  CHECK(is_safe_path_component("..."));
  CHECK_FALSE(is_safe_path_component(""));
  CHECK_FALSE(is_safe_path_component("."));
  CHECK_FALSE(is_safe_path_component(".."));
  CHECK_FALSE(is_safe_path_component("a/b"));
  CHECK_FALSE(is_safe_path_component(std::string("a\0b", 3)));
}

namespace {

void make_minimal_root(const test::TempDir& dir) {
  for (const char* f : {"server.tab", "domains.tab", "mailusers.tab", "pop3links.tab"}) {
    dir.write(f, "");
  }
  for (const char* d :
       {"domains", "spool", "pop3links", "pop3linklocks", "pop3locks", "msgsync", "logs"}) {
    dir.write(std::string(d) + "/.keep", "");
  }
}

std::string render(const std::vector<Error>& errors, const std::string& root) {
  std::string out;
  for (const auto& e : errors) {
    std::string s = e.to_string();
    if (s.rfind(root, 0) == 0) s = "ROOT" + s.substr(root.size());
    out += s + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("check_layout: a complete root passes, each missing entry is named") {
  test::TempDir dir;
  make_minimal_root(dir);
  MailRoot root(dir.path());
  CHECK(root.check_layout().empty());
  CHECK(render(root.check_xmail_layout(), dir.path()) ==
        "ROOT/message.id: required file is missing\n"
        "ROOT/aliases.tab: required file is missing\n"
        "ROOT/aliasdomain.tab: required file is missing\n"
        "ROOT/extaliases.tab: required file is missing\n"
        "ROOT/tabindex: required directory is missing\n");
}

TEST_CASE("check_layout: bad layouts, exact messages") {
  test::TempDir dir;
  dir.write("pop3locks", "a file where a directory belongs");
  dir.write("server.tab/x", "");
  MailRoot root(dir.path());
  auto errors = root.check_layout();
  CHECK(render(errors, dir.path()) ==
        "ROOT/server.tab: must be a file, not a directory\n"
        "ROOT/domains.tab: required file is missing\n"
        "ROOT/mailusers.tab: required file is missing\n"
        "ROOT/pop3links.tab: required file is missing\n"
        "ROOT/domains: required directory is missing\n"
        "ROOT/spool: required directory is missing\n"
        "ROOT/pop3links: required directory is missing\n"
        "ROOT/pop3linklocks: required directory is missing\n"
        "ROOT/pop3locks: must be a directory\n"
        "ROOT/msgsync: required directory is missing\n"
        "ROOT/logs: required directory is missing\n");
  CHECK(errors[1].kind == ErrorKind::not_found);
  CHECK(errors[0].kind == ErrorKind::config);
  MailRoot none(dir / "does-not-exist");
  CHECK(render(none.check_layout(), dir.path()) ==
        "ROOT/does-not-exist: MAIL_ROOT is not a directory\n");
}

TEST_CASE("the shipped samples/MAIL_ROOT.example is complete and loads without problems") {
  MailRoot root(std::string(PSYNCD_SOURCE_DIR) + "/samples/MAIL_ROOT.example");
  CHECK(render(root.check_xmail_layout(), root.root()).empty());
  auto domains = Domains::load(root.domains_tab(), root.aliasdomain_tab());
  REQUIRE(domains.ok());
  CHECK(domains->problems().empty());
  auto users = MailUsers::load(root.mailusers_tab());
  REQUIRE(users.ok());
  CHECK(users->problems().empty());
  REQUIRE_FALSE(users->users().empty());
  for (const auto& user : users->users()) {
    INFO(user.domain << "/" << user.name);
    CHECK(domains->is_local(user.domain));
    CHECK(fs::is_directory(root.maildir_new(user.domain, user.dir)));
    CHECK(fs::is_directory(root.maildir_cur(user.domain, user.dir)));
    CHECK(fs::is_directory(root.maildir_tmp(user.domain, user.dir)));
    auto config = UserConfig::load(root.user_tab(user.domain, user.dir));
    REQUIRE(config.ok());
    CHECK(config->problems().empty());
  }
  auto server = ServerConfig::load(root.server_tab());
  REQUIRE(server.ok());
  CHECK(server->problems().empty());
  CHECK(server->get("RootDomain").has_value());
  auto defaults = UserConfig::load_defaults(root, "example.test");
  REQUIRE(defaults.ok());
  CHECK(defaults->problems().empty());
}
