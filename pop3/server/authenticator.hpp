// Authenticator: the account back end seen by the server session (pop3d implements it over
// MAILUSERS.TAB). It checks passwords, hands out the shared secret for challenge mechanisms
// (APOP, CRAM-MD5, SCRAM-SHA-256) and opens (locks) a mailbox. It does not delay failed
// logins or log them: the session reports failures as events and the adapter does both.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "pop3/server/mailbox_view.hpp"

namespace psyncd::pop3 {

enum class AuthStatus {
  ok,
  bad_credentials,  // unknown user or wrong password: one answer for both
  locked,           // the mailbox is in use by another session  -> -ERR [IN-USE]
  disabled,         // right credentials, POP3 not allowed for the account -> -ERR [AUTH]
  temporary,        // back end unavailable -> -ERR [SYS/TEMP]
};

const char* to_string(AuthStatus status);

struct AuthOutcome {
  AuthStatus status = AuthStatus::bad_credentials;
  std::string user;    // canonical account name (e.g. "alice@example.test") when ok
  std::string reason;  // our diagnosis for the log; never sent to the client
};

struct SecretLookup {
  // `disabled` must still carry the secret, so the session can check the client's proof
  // before it reveals that the account exists; without one, answer bad_credentials.
  AuthStatus status = AuthStatus::bad_credentials;
  std::string user;
  std::string secret;  // the clear-text password
  std::string reason;
};

struct MailboxOpen {
  AuthStatus status = AuthStatus::temporary;  // ok, locked or temporary
  std::unique_ptr<MailboxView> mailbox;       // set when ok
  std::string reason;
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // `disabled` only when the password was right.
  virtual AuthOutcome verify_password(std::string_view user, std::string_view password) = 0;
  virtual SecretLookup lookup_secret(std::string_view user) = 0;
  // `user` is the canonical name returned above. Takes the mailbox lock.
  virtual MailboxOpen open_mailbox(std::string_view user) = 0;
};

}  // namespace psyncd::pop3
