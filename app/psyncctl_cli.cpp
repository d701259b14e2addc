#include "app/psyncctl_cli.hpp"

#include <functional>
#include <span>

#include "admin/account_admin.hpp"
#include "admin/admin_lock.hpp"
#include "admin/alias_admin.hpp"
#include "admin/domain_admin.hpp"
#include "admin/link_admin.hpp"
#include "admin/mail_root_create.hpp"

namespace psyncd::app {

namespace {

using admin::AdminContext;
using Args = std::span<const std::string>;

struct Io {
  std::istream& in;
  std::ostream& out;
};

// What one command does with its arguments; the notes or rows go to `io.out`.
using Handler = std::function<Result<void>(const AdminContext&, Args, Io&)>;

struct Command {
  const char* name;
  size_t min_args, max_args;
  bool changes;  // takes the admin lock
  Handler run;
};

// A password argument; "-" reads one line from standard input.
Result<std::string> password_arg(const std::string& arg, Io& io) {
  if (arg != "-") return arg;
  std::string line;
  if (!std::getline(io.in, line))
    return Error{ErrorKind::usage, "<stdin>", 0, "password", "no line to read the password from"};
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Result<void> print(Result<admin::Notes> notes, Io& io) {
  if (!notes) return notes.error();
  for (const auto& n : *notes) io.out << n << '\n';
  return {};
}

admin::LinkKey link_key(Args a) {
  return {!a.empty() ? a[0] : "", a.size() > 1 ? a[1] : "", a.size() > 2 ? a[2] : "",
          a.size() > 3 ? a[3] : ""};
}

Result<void> list_links(const AdminContext& c, Args a, Io& io) {
  auto rows = admin::list_links(c, link_key(a));
  if (!rows) return rows.error();
  for (const auto& r : *rows)
    io.out << r.line << '\t' << (r.disabled ? "disabled" : "enabled") << '\t' << r.key.local_domain
           << '\t' << r.key.local_account << '\t' << r.key.server << '\t' << r.key.remote_user
           << '\t' << r.authtype << '\n';
  return {};
}

Result<void> add_link(const AdminContext& c, Args a, Io& io) {
  auto pass = password_arg(a[4], io);
  if (!pass) return pass.error();
  return print(admin::add_link(c, link_key(a), *pass, a[5]), io);
}

Result<void> set_link_password(const AdminContext& c, Args a, Io& io) {
  auto pass = password_arg(a[4], io);
  if (!pass) return pass.error();
  return print(admin::set_link_password(c, link_key(a), *pass), io);
}

Result<void> enable_links(const AdminContext& c, Args a, Io& io) {
  if (a[0] != "0" && a[0] != "1")
    return Error{ErrorKind::usage, {}, 0, "poplnkenable", "the first argument is 0 or 1"};
  if (a.size() == 4)
    return Error{ErrorKind::usage, {}, 0, "poplnkenable", "give both SERVER and RUSER, or neither"};
  return print(admin::enable_links(c, link_key(a.subspan(1)), a[0] == "1"), io);
}

Result<void> add_account(const AdminContext& c, Args a, Io& io) {
  auto pass = password_arg(a[2], io);
  if (!pass) return pass.error();
  return print(admin::add_account(c, a[0], a[1], *pass, a.size() > 3 ? a[3] : "U"), io);
}

Result<void> set_account_password(const AdminContext& c, Args a, Io& io) {
  auto pass = password_arg(a[2], io);
  if (!pass) return pass.error();
  return print(admin::set_account_password(c, a[0], a[1], *pass), io);
}

Result<void> list_accounts(const AdminContext& c, Args a, Io& io) {
  auto rows = admin::list_accounts(c, a.empty() ? "" : a[0]);
  if (!rows) return rows.error();
  for (const auto& r : *rows)
    io.out << r.domain << '\t' << r.name << '\t' << r.id << '\t' << r.dir << '\t' << r.type << '\n';
  return {};
}

Result<void> list_aliases(const AdminContext& c, Args a, Io& io) {
  auto rows = admin::list_aliases(c, a.empty() ? "" : a[0]);
  if (!rows) return rows.error();
  for (const auto& r : *rows) io.out << r[0] << '\t' << r[1] << '\t' << r[2] << '\n';
  return {};
}

Result<void> list_domains(const AdminContext& c, Args, Io& io) {
  auto rows = admin::list_domains(c);
  if (!rows) return rows.error();
  for (const auto& d : *rows) io.out << d << '\n';
  return {};
}

Result<void> make_root(const AdminContext& c, Args a, Io& io) {
  auto made = admin::create_mail_root(c.fs, c.root.root(), {a.empty() ? "" : a[0]});
  if (!made) return made.error();
  for (const auto& m : *made) io.out << "created " << m << '\n';
  if (made->empty()) io.out << c.root.root() << ": nothing was missing\n";
  return {};
}

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"mkroot", 0, 1, false, make_root},
      {"domainadd", 1, 1, true,
       [](const AdminContext& c, Args a, Io& io) { return print(admin::add_domain(c, a[0]), io); }},
      {"domaindel", 1, 1, true,
       [](const AdminContext& c, Args a, Io& io) {
         return print(admin::remove_domain(c, a[0]), io);
       }},
      {"domainlist", 0, 0, false, list_domains},
      {"useradd", 3, 4, true, add_account},
      {"userdel", 2, 2, true,
       [](const AdminContext& c, Args a, Io& io) {
         return print(admin::remove_account(c, a[0], a[1]), io);
       }},
      {"userpasswd", 3, 3, true, set_account_password},
      {"userlist", 0, 1, false, list_accounts},
      {"aliasadd", 3, 3, true,
       [](const AdminContext& c, Args a, Io& io) {
         return print(admin::add_alias(c, a[0], a[1], a[2]), io);
       }},
      {"aliasdel", 2, 2, true,
       [](const AdminContext& c, Args a, Io& io) {
         return print(admin::remove_alias(c, a[0], a[1]), io);
       }},
      {"aliaslist", 0, 1, false, list_aliases},
      {"poplnkadd", 6, 6, true, add_link},
      {"poplnkdel", 4, 4, true,
       [](const AdminContext& c, Args a, Io& io) {
         return print(admin::remove_link(c, link_key(a)), io);
       }},
      {"poplnkpasswd", 5, 5, true, set_link_password},
      {"poplnkenable", 3, 5, true, enable_links},
      {"poplnklist", 0, 2, false, list_links},
  };
  return table;
}

