// XMail's local delivery as a table: one MAIL_ROOT in memory (domains, alias domains, accounts,
// aliases.tab with exact and wildcard lines, a mailing list, mailproc.tab files, cmdaliases,
// custom domains) and, per recipient, the mailboxes it reaches, what needs an MTA and the
// warnings, rendered on one line. Each row names the XMail rule it pins (SMAILProcessFile,
// UsrGetUserByNameOrAlias, UsrAliasLookupName, SMAILMailingListExplode, USmlCmd_*).
#include "spool/local_resolver.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>

#include "spool/password.hpp"
#include "tabfile/tab_reader.hpp"

using namespace psyncd;
using namespace psyncd::spool;

namespace {

// DeliveryFiles from memory: path -> table text.
class MemoryFiles final : public DeliveryFiles {
 public:
  explicit MemoryFiles(std::map<std::string, std::string> files) {
    for (auto& [path, text] : files) tables_[path] = tabfile::parse(text, path);
  }
  const tabfile::Table* table(const std::string& relative) const override {
    asked.push_back(relative);
    auto it = tables_.find(relative);
    return it == tables_.end() ? nullptr : &it->second;
  }
  mutable std::vector<std::string> asked;  // every path looked up

 private:
  std::map<std::string, tabfile::Table> tables_;
};

std::string user_line(const std::string& domain, const std::string& name, int id,
                      const std::string& type = "U") {
  return "\"" + domain + "\"\t\"" + name + "\"\t\"" + encode_password("pw") + "\"\t" +
         std::to_string(id) + "\t\"" + name + "\"\t\"" + type + "\"\n";
}

struct World {
  Domains domains;
  MailUsers users;
  Aliases aliases;
  MemoryFiles files;
  World()
      : files({
            // mailproc.tab: kept copy plus a local redirect, and a remote one.
            {"domains/x.org/keep/mailproc.tab",
             "\"mailbox\"\n\"redirect\"\t\"ann@y.org\"\n\"lredirect\"\t\"y.org\"\n"},
            {"domains/x.org/fwd/mailproc.tab", "\"redirect\"\t\"bob@remote.net\"\n"},
            {"domains/x.org/ext/mailproc.tab", "\"mailbox\"\n\"external\"\t\"0\"\t\"5\"\t\"x\"\n"},
            {"domains/x.org/empty/mailproc.tab", "# nothing\n"},
            {"domains/x.org/odd/mailproc.tab",
             "\"mailbox\"\t\"extra\"\n\"frobnicate\"\n\"redirect\"\n\"mailbox\"\n\"smtprelay\"\n"},
            {"domains/x.org/loop1/mailproc.tab", "\"redirect\"\t\"loop2@x.org\"\n\"mailbox\"\n"},
            {"domains/x.org/loop2/mailproc.tab", "\"redirect\"\t\"LOOP1@x.org\"\n"},
            {"domains/x.org/macro/mailproc.tab", "\"redirect\"\t\"@@FROM\"\n"},
            // y.org has a domain-wide mailproc.tab: it runs before the account's.
            {"domains/y.org/mailproc.tab", "\"mailbox\"\n"},
            {"domains/y.org/ann/mailproc.tab", "\"redirect\"\t\"joe@x.org\"\n"},
            // The list: R members get it, W-only ones do not, no field means RW.
            {"domains/x.org/list/mlusers.tab",
             "\"joe@x.org\"\t\"RW\"\n\"writer@x.org\"\t\"W\"\n\"ann@y.org\"\n"
             "\"far@remote.net\"\t\"R\"\n\"lower@x.org\"\t\"rw\"\n"},  // 'R' only
            // cmdaliases: checked first, in the real domain, lowercased path.
            {"cmdaliases/x.org/help.tab",
             "\"redirect\"\t\"joe@x.org\"\n\"lredirect\"\t\"y.org\"\n\"smtp\"\t\"1.2.3.4\"\n"
             "\"mailbox\"\n"},
            {"cmdaliases/x.org/joe.tab.bak", ""},
            {"custdomains/cust.org.tab", "\"smtp\"\t\"10.0.0.1\"\n"},
            {"custdomains/.parent.org.tab", "\"smtp\"\t\"10.0.0.2\"\n"},
        }) {
    domains =
        Domains::from_tables(tabfile::parse("\"x.org\"\n\"y.org\"\n", "domains.tab"), nullptr);
    auto ad =
        tabfile::parse("\"alias.org\"\t\"x.org\"\n\"*.wild.org\"\t\"y.org\"\n", "aliasdomain.tab");
    domains = Domains::from_tables(tabfile::parse("\"x.org\"\n\"y.org\"\n", "domains.tab"), &ad);
    users = MailUsers::from_table(
        tabfile::parse(user_line("x.org", "Joe", 1) + user_line("x.org", "keep", 2) +
                           user_line("x.org", "fwd", 3) + user_line("x.org", "ext", 4) +
                           user_line("x.org", "empty", 5) + user_line("x.org", "odd", 6) +
                           user_line("x.org", "loop1", 7) + user_line("x.org", "loop2", 8) +
                           user_line("x.org", "macro", 9) + user_line("x.org", "list", 10, "M") +
                           user_line("x.org", "writer", 11) + user_line("y.org", "ann", 12) +
                           user_line("y.org", "sam", 13) + user_line("x.org", "postmaster", 14) +
                           user_line("x.org", "nolist", 15, "M"),
                       "mailusers.tab"));
    aliases = Aliases::from_table(tabfile::parse(
        "\"x.org\"\t\"root\"\t\"joe\"\n"
        "\"x.org\"\t\"Postmaster\"\t\"ann\"\n"      // an account of that name wins
        "\"x.org\"\t\"sales\"\t\"sam@y.org\"\n"     // account in another domain
        "\"x.org\"\t\"ghost\"\t\"nobody\"\n"        // alias to no account
        "\"x.org\"\t\"far\"\t\"bob@remote.net\"\n"  // XMail aliases name accounts only
        "\"x.org\"\t\"info-*\"\t\"keep\"\n"
        "\"x.org\"\t\"info-s*\"\t\"sam@y.org\"\n"  // longer pattern wins
        "\"*\"\t\"abuse\"\t\"joe@x.org\"\n"
        "\"y.org\"\t\"team\"\t\"list@x.org\"\n",  // an alias may name a list
        "aliases.tab"));
  }
  LocalResolver resolver() const { return LocalResolver({&domains, &users, &aliases}, files); }
};

std::string render(const Resolution& r) {
  std::string out;
  for (const MailUser* u : r.mailboxes) out += (out.empty() ? "" : " ") + u->name + "@" + u->domain;
  if (out.empty()) out = "-";
  for (const auto& e : r.needs_mta) out += " | mta " + e.to_string();
  for (const auto& e : r.warnings) out += " | warn " + e.to_string();
  return out;
}

}  // namespace

