// Hand-off to a live XMail (`--xmail-handoff`, docs/xmail-differences.md "Who delivers the mail"):
// each fetched message becomes an LMAIL drop file (docs/xmail-formats.md §7.3) that XMail's LMAIL
// threads turn into spool messages:
//   MAIL FROM:<sender> CRLF, one RCPT TO:<rcpt> CRLF per recipient, an empty line, then the
//   message in our stored form (dot-stuffed, CRLF: LMAIL copies it as is, and XMail's
//   mailboxes hold the wire form).
// Written as spool/temp/<unique name>, fsynced, renamed into spool/local/ (never created in
// local/ directly: LMAIL takes every file it sees there). Through DeliveryBatch it can also
// be published as a Target {key, spool/local} with the journal. Not done here: XMail's
// Received: header (LMAIL adds it).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/fs.hpp"
#include "common/result.hpp"
#include "spool/delivery.hpp"
#include "spool/mail_root.hpp"

namespace psyncd::spool {

// The envelope lines. Fails (kind config) on no recipients or on an address that would break
// the envelope (CR, LF, '<' or '>'); the null sender "" is allowed.
Result<std::string> lmail_envelope(std::string_view sender,
                                   const std::vector<std::string>& recipients);

// Starts a drop file in spool/temp/ with the envelope written; stream the message with
// write(), then commit_handoff().
Result<Delivery> begin_handoff(fs::FileSystem& fs, const MailRoot& root, std::string_view sender,
                               const std::vector<std::string>& recipients,
                               const Clock& clock = system_clock());

// Stages the file and renames it to spool/local/<same name>, then fsyncs spool/local.
Result<std::string> commit_handoff(Delivery& drop, const MailRoot& root);

}  // namespace psyncd::spool
