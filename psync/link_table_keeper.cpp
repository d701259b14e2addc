#include "psync/link_table_keeper.hpp"

#include <fmt/format.h>

#include <set>

namespace psyncd::psync {

namespace {

std::set<std::string> link_keys(const tabfile::Table& table) {
  std::set<std::string> keys;
  for (const Link& l : LinkTable::from_table(table).links) keys.insert(link_key(l));
  return keys;
}

// The first error of the table, and how many lines have one.
std::string first_error(const std::vector<Problem>& problems) {
  const Problem* first = nullptr;
  std::set<int> lines;
  for (const Problem& p : problems) {
    if (p.severity != Severity::error) continue;
    if (first == nullptr) first = &p;
    lines.insert(p.error.line);
  }
  if (first == nullptr) return {};
  std::string text = first->error.to_string();
  if (lines.size() > 1) text += fmt::format(" (and {} more lines with errors)", lines.size() - 1);
  return text;
}

KeptTable build(const tabfile::Table& table, const AccountExists& account_exists) {
  KeptTable out;
  out.links = LinkTable::from_table(table, account_exists);
  for (const auto& r : table.records) {
    if (r.fields.size() >= kLinkFields) out.authtype_text[r.line] = r.fields[5];
  }
  if (std::string error = first_error(out.links.problems); !error.empty())
    out.status = "in use, lines with errors skipped: " + error;
  return out;
}

}  // namespace

std::string LinkTableKeeper::broken(const tabfile::Table& fresh, std::string_view text) const {
  if (text.find('\0') != std::string_view::npos) return "holds NUL bytes (not a text file)";
  LinkTable parsed = LinkTable::from_table(fresh);  // the file alone, without mailusers.tab
  std::string error = first_error(parsed.problems);
  if (error.empty()) return {};
  std::set<std::string> now;
  for (const Link& l : parsed.links) now.insert(link_key(l));
  size_t lost = 0;
  for (const std::string& key : link_keys(*good_)) lost += now.count(key) == 0 ? 1 : 0;
  if (lost == 0) return {};
  return fmt::format("{}; {} link(s) of the last good table are gone (half-written?)", error, lost);
}

Result<KeptTable> LinkTableKeeper::update(const Result<std::string>& text, const std::string& path,
                                          const AccountExists& account_exists) {
  std::string why;
  std::optional<tabfile::Table> fresh;
  if (!text) {
    if (!good_) return text.error();
    why = text.error().to_string();
  } else {
    tabfile::ReadOptions options;
    options.max_line_bytes = kLinksLineMax;
    fresh = tabfile::parse(*text, path, options);
    if (good_) why = broken(*fresh, *text);
    if (!why.empty() && why.rfind(path, 0) != 0) why = path + ": " + why;
  }
  if (why.empty()) {
    good_ = std::move(*fresh);
    return build(*good_, account_exists);
  }
  KeptTable kept = build(*good_, account_exists);
  kept.kept = true;
  kept.status = fmt::format("NOT USED: {}; the last good table stays in use ({} links)", why,
                            kept.links.links.size());
  return kept;
}

}  // namespace psyncd::psync
