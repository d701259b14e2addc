// XMail's hash index of a table (tabindex/<table>-<fields>.hdx, TbixCreateIndex in XMail's
// TabIndex.cpp): the byte offset of every record's line, bucketed by a hash of its key fields.
// A running XMail looks accounts, aliases and domains up through it and rebuilds it only after
// its own commands or at start-up, so after psyncctl changes such a table the index is written
// again here, exactly as XMail writes it (header "ABDL", version 3, the bucket count; a uint32
// offset per bucket; per used bucket a count and the line offsets in file order; all little
// endian as on the x86-64 and ARM64 machines XMail runs on). Only these five tables; no I/O
// except refresh_xmail_index().
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/fs.hpp"
#include "common/result.hpp"
#include "spool/mail_root.hpp"

namespace psyncd::admin {

struct XmailIndexKind {
  const char* table;       // "mailusers.tab"
  const char* index_file;  // "mailusers-0001.hdx"
  int key_fields;          // the first N fields form the key (domain, name ...)
  int wild_field;          // a '*' or '?' in fields [0, wild_field] puts the record in bucket 0
                           // (XMail's wildcard aliases); -1: none
};

// The kind for a table name, or nullopt for a table XMail does not index.
std::optional<XmailIndexKind> xmail_index_kind(std::string_view table);

// XMail's MscHashString (64-bit unsigned long) of a key.
unsigned long long xmail_hash(std::string_view key);

// The index XMail would write for a table holding `text`.
std::string xmail_index_bytes(std::string_view text, const XmailIndexKind& kind);

// When tabindex/ holds XMail's index of `table`, writes it again for the table as it now is
// (temp file + rename, so XMail never reads half of it) and returns its path; "" when there is
// no such index (XMail never ran on this tree, or the table is not indexed).
Result<std::string> refresh_xmail_index(fs::FileSystem& fs, const spool::MailRoot& root,
                                        std::string_view table);

}  // namespace psyncd::admin
