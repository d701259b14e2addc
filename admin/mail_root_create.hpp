// create_mail_root: makes a MAIL_ROOT that psyncd --check passes and XMail 1.27 starts on: the
// directories psyncd and XMail use (spool/mail_root.hpp, docs/xmail-formats.md §5.1) and the
// tables, empty except server.tab (RootDomain and POP3Domain when a domain is given),
// userdef.tab (XMail's template for new accounts), message.id and the ipmap tables (allow
// every address, as XMail ships them). It never replaces an existing file, so it also
// completes an existing tree; it returns what it created.
#pragma once

#include <string>
#include <vector>

#include "common/fs.hpp"
#include "common/result.hpp"

namespace psyncd::admin {

struct CreateRootOptions {
  std::string root_domain;  // "" = leave RootDomain and POP3Domain unset
};

Result<std::vector<std::string>> create_mail_root(fs::FileSystem& fs, const std::string& root,
                                                  const CreateRootOptions& options = {});

}  // namespace psyncd::admin
