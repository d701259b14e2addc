// A fresh MAIL_ROOT made by create_mail_root in a temp dir, with an AdminContext on it, for the
// admin library's tests.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "admin/admin_context.hpp"
#include "admin/mail_root_create.hpp"
#include "tests/support/common/temp_dir.hpp"

namespace psyncd::test {

struct AdminRoot {
  TempDir dir;
  std::string root = dir / "root";
  admin::AdminContext ctx{spool::MailRoot(root), fs::posix(), admin::MailboxFormat::maildir};

  AdminRoot() { REQUIRE(admin::create_mail_root(fs::posix(), root, {"example.test"})); }

  std::string read(const std::string& name) const {
    std::ifstream in(root + "/" + name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(root + "/" + name, std::ios::binary) << text;
  }
  bool exists(const std::string& name) const { return std::filesystem::exists(root + "/" + name); }
};

}  // namespace psyncd::test
