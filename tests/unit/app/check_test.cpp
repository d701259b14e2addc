#include "app/check.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/cli.hpp"
#include "tests/support/common/temp_dir.hpp"
#include "tests/support/psync/link_problem_texts.hpp"

using namespace psyncd;
using namespace psyncd::app;

namespace {

const std::string kSample = std::string(PSYNCD_SOURCE_DIR) + "/samples/MAIL_ROOT.example";
const std::string kLinksData = std::string(PSYNCD_SOURCE_DIR) + "/tests/data/psync/links";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A writable copy of the sample tree.
void copy_sample(const test::TempDir& dir) {
  std::filesystem::copy(kSample, dir.path(), std::filesystem::copy_options::recursive);
}

std::string check_output(const std::string& root, int& status) {
  std::ostringstream out;
  status = run_check(root, out);
  return out.str();
}

}  // namespace

TEST_CASE("check: the sample MAIL_ROOT is clean") {
  CHECK(test::problem_texts(check_mail_root(kSample)).empty());
  int status = -1;
  CHECK(check_output(kSample, status).empty());
  CHECK(status == 0);
  // The .keep files that keep empty directories in git are part of the tree checked.
  CHECK(std::filesystem::exists(kSample + "/domains/example.test/alice/Maildir/new/.keep"));
}

TEST_CASE("check: golden output for a broken pop3links.tab") {
  test::TempDir dir;
  copy_sample(dir);
  std::filesystem::copy_file(kLinksData + "/broken.tab", dir / "pop3links.tab",
                             std::filesystem::copy_options::overwrite_existing);
  int status = -1;
  CHECK(check_output(dir.path(), status) == slurp(kLinksData + "/broken.ref"));
  CHECK(status == 1);
}

TEST_CASE("check: warnings only exit 0") {
  test::TempDir dir;
  copy_sample(dir);
  dir.write("pop3links.tab",
            "\"example.test\"\t\"alice\"\t\"127.0.0.1:11110\"\t\"alice\"\t\"\"\t\"Frobnicate\"\n");
  int status = -1;
  CHECK(check_output(dir.path(), status) ==
        "warning: pop3links.tab:1: field 6 (authtype): unknown token \"Frobnicate\" (ignored)\n");
  CHECK(status == 0);
}

TEST_CASE("check: dangerous authtypes exit 1, and the links still run") {
  test::TempDir dir;
  copy_sample(dir);
  dir.write("pop3links.tab",
            "\"example.test\"\t\"alice\"\t\"127.0.0.1:11110\"\t\"a\"\t\"\"\t\"STLS, Leave\"\n"
            "\"example.test\"\t\"alice\"\t\"127.0.0.1:11110\"\t\"b\"\t\"\"\t\"STARTTLS\"\n");
  int status = -1;
  CHECK(check_output(dir.path(), status) ==
        "dangerous: pop3links.tab:1: field 6 (authtype): unknown token \" Leave\" (ignored; "
        "spaces are not trimmed): without it fetched mail is deleted from the server\n"
        "dangerous: pop3links.tab:2: field 6 (authtype): unknown token \"STARTTLS\" (ignored; "
        "did you mean \"STLS\"?): without it the link logs in without TLS (the password goes in "
        "clear)\n");
  CHECK(status == 1);
}

TEST_CASE("check: server.tab names nobody reads and values that are not numbers") {
  test::TempDir dir;
  copy_sample(dir);
  dir.write("server.tab",
            "\"RootDomain\"\t\"example.test\"\n"
            "\"Pop3Threadz\"\t\"4\"\n"
            "\"PsyncMaxPerHost\"\t\"four\"\n"
            "\"MyOwnSetting\"\t\"1\"\n"
            "\"SmtpConfig-127.0.0.1,25\"\t\"mail-auth\"\n"
            "\"pop3greeting\"\t\"hi\"\n");
  int status = -1;
  CHECK(check_output(dir.path(), status) ==
        "server.tab:2: field 1 (name): unknown variable \"Pop3Threadz\" (did you mean "
        "\"Pop3Threads\"? names are case-sensitive; as written it sets nothing)\n"
        "server.tab:3: field 2 (PsyncMaxPerHost): \"four\" is not a number; psyncd uses its "
        "default instead\n"
        "server.tab:6: field 1 (name): unknown variable \"pop3greeting\" (did you mean "
        "\"Pop3Greeting\"? names are case-sensitive; as written it sets nothing)\n"
        "warning: server.tab:4: field 1 (name): unknown variable \"MyOwnSetting\" (neither XMail "
        "nor psyncd reads it)\n");
  CHECK(status == 1);
}

