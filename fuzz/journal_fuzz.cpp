// Fuzz target: the delivery journal's record parser (spool/journal_record) on arbitrary bytes.
// Properties, each an abort when broken:
//   - every complete line yields exactly one record or one problem naming the file and line;
//     a last line without LF is the torn tail, and only then;
//   - round trip: format_record of a parsed record, and of a record built from the input's
//     0xFF-separated fields, parses back to the same record;
//   - decode_field(encode_field(x)) == x for the whole input, and the encoding has no
//     space, LF or empty field that would break a line apart.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "spool/journal_record.hpp"

namespace {

using psyncd::spool::JournalRecord;

bool same(const JournalRecord& a, const JournalRecord& b) {
  if (a.type != b.type || a.uidl != b.uidl || a.tmp_path != b.tmp_path ||
      a.complete != b.complete || a.keys != b.keys || a.targets.size() != b.targets.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.targets.size(); ++i) {
    if (a.targets[i].key != b.targets[i].key || a.targets[i].path != b.targets[i].path)
      return false;
  }
  return true;
}

void check_field_round_trip(std::string_view raw) {
  const std::string enc = psyncd::spool::encode_field(raw);
  if (enc.find_first_of(std::string_view(" \n\r\0", 4)) != std::string::npos) std::abort();
  if (raw.empty() != enc.empty()) std::abort();
  auto dec = psyncd::spool::decode_field(enc);
  if (!dec || *dec != raw) std::abort();
}

// Builds a record from the input: fields split at 0xFF, empty ones dropped (the format has
// no empty field, and the journal never writes one: UIDLs, keys and paths are never empty).
JournalRecord record_from(std::string_view in) {
  std::vector<std::string> f;
  std::size_t start = 0;
  while (start <= in.size()) {
    std::size_t end = in.find('\xFF', start);
    if (end == std::string_view::npos) end = in.size();
    if (end > start) f.emplace_back(in.substr(start, end - start));
    start = end + 1;
  }
  JournalRecord r;
  r.type = (in.size() % 2 == 0) ? JournalRecord::Type::pending : JournalRecord::Type::delivered;
  r.complete = (in.size() % 3) == 0;
  r.uidl = f.empty() ? "u" : f[0];
  if (r.type == JournalRecord::Type::pending) {
    r.tmp_path = f.size() > 1 ? f[1] : "tmp";
    for (std::size_t i = 2; i + 1 < f.size(); i += 2) r.targets.push_back({f[i], f[i + 1]});
    if (r.targets.empty()) r.targets.push_back({"k", "p"});
  } else {
    for (std::size_t i = 1; i < f.size(); ++i) r.keys.push_back(f[i]);
  }
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::string path = "/fuzz/psyncd/journal";
  const auto parsed = psyncd::spool::parse_journal(in, path);

  std::size_t complete_lines = 0;
  for (char c : in) complete_lines += c == '\n' ? 1 : 0;
  if (parsed.records.size() + parsed.problems.size() != complete_lines) std::abort();
  const bool torn = !in.empty() && in.back() != '\n';
  if (parsed.torn_tail != torn) std::abort();
  for (const auto& p : parsed.problems) {
    if (p.file != path || p.line < 1 || static_cast<std::size_t>(p.line) > complete_lines ||
        p.text.empty()) {
      std::abort();
    }
  }

  for (const auto& rec : parsed.records) {
    const std::string line = psyncd::spool::format_record(rec);
    if (line.empty() || line.back() != '\n' || line.find('\n') != line.size() - 1) std::abort();
    const auto again = psyncd::spool::parse_journal(line, path);
    if (again.records.size() != 1 || !again.problems.empty() || again.torn_tail) std::abort();
    if (!same(rec, again.records[0])) std::abort();
  }

  check_field_round_trip(in);
  const JournalRecord built = record_from(in);
  const auto back = psyncd::spool::parse_journal(psyncd::spool::format_record(built), path);
  if (back.records.size() != 1 || !same(built, back.records[0])) std::abort();
  return 0;
}
