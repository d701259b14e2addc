#include "tests/support/psync/psync_fetch_fixture.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "spool/password.hpp"
#include "spool/uidb.hpp"
#include "tabfile/tab_reader.hpp"
#include "tests/support/spool/spool_fixture.hpp"

namespace psyncd::test {

const std::string kGreeting = "+OK fake ready <42.1700000000@fake>\r\n";
const std::string kCapaPipe = "+OK\r\nUSER\r\nUIDL\r\nTOP\r\nPIPELINING\r\n.\r\n";

namespace {

psync::Link parse(const std::string& line) {
  auto table = tabfile::parse(line, "pop3links.tab");
  auto parsed = psync::parse_link(table.records.at(0));
  if (!parsed.ok()) throw std::runtime_error("bad test link: " + line);
  return parsed.link;
}

std::string links_line(const std::string& f1, const std::string& f2, std::uint16_t port,
                       const std::string& authtype) {
  return "\"" + f1 + "\"\t\"" + f2 + "\"\t\"127.0.0.1:" + std::to_string(port) + "\"\t\"joe\"\t\"" +
         spool::encode_password("pw") + "\"\t\"" + authtype + "\"\n";
}

}  // namespace

FetchFixture::FetchFixture() : root(dir.path()) {
  dir.write("domains.tab", "\"ex.test\"\n");
  dir.write("mailusers.tab",
            "\"ex.test\"\t\"joe\"\t\"\"\t1\t\"joe\"\t\"U\"\n"
            "\"ex.test\"\t\"ann\"\t\"\"\t2\t\"ann\"\t\"U\"\n"
            "\"ex.test\"\t\"errors\"\t\"\"\t3\t\"errors\"\t\"U\"\n");
  for (const char* d : {"pop3linklocks", "msgsync", "tmp", "spool/local", "spool/temp"}) {
    std::filesystem::create_directories(dir / d);
  }
  for (const char* a : {"joe", "ann", "errors"}) make_maildir(dir.path(), "ex.test", a);
  users = *spool::MailUsers::load(root.mailusers_tab());
  domains = *spool::Domains::load(root.domains_tab(), root.aliasdomain_tab());
  env.route.root = &root;
  env.route.users = &users;
  env.route.domains = &domains;
  env.fs = &fs::posix();
  env.clock = &clock;
  env.io_timeout = std::chrono::milliseconds(3000);
  env.stop = &stop;
  env.connect = psync::curl_factory(dir.path(), std::chrono::milliseconds(3000));
}

psync::Link FetchFixture::link(std::uint16_t port, const std::string& authtype) const {
  return parse(links_line("ex.test", "joe", port, authtype));
}

psync::Link FetchFixture::rewrite_link(std::uint16_t port, const std::string& field1,
                                       const std::string& authtype) const {
  return parse(links_line(field1, "joe", port, authtype));
}

psync::LinkResult FetchFixture::sync(const psync::Link& l) { return psync::sync_link(env, l); }

std::vector<std::string> FetchFixture::delivered(const std::string& account) const {
  std::string new_dir = root.maildir_new("ex.test", account);
  std::vector<std::string> out;
  for (const auto& name : list_names(new_dir)) out.push_back(slurp(new_dir + "/" + name));
  std::sort(out.begin(), out.end());
  return out;
}

std::string FetchFixture::uidb(const psync::Link& l) const {
  auto path = spool::uidb_path(root.root(), l.remote_spec, l.remote_user);
  if (!path || !std::filesystem::exists(*path)) return "<none>";
  return slurp(*path);
}

std::vector<FakeStep> join_steps(std::initializer_list<std::vector<FakeStep>> parts) {
  std::vector<FakeStep> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::vector<FakeStep> hello_login(const std::string& capa) {
  return {say(kGreeting), expect("CAPA\r\n"),    say(capa),        expect("USER joe\r\n"),
          say("+OK\r\n"), expect("PASS pw\r\n"), say("+OK in\r\n")};
}

std::vector<FakeStep> listing(const std::vector<std::pair<std::string, std::size_t>>& msgs) {
  std::uint64_t total = 0;
  std::string uidl = "+OK\r\n", list = "+OK\r\n";
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    total += msgs[i].second;
    uidl += std::to_string(i + 1) + " " + msgs[i].first + "\r\n";
    list += std::to_string(i + 1) + " " + std::to_string(msgs[i].second) + "\r\n";
  }
  uidl += ".\r\n";
  list += ".\r\n";
  return {expect("STAT\r\n"),
          say("+OK " + std::to_string(msgs.size()) + " " + std::to_string(total) + "\r\n"),
          expect("UIDL\r\n"),
          say(uidl),
          expect("LIST\r\n"),
          say(list)};
}

std::vector<FakeStep> quit_ok() { return {expect("QUIT\r\n"), say("+OK bye\r\n"), expect_close()}; }

}  // namespace psyncd::test
