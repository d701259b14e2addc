// Leave-mode state in XMail's place and format (docs/xmail-formats.md §8.2;
// docs/xmail-differences.md "pop3links.tab"): MAIL_ROOT/msgsync/<S(server)>/<S(user)>.uidb, one
// UIDL per line ("UIDL\n"). Read tolerant of CRLF and of a missing file (= empty); written temp +
// fsync + rename + fsync dir, so a crash never leaves a half file. Unlike XMail, a failed session
// must simply not call write_uidb (the fetch engine's job): this module never wipes the file on its
// own.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/fs.hpp"
#include "common/result.hpp"

namespace psyncd::spool {

// XMail's GwLkSanitizeFileName: ':', '/' and '\' become '_'.
std::string sanitize_name(std::string_view name);

// Fails (kind config) when a sanitised component would be empty, "." or ".." (a path that
// leaves msgsync/).
Result<std::string> uidb_path(const std::string& mail_root, std::string_view server,
                              std::string_view user);

// UIDLs in file order; blank lines skipped, CR/LF stripped, no other processing (XMail
// compares exactly). A missing file gives an empty list.
Result<std::vector<std::string>> read_uidb(const std::string& path);
std::vector<std::string> parse_uidb(std::string_view text);

// Creates msgsync/<server>/ if needed (XMail requires msgsync/ to exist; we create it, which
// is harmless) and replaces the file atomically. A UIDL containing CR or LF is refused.
Result<void> write_uidb(fs::FileSystem& fs, const std::string& path,
                        const std::vector<std::string>& uidls);

}  // namespace psyncd::spool