struct Parsed {
  std::string mail_root;
  admin::MailboxFormat format = admin::MailboxFormat::maildir;
  std::vector<std::string> rest;  // the command and its arguments
};

Result<Parsed> parse(const std::vector<std::string>& args,
                     const std::optional<std::string>& mail_root_env) {
  Parsed p;
  p.mail_root = mail_root_env.value_or("");
  size_t i = 0;
  for (; i < args.size() && args[i].starts_with("-") && args[i] != "-"; ++i) {
    if (args[i] == "-Ms") {
      if (++i == args.size()) return Error{ErrorKind::usage, {}, 0, "-Ms", "needs a directory"};
      p.mail_root = args[i];
    } else if (args[i] == "-MM") {
      p.format = admin::MailboxFormat::maildir;
    } else if (args[i] == "-Mm") {
      p.format = admin::MailboxFormat::mailbox;
    } else {
      return Error{ErrorKind::usage, {}, 0, args[i], "unknown option (see psyncctl --help)"};
    }
  }
  p.rest.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  if (p.rest.empty()) return Error{ErrorKind::usage, {}, 0, {}, "no command (see psyncctl --help)"};
  if (p.mail_root.empty())
    return Error{ErrorKind::usage, {}, 0, "-Ms", "no MAIL_ROOT: give -Ms or set $MAIL_ROOT"};
  return p;
}

Result<void> run(const Parsed& p, Io& io) {
  const std::string& name = p.rest[0];
  Args args(p.rest.data() + 1, p.rest.size() - 1);
  for (const auto& cmd : commands()) {
    if (name != cmd.name) continue;
    if (args.size() < cmd.min_args || args.size() > cmd.max_args)
      return Error{
          ErrorKind::usage, {}, 0, name, "wrong number of arguments (see psyncctl --help)"};
    AdminContext ctx{spool::MailRoot(p.mail_root), fs::posix(), p.format};
    if (!cmd.changes) return cmd.run(ctx, args, io);
    if (!fs::is_directory(p.mail_root))
      return Error{
          ErrorKind::not_found,
          p.mail_root,
          0,
          {},
          "no such directory; make the tree with: psyncctl -Ms " + p.mail_root + " mkroot"};
    auto lock = admin::AdminLock::take(p.mail_root);
    if (!lock) return lock.error();
    return cmd.run(ctx, args, io);
  }
  return Error{ErrorKind::usage, {}, 0, name, "unknown command (see psyncctl --help)"};
}

}  // namespace

int run_psyncctl(const std::vector<std::string>& args,
                 const std::optional<std::string>& mail_root_env, std::istream& in,
                 std::ostream& out, std::ostream& err) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    out << psyncctl_usage();
    return 0;
  }
  if (!args.empty() && args[0] == "--version") {
    out << "psyncctl " << PSYNCD_VERSION << '\n';
    return 0;
  }
  auto parsed = parse(args, mail_root_env);
  Io io{in, out};
  Result<void> done = parsed ? run(*parsed, io) : Result<void>(parsed.error());
  if (done) return 0;
  err << "psyncctl: " << done.error().to_string() << '\n';
  return exit_code(done.error().kind);
}

}  // namespace psyncd::app
