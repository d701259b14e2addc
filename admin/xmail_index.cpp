#include "admin/xmail_index.hpp"

#include <cstdint>
#include <vector>

#include "tabfile/tab_reader.hpp"

namespace psyncd::admin {

namespace {

constexpr std::uint32_t kVersion = 3;     // TAB_INDEX_CURR_VERSION
constexpr long kMinHashSize = 17;         // TAB_MIN_HASH_SIZE
constexpr int kSampleLines = 32;          // TAB_SAMPLE_LINES
constexpr size_t kLineBuffer = 2048 - 2;  // fgets(TAB_RECORD_BUFFER_SIZE - 1) keeps 2046 bytes

const XmailIndexKind kKinds[] = {
    {"mailusers.tab", "mailusers-0001.hdx", 2, -1},
    {"aliases.tab", "aliases-0001.hdx", 2, 1},
    {"domains.tab", "domains-00.hdx", 1, -1},
    {"aliasdomain.tab", "aliasdomain-00.hdx", 1, 0},
    {"extaliases.tab", "extaliases-0001.hdx", 2, -1},
};

// One line as XMail's MscGetString reads it: where it starts, its text without CR/LF.
struct RawLine {
  size_t offset;
  size_t next;  // offset after the line (ftell after fgets)
  std::string_view text;
};

std::vector<RawLine> raw_lines(std::string_view text) {
  std::vector<RawLine> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    size_t stop = end == std::string_view::npos ? text.size() : end + 1;
    if (stop - pos > kLineBuffer) stop = pos + kLineBuffer;  // fgets returns a part
    std::string_view line = text.substr(pos, stop - pos);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    out.push_back({pos, stop, line});
    pos = stop;
  }
  return out;
}

bool is_prime(long n) {  // XMail's IsPrimeNumber, quirks included
  if (n > 3) {
    if ((n & 1) == 0) return false;
    for (long i = 3, half = n / 2; i < half; i += 2)
      if (n % i == 0) return false;
  }
  return true;
}

// TbixCalcHashSize: the file size over the mean size of the first 32 record lines, + 17,
// up to the next prime.
std::uint32_t hash_size(std::string_view text, const std::vector<RawLine>& lines) {
  long count = 0, bytes = 0;
  for (const auto& l : lines) {
    if (count == kSampleLines) break;
    if (l.text.empty() || l.text.front() == '#') continue;
    bytes += static_cast<long>(l.next - l.offset);
    ++count;
  }
  if (count == 0) return static_cast<std::uint32_t>(kMinHashSize);
  long size = static_cast<long>(text.size()) / (bytes / count) + kMinHashSize;
  while (!is_prime(size)) ++size;
  return static_cast<std::uint32_t>(size);
}

bool has_wildcard(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

// The record's hash (TbixCalculateHash or the alias tables' own), or nullopt when XMail
// skips the line (a comment, too few fields).
std::optional<unsigned long long> record_hash(std::string_view line, const XmailIndexKind& kind) {
  if (!line.empty() && line.front() == '#') return std::nullopt;
  std::vector<std::string> fields;
  for (auto raw : tabfile::split_fields(line)) fields.push_back(tabfile::dequote(raw));
  if (kind.wild_field >= 0 && static_cast<int>(fields.size()) > kind.wild_field) {
    for (int i = 0; i <= kind.wild_field; ++i)
      if (has_wildcard(fields[static_cast<size_t>(i)])) return 0;
  }
  if (static_cast<int>(fields.size()) < kind.key_fields) return std::nullopt;
  std::string key;
  for (int i = 0; i < kind.key_fields; ++i) {
    if (i > 0) key += '\t';
    key += fields[static_cast<size_t>(i)];
  }
  for (char& c : key)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return xmail_hash(key);
}

void put32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

}  // namespace

std::optional<XmailIndexKind> xmail_index_kind(std::string_view table) {
  for (const auto& k : kKinds)
    if (table == k.table) return k;
  return std::nullopt;
}

unsigned long long xmail_hash(std::string_view key) {
  unsigned long long h = 5381;  // HASH_INIT_VALUE
  for (unsigned char c : key) {
    h += c;
    h += h << 10;
    h ^= h >> 6;
  }
  h += h << 3;
  h ^= h >> 11;
  h += h << 15;
  return h;
}

std::string xmail_index_bytes(std::string_view text, const XmailIndexKind& kind) {
  auto lines = raw_lines(text);
  std::uint32_t size = hash_size(text, lines);
  std::vector<std::vector<std::uint32_t>> buckets(size);
  for (const auto& l : lines) {
    auto h = record_hash(l.text, kind);
    if (h) buckets[*h % size].push_back(static_cast<std::uint32_t>(l.offset));
  }
  std::string out;
  out += "ABDL";  // TAB_INDEX_MAGIC, the four bytes as they are
  put32(out, kVersion);
  put32(out, size);
  std::uint32_t next = 12 + size * 4;
  for (const auto& b : buckets) {
    put32(out, b.empty() ? 0 : next);
    if (!b.empty()) next += static_cast<std::uint32_t>((b.size() + 1) * 4);
  }
  for (const auto& b : buckets) {
    if (b.empty()) continue;
    put32(out, static_cast<std::uint32_t>(b.size()));
    for (auto offset : b) put32(out, offset);
  }
  return out;
}

Result<std::string> refresh_xmail_index(fs::FileSystem& fs, const spool::MailRoot& root,
                                        std::string_view table) {
  auto kind = xmail_index_kind(table);
  if (!kind) return std::string();
  std::string index = fs::join(root.tabindex_dir(), kind->index_file);
  if (!fs::exists(index)) return std::string();
  auto text = fs::read_file(root.path(table));
  if (!text) return text.error();
  if (auto r = fs::write_file_atomic(fs, index, xmail_index_bytes(*text, *kind), 0644); !r)
    return r.error();
  return index;
}

}  // namespace psyncd::admin