TEST_CASE("check: Pop3SyncErrorAccount must reach a mailbox") {
  test::TempDir dir;
  copy_sample(dir);
  std::string server = slurp(dir / "server.tab");
  dir.write("server.tab", server + "\"Pop3SyncErrorAccount\"\t\"nobody@example.test\"\n");
  int status = -1;
  std::string out = check_output(dir.path(), status);
  CHECK(out.find("server.tab:") != std::string::npos);
  CHECK(out.find("field 2 (Pop3SyncErrorAccount): \"nobody@example.test\" is not a local "
                 "account psyncd can deliver to (") != std::string::npos);
  CHECK(out.find("): mail meant for it stays on the remote server\n") != std::string::npos);
  CHECK(status == 1);
  // An account of the tree is fine.
  dir.write("server.tab", server + "\"Pop3SyncErrorAccount\"\t\"alice@example.test\"\n");
  CHECK(check_output(dir.path(), status).empty());
  CHECK(status == 0);
}

TEST_CASE("check: mail stored for the other of -MM and -Mm") {
  test::TempDir dir;
  copy_sample(dir);
  const std::string alice = "domains/example.test/alice";
  std::filesystem::create_directories(dir / (alice + "/mailbox"));
  dir.write(alice + "/mailbox/1.msg", "Subject: old\n\nhi\n");
  dir.write(alice + "/mailbox/.keep", "");
  CheckOptions mm;
  std::vector<std::string> got = test::problem_texts(check_mail_root(dir.path(), mm));
  CHECK(got == std::vector<std::string>{
                   "mailusers.tab:1: account alice@example.test: 1 message file(s) in " + alice +
                   "/mailbox/, which -MM neither serves nor fills (-Mm does): move them or run "
                   "with the other flag"});
  CheckOptions mbox;
  mbox.mailbox_format = true;
  dir.write(alice + "/Maildir/new/2.host", "Subject: new\n\nhi\n");
  got = test::problem_texts(check_mail_root(dir.path(), mbox));
  // bob has an empty Maildir/ only: nothing is hidden from him.
  CHECK(got == std::vector<std::string>{
                   "mailusers.tab:1: account alice@example.test: 1 message file(s) in " + alice +
                   "/Maildir/, which -Mm neither serves nor fills (-MM does): move them or run "
                   "with the other flag"});
}

// Lines XMail 1.27 runs (UPopChanConfigAssign only ever adds flags): each runs with XMail's
// meaning, and --check names file, line and field for each, as a warning.
TEST_CASE("check: authtype combinations XMail accepts are warnings, not dropped lines") {
  test::TempDir dir;
  copy_sample(dir);
  const std::vector<std::string> auths = {"CLR,APOP",      "POP3S,STLS",
                                          "APOP,FAPOP",    "Leave=yes,KeepDays=3",
                                          "Leave,Leave=0", "OutBind=127.0.0.1,OutBind=127.0.0.2"};
  std::string tab;
  for (size_t i = 0; i < auths.size(); ++i)
    tab += "\"example.test\"\t\"alice\"\t\"127.0.0.1:11110\"\t\"u" + std::to_string(i) +
           "\"\t\"\"\t\"" + auths[i] + "\"\n";
  dir.write("pop3links.tab", tab);
  int status = -1;
  const std::string w = "warning: pop3links.tab:";
  const std::string f = ": field 6 (authtype): ";
  CHECK(check_output(dir.path(), status) ==
        w + "1" + f +
            "\"CLR,APOP\": XMail uses APOP (CLR means nothing to XMail; APOP falls back to "
            "USER/PASS when the greeting has no timestamp or the server refuses it)\n" +
            w + "2" + f +
            "\"POP3S,STLS\": XMail uses POP3S (TLS from the first byte; STLS is never sent on "
            "it)\n" +
            w + "3" + f + "\"APOP,FAPOP\": XMail uses FAPOP (APOP only, no USER/PASS fallback)\n" +
            w + "4" + f +
            "\"Leave=yes\": XMail reads the value as a number (atoi gives 0), which does not "
            "turn Leave on\n" +
            w + "4" + f + "\"Leave=yes\": no effect, KeepDays keeps mail on the server\n" + w +
            "5" + f +
            "\"Leave,Leave=0\": Leave given 2 times; XMail keeps mail on the server when any "
            "one of them turns Leave on, so Leave is on\n" +
            w + "6" + f +
            "token \"OutBind\" given more than once: XMail uses the last one with an address, "
            "\"OutBind=127.0.0.2\"\n");
  CHECK(status == 0);
}

