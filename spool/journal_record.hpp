// The delivery journal's on-disk record format (no I/O here). One record per line:
//   <crc32 of body, 8 lowercase hex> SP <body> LF
//   body = P SP <uidl> SP <0|1> SP <tmp path> (SP <recipient key> SP <target path>)+  "pending"
//        | D SP <uidl> SP <0|1 complete> (SP <recipient key>)*                 "delivered"
//        | S SP <uidl> (SP <recipient key>)+                 "sending" (to an SMTP gateway)
// <tmp path> is "-" for a temp file without a name (O_TMPFILE): it dies with the process, so
// recovery finds it gone, like a temp file already renamed to its last target.
// Fields are percent-encoded (%XX for bytes <= 0x20, 0x7F and '%'), so any UIDL, key or path
// survives. A last line without LF is a torn write and is ignored; a line whose checksum does
// not match is reported and ignored. It knows nothing of files or recovery (delivery_journal).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::spool {

struct JournalTarget {
  std::string key;   // the recipient ("joe@example.com"), unique within one message
  std::string path;  // the final file for that recipient
};

struct JournalRecord {
  enum class Type { pending, delivered, sending };
  Type type = Type::pending;
  std::string uidl;
  std::string tmp_path;                // pending only; empty: an unnamed temp file
  std::vector<JournalTarget> targets;  // pending only
  // delivered: every recipient has the message; pending: it will once these targets do
  // (false when some recipients could not be routed and the message stays on the server).
  bool complete = false;
  std::vector<std::string> keys;  // delivered and sending only
};

struct ParsedJournal {
  std::vector<JournalRecord> records;
  std::vector<Error> problems;  // bad lines, each naming file and line
  bool torn_tail = false;       // the last line had no LF (a crash mid-append)
};

std::string encode_field(std::string_view raw);
// Fails on a malformed escape.
Result<std::string> decode_field(std::string_view encoded);

std::uint32_t crc32(std::string_view data);

// One line, LF included.
std::string format_record(const JournalRecord& record);

// Parses a whole journal; `path` is used in diagnostics only.
ParsedJournal parse_journal(std::string_view text, const std::string& path);

}  // namespace psyncd::spool
