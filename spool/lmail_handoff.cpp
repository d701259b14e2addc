#include "spool/lmail_handoff.hpp"

#include <fmt/format.h>

#include "spool/unique_name.hpp"

namespace psyncd::spool {
namespace {

Result<void> check_address(std::string_view what, std::string_view address) {
  if (address.find_first_of("\r\n<>") == std::string_view::npos) return {};
  return Error{ErrorKind::config,
               {},
               0,
               std::string(what),
               fmt::format("address \"{}\" cannot be written in an LMAIL envelope",
                           address.substr(0, address.find_first_of("\r\n")))};
}

}  // namespace

Result<std::string> lmail_envelope(std::string_view sender,
                                   const std::vector<std::string>& recipients) {
  if (recipients.empty())
    return Error{ErrorKind::config, {}, 0, "RCPT TO", "an LMAIL file needs a recipient"};
  if (auto r = check_address("MAIL FROM", sender); !r) return r.error();
  std::string out = fmt::format("MAIL FROM:<{}>\r\n", sender);
  for (const auto& rcpt : recipients) {
    if (rcpt.empty()) return Error{ErrorKind::config, {}, 0, "RCPT TO", "empty recipient"};
    if (auto r = check_address("RCPT TO", rcpt); !r) return r.error();
    out += fmt::format("RCPT TO:<{}>\r\n", rcpt);
  }
  out += "\r\n";
  return out;
}

Result<Delivery> begin_handoff(fs::FileSystem& fs, const MailRoot& root, std::string_view sender,
                               const std::vector<std::string>& recipients, const Clock& clock) {
  auto envelope = lmail_envelope(sender, recipients);
  if (!envelope) return envelope.error();
  return Delivery::begin(fs, root.spool_temp_dir(), unique_name(clock), *envelope);
}

Result<std::string> commit_handoff(Delivery& drop, const MailRoot& root) {
  return drop.commit(root.spool_local_dir(), drop.name());
}

}  // namespace psyncd::spool