TEST_CASE("check: missing directories and account directories") {
  test::TempDir dir;
  copy_sample(dir);
  std::filesystem::remove_all(dir / "msgsync");
  std::filesystem::remove_all(dir / "tabindex");
  std::filesystem::remove_all(dir / "domains/example.test/bob/Maildir/cur");
  std::filesystem::remove_all(dir / "domains/example.test/alice");
  std::vector<std::string> got = test::problem_texts(check_mail_root(dir.path()));
  std::vector<std::string> want = {
      "msgsync: required directory is missing",
      "warning: tabindex: required directory is missing (needed only if XMail also runs on "
      "this tree)",
      "mailusers.tab:1: account alice@example.test: directory domains/example.test/alice is "
      "missing",
      "mailusers.tab:2: account bob@example.test: directory "
      "domains/example.test/bob/Maildir/cur is missing",
  };
  CHECK(got == want);
  CHECK(check_mail_root(dir.path(), CheckOptions{false}).size() == 3);
}

TEST_CASE("check: other tables' problems are reported with file and line") {
  test::TempDir dir;
  copy_sample(dir);
  dir.write("server.tab", "\"POP3Domain\"\t\"example.test\"\n");
  dir.write("mailusers.tab",
            "\"example.test\"\t\"alice\"\t\"04090c060048160006170011\"\t1\t\"alice\"\t\"U\"\n"
            "\"example.test\"\t\"bob\"\t\"xyz\"\t2\t\"bob\"\t\"U\"\n");
  dir.write("userdef.tab", "\"PopEnable\"\n");
  dir.write("pop3links.tab",
            "\"example.test\"\t\"bob\"\t\"127.0.0.1:11110\"\t\"bob\"\t\"\"\t\"CLR\"\n");
  std::vector<psync::Problem> problems = check_mail_root(dir.path());
  std::vector<std::string> want = {
      "warning: server.tab: RootDomain is not set: POP3 logins without a domain fail",
      "mailusers.tab:2: field 3 (password): odd number of hex digits (3); a plain password? "
      "encode it with xmcrypt (line ignored)",
      "userdef.tab:1: 1 field, need exactly 2 (line ignored)",
      // bob's line in mailusers.tab is unusable, so his local link has no account.
      "pop3links.tab:1: local link to bob@example.test, which is not an account in "
      "mailusers.tab (line skipped)",
  };
  CHECK(test::problem_texts(problems) == want);
}

TEST_CASE("check: a MAIL_ROOT that does not exist") {
  int status = -1;
  CHECK(check_output("/nonexistent/mailroot", status) ==
        "/nonexistent/mailroot: MAIL_ROOT is not a directory\n");
  CHECK(status == 1);
}

