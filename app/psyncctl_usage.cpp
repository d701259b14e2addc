#include "app/psyncctl_cli.hpp"

namespace psyncd::app {

std::string psyncctl_usage() {
  return R"(usage: psyncctl [-Ms MAIL_ROOT] [-MM | -Mm] COMMAND [ARGS...]

Changes the tables of an XMail MAIL_ROOT the way XMail's CtrlClnt does, without a running
XMail: each change is one atomic rename under psyncctl's lock, so a running psyncd or XMail
reads the old table or the new one. PASSWORD "-" reads the password from standard input.

  mkroot [DOMAIN]                     create the MAIL_ROOT (missing parts only); DOMAIN sets
                                      RootDomain and POP3Domain in server.tab
  domainadd DOMAIN                    add a local domain (domains.tab, domains/DOMAIN/)
  domaindel DOMAIN                    remove a domain that has no accounts and no links
  domainlist                          list the local domains
  useradd DOMAIN USER PASSWORD [U|M]  add an account (mailusers.tab, its directory, user.tab,
                                      Maildir/ with -MM or mailbox/ with -Mm); M: mailing list
  userdel DOMAIN USER                 remove an account whose mailbox is empty, its local links
                                      and its aliases
  userpasswd DOMAIN USER PASSWORD     set an account's password
  userlist [DOMAIN]                   list accounts: domain, name, id, directory, type
  aliasadd DOMAIN ALIAS ACCOUNT       add an alias (aliases.tab) for an existing account
  aliasdel DOMAIN ALIAS               remove an alias
  aliaslist [DOMAIN]                  list aliases: domain, alias, account
  poplnkadd LDOMAIN LUSER SERVER[:PORT] RUSER RPASSWORD AUTHTYPE
                                      add a PSYNC link (pop3links.tab), checked as --check does
  poplnkdel LDOMAIN LUSER SERVER[:PORT] RUSER
                                      remove a link (and its .disabled file)
  poplnkpasswd LDOMAIN LUSER SERVER[:PORT] RUSER RPASSWORD
                                      set a link's remote password
  poplnkenable 0|1 LDOMAIN LUSER [SERVER[:PORT] RUSER]
                                      disable (0) or enable (1) links (their .disabled file)
  poplnklist [LDOMAIN [LUSER]]        list links: line, state, fields 1-4 and 6 (no password)

Options:
  -Ms MAIL_ROOT   the MAIL_ROOT directory (default: $MAIL_ROOT)
  -MM             new accounts get Maildir/ (the default, as XMail on Unix)
  -Mm             new accounts get mailbox/
  --help, -h      this text
  --version       the version

Exit status: 0 done, 64 bad command line, 66 no such domain/account/alias/link, 75 another
psyncctl holds the lock, 78 refused (the change would break the tables; nothing was changed).
Every command is described in docs/admin-guide.md and psyncctl(8).
)";
}

}  // namespace psyncd::app
