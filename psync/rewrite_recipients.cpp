#include "psync/rewrite_recipients.hpp"

#include <fmt/format.h>

#include <unordered_set>

#include "common/ascii.hpp"
#include "mail/address.hpp"
#include "mail/header_text.hpp"
#include "mail/received_for.hpp"

namespace psyncd::psync {

namespace {

// Exact de-duplication, case-insensitive on the whole address. XMail drops an address that
// is a substring of one already taken (ob@x.com after bob@x.com, docs/xmail-formats.md §9.3): a
// defect we fix.
class AddressSet {
 public:
  bool insert(const std::string& address) { return seen_.insert(ascii_lower(address)).second; }

 private:
  std::unordered_set<std::string> seen_;
};

bool domain_matches(const RewriteRule& rule, const mail::Mailbox& m) {
  if (rule.match_domains.empty()) return true;
  for (const auto& d : rule.match_domains) {
    if (iequals(d, m.domain)) return true;
  }
  return false;
}

std::string rewrite(const RewriteRule& rule, const mail::Mailbox& m) {
  if (rule.kind == RewriteKind::masquerade) {
    return mail::Mailbox{{}, m.local, rule.domain_or_suffix}.address();
  }
  return m.address() + rule.domain_or_suffix;
}

// The mailboxes of one header: Received is free text naming its recipient in a `for` clause,
// everything else an address list.
std::vector<mail::Mailbox> mailboxes_of(const mail::Header& h, std::vector<Error>& problems) {
  if (iequals(h.name, "Received")) return mail::received_for_mailboxes(h.value);
  mail::AddressList list = mail::parse_address_list(h.value);
  for (Error& e : list.problems) {
    if (problems.size() >= kMaxRewriteProblems) break;
    e.file = "headers";
    e.line = h.line;
    e.field = h.name;
    problems.push_back(std::move(e));
  }
  return std::move(list.mailboxes);
}

class Scan {
 public:
  Scan(const RewriteRule& rule, Recipients& out) : rule_(rule), out_(out) {}

  // Returns how many new matching addresses the header gave.
  int take(const mail::Header& h) {
    int fresh = 0;
    for (const mail::Mailbox& m : mailboxes_of(h, out_.problems)) {
      if (!domain_matches(rule_, m)) continue;
      std::string address = m.address();
      if (!found_.insert(address)) continue;
      ++fresh;
      out_.found.push_back(address);
      std::string target = rewrite(rule_, m);
      if (!targets_.insert(target)) continue;
      if (out_.recipients.size() == kMaxRecipients) {
        out_.warnings.push_back(
            fmt::format("more than {} recipients: the rest ignored", kMaxRecipients));
        full_ = true;
        break;
      }
      out_.recipients.push_back(std::move(target));
    }
    return fresh;
  }

  bool full() const { return full_; }

 private:
  const RewriteRule& rule_;
  Recipients& out_;
  AddressSet found_;
  AddressSet targets_;
  bool full_ = false;
};

}  // namespace

Recipients build_recipients(const RewriteRule& rule, const std::vector<mail::Header>& headers,
                            const std::vector<HdrTag>& tags) {
  Recipients out;
  if (rule.kind == RewriteKind::fixed) {
    out.recipients.push_back(rule.local_account + "@" + rule.domain_or_suffix);
    return out;
  }
  if (rule.match_domains.empty()) {
    // The manual's reading (docs/xmail-differences.md "pop3links.tab"). XMail 1.27 delivers nothing
    // here (docs/xmail-formats.md §3.2).
    out.warnings.push_back("no match-domain list: every address found is rewritten");
  }
  Scan scan(rule, out);
  for (const HdrTag& tag : tags) {
    for (const mail::Header& h : headers) {
      if (!mail::header_name_is(h.name, tag.name)) continue;
      if (scan.take(h) > 0 && tag.exclusive) return out;
      if (scan.full()) return out;
    }
  }
  if (out.recipients.empty()) out.warnings.push_back("no matching address found in the headers");
  return out;
}

Recipients build_recipients(const RewriteRule& rule, const mail::HeaderBlock& block,
                            const std::vector<HdrTag>& tags) {
  Recipients out = build_recipients(rule, block.headers, tags);
  out.problems.insert(out.problems.begin(), block.problems.begin(), block.problems.end());
  return out;
}

}  // namespace psyncd::psync
