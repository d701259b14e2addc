// Listing: strict parsers and checkers for the client's view of STAT, UIDL and LIST
// replies. Every number is parsed strictly (digits only, no sign, no leading zero, in range),
// every count is checked against STAT, and duplicates are refused, because a confused
// remote server must fail its link rather than make us fetch or delete the wrong message.
// Lines arrive without CRLF and already dot-unstuffed; this module does no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/result.hpp"

namespace psyncd::pop3 {

struct ListingLimits {
  std::uint32_t max_messages = 1'000'000;  // a larger maildrop is refused
  std::size_t max_uid = 256;               // RFC 1939 says 70; some servers send more
};

struct Stat {
  std::uint32_t count = 0;
  std::uint64_t octets = 0;
};

struct UidlEntry {
  std::uint32_t number = 0;
  // XMail keeps everything after the first space (docs/xmail-formats.md §9.2), so we do too.
  std::string uid;
};

struct ListEntry {
  std::uint32_t number = 0;
  std::uint64_t octets = 0;
};

// A number in a STAT, LIST or UIDL reply: common/decimal.hpp's strict decimal, 1–20 digits,
// no leading zero unless "0" (RFC 1939), at most `max`.
std::optional<std::uint64_t> parse_number(std::string_view text, std::uint64_t max);

// The text after "+OK " of a STAT reply: "<count> <octets>" (more words may follow).
Result<Stat> parse_stat(std::string_view text, const ListingLimits& limits);
Result<UidlEntry> parse_uidl_line(std::string_view line, const ListingLimits& limits);
Result<ListEntry> parse_list_line(std::string_view line, const ListingLimits& limits);

// Collects a UIDL listing and checks it as it grows: numbers unique and within STAT's
// count (when known), unique-ids unique, and at the end the count equal to STAT's.
class UidlListing {
 public:
  UidlListing(ListingLimits limits, std::optional<std::uint32_t> stat_count)
      : limits_(limits), stat_count_(stat_count) {}
  Result<void> add(std::string_view line);
  Result<void> finish() const;
  std::vector<UidlEntry>& entries() { return entries_; }

 private:
  ListingLimits limits_;
  std::optional<std::uint32_t> stat_count_;
  std::vector<UidlEntry> entries_;
  std::unordered_map<std::string, std::uint32_t> by_uid_;
  std::unordered_set<std::uint32_t> numbers_;
};

class ListListing {
 public:
  ListListing(ListingLimits limits, std::optional<std::uint32_t> stat_count)
      : limits_(limits), stat_count_(stat_count) {}
  Result<void> add(std::string_view line);
  Result<void> finish() const;
  std::vector<ListEntry>& entries() { return entries_; }

 private:
  ListingLimits limits_;
  std::optional<std::uint32_t> stat_count_;
  std::vector<ListEntry> entries_;
  std::unordered_set<std::uint32_t> numbers_;
};

}  // namespace psyncd::pop3
