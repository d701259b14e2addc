// Helpers for spool tests: Maildir trees in a TempDir and directory listings.
// Owned by the mail-store tests (tests/unit/spool/delivery*_test.cpp, mailbox*_test.cpp).
#pragma once

#include <string>
#include <vector>

namespace psyncd::test {

// Creates <root>/domains/<domain>/<account>/Maildir/{tmp,new,cur}; returns the Maildir path.
std::string make_maildir(const std::string& root, const std::string& domain,
                         const std::string& account);
// Names of the entries in `dir`, sorted; empty when the directory is missing.
std::vector<std::string> list_names(const std::string& dir);
// Whole file, binary.
std::string slurp(const std::string& path);

}  // namespace psyncd::test
