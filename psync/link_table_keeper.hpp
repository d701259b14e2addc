// LinkTableKeeper: the last good pop3links.tab, kept across PSYNC cycles so that a file turned
// to garbage or half-written by an editor does not stop every link. Each cycle hands it the
// file's bytes (or the read error). The file on disk is NOT used, and the last good table is,
// when there is a last good table and the file
//   - cannot be read (missing, unreadable, a directory, ...), or
//   - holds a NUL byte (a binary file), or
//   - lost a link of the last good table (same fields 1..4) while one of its lines has an
//     error: a line that was a good link is broken now (half-written, or a bad edit).
// Otherwise the file is used, with its bad lines skipped and reported as always: a new bad
// line, or links removed from a file without errors, are edits. Without a last good table
// (start-up) a readable file is always used. Pure: reads no file and logs nothing.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "psync/link_table.hpp"
#include "tabfile/tab_reader.hpp"

namespace psyncd::psync {

struct KeptTable {
  LinkTable links;
  std::map<int, std::string> authtype_text;  // line -> raw field 6 (for the psync log)
  // What --status and the log say about the file: "" when it is used and clean; its skipped
  // lines when it is used; why it is not used when the last good table stands in.
  std::string status;
  bool kept = false;  // the last good table stands in for the file
};

class LinkTableKeeper {
 public:
  // `text`: the file's bytes, or why it could not be read. `account_exists` as for
  // LinkTable::from_table. Fails only when the file is unusable and nothing was good before.
  Result<KeptTable> update(const Result<std::string>& text, const std::string& path,
                           const AccountExists& account_exists);

 private:
  // Why `fresh` must not replace the last good table; "" when it may.
  std::string broken(const tabfile::Table& fresh, std::string_view text) const;

  std::optional<tabfile::Table> good_;  // the last table used
};

}  // namespace psyncd::psync