TEST_CASE("LocalResolver: XMail's local delivery, one recipient at a time") {
  World w;
  auto resolver = w.resolver();
  struct Case {
    const char* name;
    const char* address;
    std::string want;
  };
  const Case cases[] = {
      // Accounts and case rules (UsrGetUserByNameOrAlias; domains and names ignore case).
      {"plain account", "joe@x.org", "Joe@x.org"},
      {"case-insensitive name and domain", "JOE@X.Org", "Joe@x.org"},
      {"alias domain", "joe@alias.org", "Joe@x.org"},
      {"wildcard alias domain", "sam@a.wild.org", "sam@y.org"},
      {"unknown user: XMail bounces", "nobody@x.org",
       "- | mta nobody@x.org: no account or alias \"nobody\" in domain \"x.org\" (XMail "
       "bounces it to the sender)"},
      // aliases.tab (UsrAliasLookupName): exact lines, then the longest wildcard match.
      {"alias", "root@x.org", "Joe@x.org"},
      {"alias, case-insensitive", "ROOT@x.org", "Joe@x.org"},
      {"alias through an alias domain", "root@alias.org", "Joe@x.org"},
      {"an account beats an alias of the same name", "postmaster@x.org", "postmaster@x.org"},
      {"alias to an account of another domain", "sales@x.org", "sam@y.org"},
      {"alias to no account: unknown user", "ghost@x.org",
       "- | mta ghost@x.org: no account or alias \"ghost\" in domain \"x.org\" (XMail bounces "
       "it to the sender)"},
      {"alias to a remote address: XMail finds no account", "far@x.org",
       "- | mta far@x.org: no account or alias \"far\" in domain \"x.org\" (XMail bounces it "
       "to the sender)"},
      {"wildcard alias", "info-billing@x.org",
       "keep@x.org ann@y.org Joe@x.org | mta keep@y.org: no account or alias \"keep\" in "
       "domain \"y.org\" (XMail bounces it to the sender)"},
      {"longest wildcard wins", "info-sales@x.org", "sam@y.org"},
      {"wildcard domain and alias", "abuse@y.org", "Joe@x.org"},
      // mailproc.tab (USmlProcessLocalUserMessage, USmlCmd_mailbox/redirect/lredirect).
      {"mailbox and local redirects; lredirect to a bare domain is name@domain", "keep@x.org",
       "keep@x.org ann@y.org Joe@x.org | mta keep@y.org: no account or alias \"keep\" in domain "
       "\"y.org\" (XMail bounces it to the sender)"},
      {"redirect to a remote address needs an MTA", "fwd@x.org",
       "- | mta bob@remote.net: remote address"},
      {"external needs an MTA, the mailbox copy stays", "ext@x.org",
       "ext@x.org | mta ext@x.org: domains/x.org/ext/mailproc.tab:2: command \"external\" "
       "needs XMail"},
      {"an empty mailproc.tab delivers nowhere", "empty@x.org", "-"},
      {"bad lines are skipped as XMail skips them", "odd@x.org",
       "odd@x.org"
       " | warn domains/x.org/odd/mailproc.tab:1: field 1 (command): \"mailbox\" takes no "
       "argument (line ignored, as XMail does)"
       " | warn domains/x.org/odd/mailproc.tab:2: field 1 (command): unknown command "
       "\"frobnicate\" (line ignored, as XMail does)"
       " | warn domains/x.org/odd/mailproc.tab:3: field 1 (command): \"redirect\" needs an "
       "address (line ignored)"
       " | warn domains/x.org/odd/mailproc.tab:5: field 1 (command): \"smtprelay\" needs a "
       "gateway list (line ignored, as XMail does)"},
      {"a redirect loop is cut at the repeated address", "loop1@x.org",
       "loop1@x.org | warn LOOP1@x.org: redirect loop: loop1@x.org -> loop2@x.org -> "
       "loop1@x.org (not followed again)"},
      {"macros are XMail's", "macro@x.org",
       "- | mta macro@x.org: domains/x.org/macro/mailproc.tab:1: \"@@FROM\" uses an XMail "
       "macro"},
      {"the domain's mailproc.tab runs before the account's", "ann@y.org", "ann@y.org Joe@x.org"},
      // Mailing lists (SMAILMailingListExplode): members with 'R'; "RW" when no field.
      {"list: R members, also remote ones", "list@x.org",
       "Joe@x.org ann@y.org | mta far@remote.net: remote address"},
      {"alias to a list", "team@y.org", "Joe@x.org ann@y.org | mta far@remote.net: remote address"},
      {"list without mlusers.tab", "nolist@x.org",
       "- | mta nolist@x.org: mailing list without domains/x.org/nolist/mlusers.tab (XMail "
       "cannot expand it either)"},
      // cmdaliases/ (SMAILProcessFile step 1, SMAILCustomProcessMessage): before accounts.
      {"cmdalias: redirects, smtp needs an MTA, mailbox is not a cmdalias command",
       "HELP@alias.org",
       "Joe@x.org | mta HELP@y.org: no account or alias \"HELP\" in domain \"y.org\" (XMail "
       "bounces it to the sender) | mta HELP@alias.org: cmdaliases/x.org/help.tab:3: command "
       "\"smtp\" needs XMail | warn cmdaliases/x.org/help.tab:4: field 1 (command): unknown "
       "command \"mailbox\" (line ignored, as XMail does)"},
      // Custom domains (USmlGetDomainCustomFile): the domain, then ".parent".
      {"custom domain", "a@cust.org",
       "- | mta a@cust.org: custom domain (custdomains/cust.org.tab): XMail runs its commands"},
      {"custom parent domain", "a@sub.parent.org",
       "- | mta a@sub.parent.org: custom domain (custdomains/.parent.org.tab): XMail runs its "
       "commands"},
      {"remote", "a@remote.net", "- | mta a@remote.net: remote address"},
  };
  for (const auto& c : cases) {
    INFO(c.name << ": " << c.address);
    CHECK(render(resolver.resolve(c.address)) == c.want);
  }
}