TEST_CASE("cli: modes and exit statuses") {
  struct Case {
    const char* name;
    std::vector<std::string> args;
    int status;
    std::string out;
    std::string err;
  };
  const Case cases[] = {
      {"check sample", {"--check", "-Ms", kSample}, 0, "", ""},
      {"bad flag", {"-Q"}, 64, "", "psyncd: -Q: unknown flag (see psyncd --help)\n"},
      {"status before the daemon ran",
       {"-Ms", kSample, "--status"},
       66,
       "",
       "psyncd: " + kSample +
           "/psyncd/status.tab: no status yet (has the daemon run a PSYNC "
           "cycle?)\n"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    std::ostringstream out, err;
    CHECK(run_cli(c.args, {}, out, err) == c.status);
    CHECK(out.str() == c.out);
    CHECK(err.str() == c.err);
  }
  std::ostringstream out, err;
  CHECK(run_cli({"--help"}, {}, out, err) == 0);
  CHECK(out.str().rfind("usage: psyncd", 0) == 0);
  std::ostringstream version, none;
  CHECK(run_cli({"--version"}, {}, version, none) == 0);
  CHECK(version.str().rfind("psyncd ", 0) == 0);
  CHECK(none.str().empty());
}

TEST_CASE("check: '@' and '?' links to a domain that is not ours are a warning") {
  test::TempDir dir;
  copy_sample(dir);
  dir.write("pop3links.tab",
            "\"@elsewhere.test\"\t\"bob\"\t\"127.0.0.1:11110\"\t\"b\"\t\"\"\t\"\"\n"
            "\"?example.test,x.org\"\t\"t\"\t\"127.0.0.1:11110\"\t\"t\"\t\"\"\t\"\"\n"
            "\"?far.test,x.org\"\t\"t\"\t\"127.0.0.1:11110\"\t\"u\"\t\"\"\t\"\"\n"
            "\"&.far,x.org\"\t\"t\"\t\"127.0.0.1:11110\"\t\"v\"\t\"\"\t\"\"\n");
  std::vector<std::string> want = {
      "warning: pop3links.tab:1: field 1 (local-domain): domain elsewhere.test is not in "
      "domains.tab: its mail goes to Pop3SyncErrorAccount or stays on the remote server",
      "warning: pop3links.tab:3: field 1 (local-domain): domain far.test is not in domains.tab: "
      "its mail goes to Pop3SyncErrorAccount or stays on the remote server",
  };
  CHECK(test::problem_texts(check_mail_root(dir.path())) == want);
}

TEST_CASE("check: aliases.tab lines routing cannot use; a list without mlusers.tab") {
  test::TempDir dir;
  copy_sample(dir);
  dir.write("aliases.tab", "\"example.test\"\t\"postmaster\"\n");
  dir.write("mailusers.tab", slurp(dir / "mailusers.tab") +
                                 "\"example.test\"\t\"team\"\t\"\"\t90\t\"team\"\t\"M\"\n");
  std::filesystem::create_directories(dir / "domains/example.test/team");
  auto texts = test::problem_texts(check_mail_root(dir.path()));
  auto has = [&](const std::string& want) {
    return std::find(texts.begin(), texts.end(), want) != texts.end();
  };
  INFO(Catch::Detail::stringify(texts));
  CHECK(has("aliases.tab:1: 2 fields, need at least 3 (line ignored)"));
  CHECK(std::any_of(texts.begin(), texts.end(), [](const std::string& t) {
    return t.find("account team@example.test: mailing list without mlusers.tab") !=
           std::string::npos;
  }));
  dir.write("domains/example.test/team/mlusers.tab", "\"alice@example.test\"\n");
  texts = test::problem_texts(check_mail_root(dir.path()));
  CHECK(std::none_of(texts.begin(), texts.end(), [](const std::string& t) {
    return t.find("mlusers.tab") != std::string::npos;
  }));
}

TEST_CASE("check: mailproc.tab and cmdaliases/ lines XMail would skip are warnings") {
  test::TempDir dir;
  copy_sample(dir);
  dir.write("domains/example.test/alice/mailproc.tab",
            "\"mailbox\"\n\"frobnicate\"\t\"x\"\n\"redirect\"\t\"bob@example.test\"\n");
  dir.write("domains/example.test/mailproc.tab", "\"mailbox\"\t\"extra\"\n");
  dir.write("cmdaliases/example.test/help.tab", "\"redirect\"\n\"mailbox\"\n\"smtp\"\t\"h\"\n");
  int status = -1;
  CHECK(check_output(dir.path(), status) ==
        "warning: domains/example.test/alice/mailproc.tab:2: field 1 (command): unknown command "
        "\"frobnicate\" (line ignored, as XMail does)\n"
        "warning: domains/example.test/mailproc.tab:1: field 1 (command): \"mailbox\" takes no "
        "argument (line ignored, as XMail does)\n"
        "warning: cmdaliases/example.test/help.tab:1: field 1 (command): \"redirect\" needs an "
        "address (line ignored)\n"
        "warning: cmdaliases/example.test/help.tab:2: field 1 (command): unknown command "
        "\"mailbox\" (line ignored, as XMail does)\n");
  CHECK(status == 0);
}
