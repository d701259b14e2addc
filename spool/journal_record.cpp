#include "spool/journal_record.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>

#include "common/hex.hpp"

namespace psyncd::spool {
namespace {

std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

// The tmp field of a message whose temp file has no name (O_TMPFILE, delivery.hpp). The
// journal only writes absolute temp paths, but the format stays exact for any value: a path
// that is "-" itself is written "%2D", so the raw field tells the two apart.
constexpr std::string_view kNoTempPath = "-";

std::string encode_tmp_field(const std::string& tmp_path) {
  if (tmp_path.empty()) return std::string(kNoTempPath);
  if (tmp_path == kNoTempPath) return "%2D";
  return encode_field(tmp_path);
}

std::vector<std::string_view> split_spaces(std::string_view body) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t sp = body.find(' ', start);
    out.push_back(body.substr(start, sp == std::string_view::npos ? sp : sp - start));
    if (sp == std::string_view::npos) return out;
    start = sp + 1;
  }
}

// Decodes every field from `first` on; an empty field is invalid (encode never makes one).
Result<std::vector<std::string>> decode_all(const std::vector<std::string_view>& fields,
                                            size_t first) {
  std::vector<std::string> out;
  for (size_t i = first; i < fields.size(); ++i) {
    if (fields[i].empty()) return make_error(ErrorKind::config, "empty field");
    auto d = decode_field(fields[i]);
    if (!d) return d.error();
    out.push_back(std::move(*d));
  }
  return out;
}

Result<JournalRecord> parse_body(std::string_view body) {
  auto fields = split_spaces(body);
  if (fields.size() < 2) return make_error(ErrorKind::config, "record too short");
  auto values = decode_all(fields, 1);
  if (!values) return values.error();
  auto& v = *values;
  JournalRecord r;
  r.uidl = v[0];
  if (fields[0] == "P") {
    if (v.size() < 5 || (v.size() - 3) % 2 != 0 || (v[1] != "0" && v[1] != "1"))
      return make_error(ErrorKind::config,
                        "pending record needs uidl, 0/1, tmp and key/path pairs");
    r.type = JournalRecord::Type::pending;
    r.complete = v[1] == "1";
    r.tmp_path = fields[3] == kNoTempPath ? std::string() : v[2];
    for (size_t i = 3; i + 1 < v.size(); i += 2) r.targets.push_back({v[i], v[i + 1]});
    return r;
  }
  if (fields[0] == "D") {
    if (v.size() < 2 || (v[1] != "0" && v[1] != "1"))
      return make_error(ErrorKind::config, "delivered record needs uidl and 0/1");
    r.type = JournalRecord::Type::delivered;
    r.complete = v[1] == "1";
    r.keys.assign(v.begin() + 2, v.end());
    return r;
  }
  if (fields[0] == "S") {
    if (v.size() < 2) return make_error(ErrorKind::config, "sending record needs uidl and keys");
    r.type = JournalRecord::Type::sending;
    r.keys.assign(v.begin() + 1, v.end());
    return r;
  }
  return make_error(ErrorKind::config, fmt::format("unknown record type \"{}\"", fields[0]));
}

}  // namespace

std::uint32_t crc32(std::string_view data) {
  static const auto table = make_crc_table();
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = table[(c ^ b) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string encode_field(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (unsigned char c : raw) {
    if (c <= 0x20 || c == 0x7F || c == '%') {
      out += fmt::format("%{:02X}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

Result<std::string> decode_field(std::string_view encoded) {
  std::string out;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '%') {
      out += encoded[i];
      continue;
    }
    if (i + 2 >= encoded.size()) return make_error(ErrorKind::config, "bad %-escape");
    const int byte = hex_pair(encoded[i + 1], encoded[i + 2]);
    if (byte < 0) return make_error(ErrorKind::config, "bad %-escape");
    out += static_cast<char>(byte);
    i += 2;
  }
  return out;
}

std::string format_record(const JournalRecord& r) {
  std::string body;
  if (r.type == JournalRecord::Type::pending) {
    body =
        "P " + encode_field(r.uidl) + (r.complete ? " 1 " : " 0 ") + encode_tmp_field(r.tmp_path);
    for (const auto& t : r.targets) body += " " + encode_field(t.key) + " " + encode_field(t.path);
  } else if (r.type == JournalRecord::Type::sending) {
    body = "S " + encode_field(r.uidl);
    for (const auto& k : r.keys) body += " " + encode_field(k);
  } else {
    body = "D " + encode_field(r.uidl) + (r.complete ? " 1" : " 0");
    for (const auto& k : r.keys) body += " " + encode_field(k);
  }
  return fmt::format("{:08x} {}\n", crc32(body), body);
}

ParsedJournal parse_journal(std::string_view text, const std::string& path) {
  ParsedJournal out;
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    ++line_no;
    size_t lf = text.find('\n', pos);
    if (lf == std::string_view::npos) {
      out.torn_tail = true;  // a crash mid-append: that record never committed
      break;
    }
    std::string_view line = text.substr(pos, lf - pos);
    pos = lf + 1;
    auto problem = [&](const std::string& why) {
      out.problems.push_back(
          Error{ErrorKind::config, path, line_no, {}, why + " (record ignored)"});
    };
    if (line.size() < 10 || line[8] != ' ') {
      problem("malformed record");
      continue;
    }
    std::string_view body = line.substr(9);
    if (fmt::format("{:08x}", crc32(body)) != line.substr(0, 8)) {
      problem("checksum mismatch");
      continue;
    }
    auto rec = parse_body(body);
    if (!rec) {
      problem(rec.error().text);
      continue;
    }
    out.records.push_back(std::move(*rec));
  }
  return out;
}

}  // namespace psyncd::spool