TEST_CASE("LocalResolver: which domains XMail's PSYNC accepts") {
  World w;
  auto resolver = w.resolver();
  CHECK(resolver.accepts("x.org"));
  CHECK(resolver.accepts("ALIAS.org"));
  CHECK(resolver.accepts("b.wild.org"));
  CHECK(resolver.accepts("cust.org"));
  CHECK(resolver.accepts("deep.sub.parent.org"));
  CHECK_FALSE(resolver.accepts("parent.org"));  // ".parent.org.tab" covers subdomains only
  CHECK_FALSE(resolver.accepts("remote.net"));
  CHECK(cmd_alias_path("X.Org", "Help") == "cmdaliases/x.org/help.tab");
}

TEST_CASE("LocalResolver: custdomains/.tab takes every other domain") {
  World w;
  MemoryFiles files(std::map<std::string, std::string>{{"custdomains/.tab", "\"smtp\"\n"}});
  LocalResolver resolver({&w.domains, &w.users, &w.aliases}, files);
  CHECK(resolver.accepts("anything.net"));
  CHECK(render(resolver.resolve("a@anything.net")) ==
        "- | mta a@anything.net: custom domain (custdomains/.tab): XMail runs its commands");
}

TEST_CASE("LocalResolver: a long redirect chain stops") {
  World w;
  std::map<std::string, std::string> files;
  std::string users;
  for (int i = 0; i < 20; ++i) {
    users += user_line("x.org", "c" + std::to_string(i), 100 + i);
    files["domains/x.org/c" + std::to_string(i) + "/mailproc.tab"] =
        "\"redirect\"\t\"c" + std::to_string(i + 1) + "@x.org\"\n";
  }
  MemoryFiles mem(files);
  MailUsers chain = MailUsers::from_table(tabfile::parse(users, "mailusers.tab"));
  LocalResolver resolver({&w.domains, &chain, nullptr}, mem);
  CHECK(render(resolver.resolve("c0@x.org")) == "- | mta c16@x.org: more than 16 redirections");
}

TEST_CASE("LocalResolver: names from the mail never leave cmdaliases/ or custdomains/") {
  World w;
  auto resolver = w.resolver();
  const char* hostile[] = {"../../server@x.org", "a/../../b@x.org", "..@x.org",
                           "x@../../etc/passwd", "x@a/b.cust.org"};
  for (const char* address : hostile) {
    INFO(address);
    w.files.asked.clear();
    (void)resolver.resolve(address);
    for (const auto& path : w.files.asked) {
      INFO(path);
      CHECK(path.find("..") == std::string::npos);
      CHECK(std::count(path.begin(), path.end(), '/') <= 3);  // domains/<d>/<dir>/file
    }
  }
  CHECK(render(resolver.resolve("../../server@x.org")) ==
        "- | mta ../../server@x.org: no account or alias \"../../server\" in domain \"x.org\" "
        "(XMail bounces it to the sender)");
}
