#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <sstream>

#include "app/check.hpp"
#include "app/psyncctl_cli.hpp"
#include "spool/password.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;

namespace {

struct Ctl {
  test::TempDir dir;
  std::string root = dir / "root";
  std::string out, err;

  int run(std::vector<std::string> args, const std::string& input = "") {
    std::istringstream in(input);
    std::ostringstream o, e;
    int rc = app::run_psyncctl(args, root, in, o, e);
    out = o.str();
    err = e.str();
    return rc;
  }
  // psyncd --check's problems, as text.
  std::string check() const {
    std::string text;
    for (const auto& p : app::check_mail_root(root)) text += p.to_string() + "\n";
    return text;
  }
};

}  // namespace

TEST_CASE(
    "psyncctl: from nothing to two domains, three accounts, four links, --check clean "
    "after each command") {
  Ctl c;
  const std::vector<std::vector<std::string>> steps = {
      {"mkroot", "example.test"},
      {"domainadd", "example.test"},
      {"domainadd", "example.org"},
      {"useradd", "example.test", "alice", "pw-a"},
      {"useradd", "example.test", "bob", "-"},
      {"-Mm", "useradd", "example.org", "carol", "pw-c", "U"},
      {"aliasadd", "example.test", "postmaster", "alice"},
      {"poplnkadd", "example.test", "alice", "127.0.0.1:1110", "ra", "-", "CLR"},
      {"poplnkadd", "example.test", "bob", "127.0.0.1:1110", "rb", "x", "APOP,Leave"},
      {"poplnkadd", "@example.org", "carol", "127.0.0.1:1995", "rc", "x", "POP3S,NoVerify"},
      {"poplnkadd", "?example.test,example.net", "team", "127.0.0.1:1110", "rt", "x", "CLR"},
      {"poplnkenable", "0", "example.test", "bob"},
      {"userpasswd", "example.test", "alice", "new"},
      {"poplnkpasswd", "example.test", "alice", "127.0.0.1:1110", "ra", "new"},
  };
  for (const auto& step : steps) {
    INFO(step[0] << " " << (step.size() > 1 ? step[1] : ""));
    CHECK(c.run(step, "from-stdin\n") == 0);
    CHECK(c.err.empty());
    CHECK(c.check().empty());
  }
  CHECK(c.run({"userlist"}) == 0);
  CHECK(c.out ==
        "example.test\talice\t1\talice\tU\nexample.test\tbob\t2\tbob\tU\n"
        "example.org\tcarol\t3\tcarol\tU\n");
  CHECK(std::filesystem::is_directory(c.root + "/domains/example.org/carol/mailbox"));
  CHECK(c.run({"poplnklist", "example.test"}) == 0);
  CHECK(c.out ==
        "2\tenabled\texample.test\talice\t127.0.0.1:1110\tra\tCLR\n"
        "3\tdisabled\texample.test\tbob\t127.0.0.1:1110\trb\tAPOP,Leave\n");
  CHECK(c.run({"domainlist"}) == 0);
  CHECK(c.out == "example.test\nexample.org\n");
  // bob's password came from standard input, encoded as xmcrypt encodes it.
  CHECK(c.dir.read("root/mailusers.tab")
            .find("\"bob\"\t\"" + spool::encode_password("from-stdin") + "\"") !=
        std::string::npos);
}

TEST_CASE("psyncctl: command-line errors and refusals, with their exit status") {
  Ctl c;
  CHECK(c.run({"domainadd", "example.test"}) == 66);
  CHECK(c.err == "psyncctl: " + c.root + ": no such directory; make the tree with: psyncctl -Ms " +
                     c.root + " mkroot\n");
  REQUIRE(c.run({"mkroot"}) == 0);
  CHECK(c.run({}) == 64);
  CHECK(c.run({"frobnicate"}) == 64);
  CHECK(c.err == "psyncctl: frobnicate: unknown command (see psyncctl --help)\n");
  CHECK(c.run({"useradd", "example.test"}) == 64);
  CHECK(c.run({"-Mx", "domainlist"}) == 64);
  CHECK(c.run({"poplnkenable", "2", "a", "b"}) == 64);
  CHECK(c.run({"useradd", "example.test", "alice", "pw"}) == 78);
  CHECK(c.run({"userdel", "example.test", "alice"}) == 66);
  CHECK(c.run({"domainadd", "example.test"}) == 0);
  CHECK(c.run({"useradd", "example.test", "alice", "-"}, "") == 64);
  CHECK(c.err == "psyncctl: <stdin>: password: no line to read the password from\n");
  CHECK(c.run({"--help"}) == 0);
  CHECK(c.out.starts_with("usage: psyncctl"));
  // mkroot without a domain leaves RootDomain unset, and --check says what that means.
  CHECK(c.check() ==
        "warning: server.tab: RootDomain is not set: POP3 logins without a domain "
        "fail\n");
}

TEST_CASE("psyncctl: commands run at the same time lose no change (the admin lock)") {
  Ctl c;
  REQUIRE(c.run({"mkroot", "example.test"}) == 0);
  REQUIRE(c.run({"domainadd", "example.test"}) == 0);
  constexpr int kProcesses = 12;
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      std::istringstream in;
      std::ostringstream out, err;
      int rc = app::run_psyncctl({"useradd", "example.test", "u" + std::to_string(i), "pw"}, c.root,
                                 in, out, err);
      ::_exit(rc);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  CHECK(c.run({"userlist"}) == 0);
  std::set<std::string> names, ids;
  std::istringstream rows(c.out);
  for (std::string row; std::getline(rows, row);) {
    auto first = row.find('\t'), second = row.find('\t', first + 1);
    names.insert(row.substr(first + 1, second - first - 1));
    ids.insert(row.substr(second + 1, row.find('\t', second + 1) - second - 1));
  }
  CHECK(names.size() == kProcesses);
  CHECK(ids.size() == kProcesses);  // each took the next id: none was read before another wrote
  CHECK(c.check().empty());
}
