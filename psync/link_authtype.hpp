// Parses POP3LINKS.TAB field 6 (authtype) into AuthOptions the way XMail reads it
// (MscParseOptions, UPopChanConfigAssign): split on ',', CR and LF (empty tokens vanish), each
// token cut at its first '=' into name and value, names compared case-sensitively and
// untrimmed. Unknown tokens are ignored as XMail ignores them, and each is reported as a
// warning, with the known token it was probably meant to be ("did you mean"); a danger
// (--check fails, the link still runs as XMail reads it) when that token is missed: a
// misspelled Leave or KeepDays deletes fetched mail, a misspelled STLS, FSTLS, POP3S, APOP,
// FAPOP or SASL sends the password in clear. XMail's tokens are flags that only ever add
// (UPopCreateChannel reads the result), so a combination such as CLR,APOP or POP3S,STLS runs with
// XMail's meaning and is reported as a warning saying which meaning; errors are left for psyncd's
// own tokens. It does no I/O.
//
// XMail tokens (same meaning as XMail): CLR (means nothing to XMail: USER/PASS is its default),
// APOP, FAPOP, STLS, FSTLS, POP3S, Leave, Leave=N (on when atoi(N) > 0; once on, no later Leave
// turns it off), OutBind=addr[:port] (the last one wins).
// psyncd extensions (XMail would ignore them):
//   NoVerify           do not verify the TLS peer's certificate chain (default: verify)
//   Pin=sha256:<hex>   the SHA-256 of the server's certificate (`openssl x509 -fingerprint
//                      -sha256`) must equal <hex> (64 hex digits, ':' separators allowed); the
//                      pin replaces the chain and host-name checks (self-signed servers). It
//                      needs STLS, FSTLS or POP3S
//   SASL=<mech>        authenticate with AUTH <mech>: PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1,
//                      SCRAM-SHA-256 (instead of USER/PASS or APOP); XOAUTH2 or OAUTHBEARER
//                      send an OAuth 2.0 access token (field 5) instead of a password
//   KeepDays=N         leave messages on the server, delete them N >= 1 days after download
//                      (implies Leave)
//   UseTop             fetch with "TOP n 99999999" instead of RETR (servers that mark RETR read)
//   MaxSize=N[k|m]     messages larger than N bytes (k = 1024, m = 1048576) are not fetched
//   SizeAction=skip|delete   what to do with them: leave them (default) or delete them unread
//   OAuth=NAME         with SASL=XOAUTH2/OAUTHBEARER: the access token comes from the grant in
//                      MAIL_ROOT/oauth/NAME (oauth_tokens.hpp), refreshed as needed
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "psync/link_problem.hpp"
#include "psync/link_remote.hpp"

namespace psyncd::psync {

enum class AuthMethod { user_pass, apop, force_apop, sasl };
enum class TlsMode { none, starttls, force_starttls, implicit };
enum class SaslMech {
  none,
  plain,
  login,
  cram_md5,
  scram_sha1,
  scram_sha256,
  xoauth2,
  oauthbearer
};
enum class SizeAction { skip, del };

struct AuthOptions {
  AuthMethod method = AuthMethod::user_pass;
  TlsMode tls = TlsMode::none;
  bool leave = false;
  bool has_out_bind = false;
  RemoteAddress out_bind;  // port 0 = any
  // Extensions.
  bool verify_peer = true;
  std::string pin_sha256;  // certificate hash: 64 lowercase hex digits, empty when no pin
  SaslMech sasl = SaslMech::none;
  unsigned keep_days = 0;  // 0 = keep for ever (plain Leave) or delete at once (no Leave)
  bool use_top = false;
  uint64_t max_size = 0;  // bytes; 0 = no limit
  SizeAction size_action = SizeAction::skip;
  std::string
      oauth_file;  // OAuth=NAME: MAIL_ROOT/oauth/NAME holds the grant; "" = field 5 is the token
  std::vector<std::string> unknown;  // tokens XMail would ignore, in order
};

// Messages stay on the server after download: Leave, or KeepDays (deleted only when expired).
inline bool leave_mode(const AuthOptions& o) { return o.leave || o.keep_days > 0; }

struct ParsedAuthtype {
  AuthOptions options;
  std::vector<Problem> problems;  // field set to "field 6 (authtype)"; file and line empty
};

ParsedAuthtype parse_authtype(std::string_view text);

const char* to_string(SaslMech mech);

}  // namespace psyncd::psync
