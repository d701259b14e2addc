// Fuzz target: header reader + address parser + free-text scan + rewriter + envelope sender
// on arbitrary bytes. The first byte picks the link kind and tag list, the rest is a header
// block, read both at once and in small pieces; the two readings must agree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mail/address.hpp"
#include "mail/address_sender.hpp"
#include "mail/received_for.hpp"
#include "psync/rewrite_recipients.hpp"

using namespace psyncd::mail;
using namespace psyncd::psync;

namespace {

RewriteRule pick_rule(std::uint8_t b) {
  RewriteRule rule;
  rule.kind = (b & 1) ? RewriteKind::append : RewriteKind::masquerade;
  rule.domain_or_suffix = (b & 1) ? ".local" : "masq.example";
  if (b & 2) rule.match_domains = {"felins.net", "[192.0.2.1]"};
  rule.local_account = "user";
  return rule;
}

void check_same(const HeaderBlock& a, const HeaderBlock& b) {
  if (a.headers.size() != b.headers.size() || a.problems.size() != b.problems.size()) std::abort();
  for (std::size_t i = 0; i < a.headers.size(); ++i) {
    if (a.headers[i].name != b.headers[i].name || a.headers[i].value != b.headers[i].value) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  HeaderLimits limits{4096, 64};
  HeaderBlock block = read_headers(bytes, limits);

  HeaderReader pieces(limits);
  std::size_t step = 1 + data[0] % 7;
  for (std::size_t at = 0; at < bytes.size(); at += step) pieces.feed(bytes.substr(at, step));
  pieces.finish();
  check_same(block, pieces.block());

  RewriteRule rule = pick_rule(data[0]);
  const auto& tags =
      (data[0] & 4) ? parse_fetch_hdr_tags("Received,+To,Cc,X-A").tags : default_fetch_hdr_tags();
  Recipients r = build_recipients(rule, block, tags);
  for (const auto& a : r.recipients) {
    if (a.empty()) std::abort();
  }
  (void)envelope_sender(block.headers);
  // The parsers on the raw bytes too, not only on header values.
  for (const Mailbox& m : parse_address_list(bytes).mailboxes) {
    if (m.domain.empty() || m.local.empty()) std::abort();
  }
  (void)received_for_mailboxes(bytes);
  (void)parse_fetch_hdr_tags(bytes);
  return 0;
}
