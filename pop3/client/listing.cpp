#include "pop3/client/listing.hpp"

#include <fmt/format.h>

#include "common/decimal.hpp"
#include "pop3/reply.hpp"

namespace psyncd::pop3 {

namespace {

constexpr std::uint64_t kMaxOctets = 1ULL << 53;  // far beyond any mailbox; keeps sums safe

Error bad(std::string_view what, std::string text) {
  return Error{ErrorKind::protocol, {}, 0, std::string(what), std::move(text)};
}

// Splits off the first space-separated word.
std::string_view first_word(std::string_view& rest) {
  const std::size_t sp = rest.find(' ');
  std::string_view word = rest.substr(0, sp);
  rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
  return word;
}

Result<std::uint32_t> message_number(std::string_view cmd, std::string_view word,
                                     std::string_view line, const ListingLimits& limits) {
  auto n = parse_number(word, limits.max_messages);
  if (!n || *n == 0) {
    return bad(cmd, fmt::format("bad message number in {}", quote_for_log(line)));
  }
  return static_cast<std::uint32_t>(*n);
}

Result<void> check_range(std::string_view cmd, std::uint32_t n,
                         std::optional<std::uint32_t> stat_count) {
  if (stat_count && n > *stat_count) {
    return bad(cmd, fmt::format("message {} is beyond the {} STAT reported", n, *stat_count));
  }
  return {};
}

Result<void> check_count(std::string_view cmd, std::size_t got,
                         std::optional<std::uint32_t> stat_count) {
  if (stat_count && got != *stat_count) {
    return bad(cmd,
               fmt::format("{} lists {} messages but STAT reported {}", cmd, got, *stat_count));
  }
  return {};
}

}  // namespace

std::optional<std::uint64_t> parse_number(std::string_view text, std::uint64_t max) {
  return parse_decimal(text, DecimalRules{max, false});
}

Result<Stat> parse_stat(std::string_view text, const ListingLimits& limits) {
  std::string_view rest = text;
  auto count = parse_number(first_word(rest), limits.max_messages);
  auto octets = parse_number(first_word(rest), kMaxOctets);
  if (!count || !octets) return bad("STAT", fmt::format("bad reply {}", quote_for_log(text)));
  return Stat{static_cast<std::uint32_t>(*count), *octets};
}

Result<UidlEntry> parse_uidl_line(std::string_view line, const ListingLimits& limits) {
  std::string_view rest = line;
  auto n = message_number("UIDL", first_word(rest), line, limits);
  if (!n) return n.error();
  if (rest.empty()) return bad("UIDL", fmt::format("no unique-id in {}", quote_for_log(line)));
  if (rest.size() > limits.max_uid) {
    return bad("UIDL",
               fmt::format("unique-id longer than {} bytes for message {}", limits.max_uid, *n));
  }
  for (char ch : rest) {
    const auto c = static_cast<unsigned char>(ch);
    // Spaces pass (XMail keeps them); control bytes would corrupt the seen-DB file.
    if (c < 0x20 || c >= 0x7f) {
      return bad("UIDL", fmt::format("control or non-ASCII byte in {}", quote_for_log(line)));
    }
  }
  return UidlEntry{*n, std::string(rest)};
}

Result<ListEntry> parse_list_line(std::string_view line, const ListingLimits& limits) {
  std::string_view rest = line;
  auto n = message_number("LIST", first_word(rest), line, limits);
  if (!n) return n.error();
  auto octets = parse_number(first_word(rest), kMaxOctets);
  if (!octets) return bad("LIST", fmt::format("bad size in {}", quote_for_log(line)));
  return ListEntry{*n, *octets};
}

Result<void> UidlListing::add(std::string_view line) {
  auto e = parse_uidl_line(line, limits_);
  if (!e) return e.error();
  if (auto r = check_range("UIDL", e->number, stat_count_); !r) return r;
  if (!numbers_.insert(e->number).second) {
    return bad("UIDL", fmt::format("message {} is listed twice", e->number));
  }
  auto [it, fresh] = by_uid_.emplace(e->uid, e->number);
  if (!fresh) {
    return bad("UIDL", fmt::format("duplicate unique-id {} (messages {} and {})",
                                   quote_for_log(e->uid), it->second, e->number));
  }
  if (entries_.size() >= limits_.max_messages) return bad("UIDL", "too many lines");
  entries_.push_back(std::move(*e));
  return {};
}

Result<void> UidlListing::finish() const {
  return check_count("UIDL", entries_.size(), stat_count_);
}

Result<void> ListListing::add(std::string_view line) {
  auto e = parse_list_line(line, limits_);
  if (!e) return e.error();
  if (auto r = check_range("LIST", e->number, stat_count_); !r) return r;
  if (!numbers_.insert(e->number).second) {
    return bad("LIST", fmt::format("message {} is listed twice", e->number));
  }
  if (entries_.size() >= limits_.max_messages) return bad("LIST", "too many lines");
  entries_.push_back(*e);
  return {};
}

Result<void> ListListing::finish() const {
  return check_count("LIST", entries_.size(), stat_count_);
}

}  // namespace psyncd::pop3
