// Fuzz target: what an SMTP gateway and an admin can hand the smtp library. The first byte
// picks up to four recipients and whether the link failed. The rest is lines: "C..." a command
// psyncd sent, "B" the body went out, anything else a reply line from the gateway; they drive
// a TransactionReader. The same lines are also read as a DefaultSMTPGateways value and as an
// smtprelay command's list and options.
// Checked: one result per recipient, in order; "accepted" only after the final reply;
// "maybe sent" only for a temporary result; every reply text within its bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "smtp/gateway.hpp"
#include "smtp/reply.hpp"
#include "smtp/transaction.hpp"

using namespace psyncd::smtp;

namespace {

// The longest reply a result may quote: a cut reply, its code and our words around it.
constexpr std::size_t kMaxResultReply = ReplyReader::kMaxReplyText + 4 + 200;

void check_results(const std::vector<std::string>& recipients, const TransactionReader& reader,
                   const std::string& transport_error) {
  const auto results = reader.results(transport_error);
  if (results.size() != recipients.size()) std::abort();
  for (std::size_t i = 0; i < results.size(); ++i) {
    const RecipientResult& r = results[i];
    if (r.address != recipients[i]) std::abort();
    if (r.status == RecipientStatus::accepted && !reader.final_received()) std::abort();
    if (r.maybe_sent && r.status != RecipientStatus::temporary) std::abort();
    if (r.reply.size() > kMaxResultReply + transport_error.size()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::uint8_t pick = data[0];
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<std::string> recipients;
  for (int i = 0; i <= (pick & 3); ++i) recipients.push_back("r" + std::to_string(i) + "@x.test");
  const std::string transport_error = (pick & 4) != 0 ? "connection reset" : "";

  TransactionReader reader(recipients);
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= in.size();) {
    std::size_t end = in.find('\n', start);
    if (end == std::string_view::npos) end = in.size();
    lines.push_back(in.substr(start, end - start));
    start = end + 1;
  }
  for (std::string_view line : lines) {
    if (!line.empty() && line[0] == 'C') {
      reader.command(line.substr(1));
    } else if (line == "B") {
      reader.body_sent();
    } else {
      reader.reply_line(line);
    }
  }
  check_results(recipients, reader, transport_error);

  // Admin input: the first line as the gateway list, the second as options.
  const std::string_view list = lines.empty() ? std::string_view() : lines[0];
  const std::string_view options = lines.size() > 1 ? lines[1] : std::string_view();
  for (const auto& parsed :
       {parse_default_gateways(list, options), parse_relay_gateways(list, options, "NeedTLS=1")}) {
    if (!parsed) {
      if (parsed.error().to_string().empty()) std::abort();
      continue;
    }
    for (const Gateway& gw : parsed->gateways) {
      if (gw.host.empty() || gw.port == 0) std::abort();
    }
  }
  return 0;
}
