// PSYNC links (pop3links.tab, docs/xmail-formats.md §3) as XMail's poplnkadd / poplnkdel /
// poplnklist / poplnkenable change them (GwLkAddLink, GwLkRemoveLink, GwLkEnable), plus
// poplnkpasswd. A new or changed line is checked with the same reader --check uses
// (psync::LinkTable, with mailusers.tab and the alias domains) and refused on any error or
// warning, so --check stays clean; the password is stored with XMail's encoding. Enable and
// disable remove or write the link's .disabled file (§3.5) as XMail does; delete removes that
// file too but keeps the link's UIDL seen-DB (msgsync/), so a link added again does not fetch
// again what it kept on the server. The caller holds the admin lock.
#pragma once

#include <string>
#include <vector>

#include "admin/admin_context.hpp"

namespace psyncd::admin {

// Fields 1..4 of a link, as CtrlClnt names them.
struct LinkKey {
  std::string local_domain, local_account, server, remote_user;
};

Result<Notes> add_link(const AdminContext& ctx, const LinkKey& key, const std::string& password,
                       const std::string& authtype);
Result<Notes> remove_link(const AdminContext& ctx, const LinkKey& key);
Result<Notes> set_link_password(const AdminContext& ctx, const LinkKey& key,
                                const std::string& password);
// XMail's poplnkenable: every link of local_domain + local_account, narrowed to one when
// server and remote_user are given.
Result<Notes> enable_links(const AdminContext& ctx, const LinkKey& key, bool enable);

struct LinkRow {
  LinkKey key;
  std::string authtype;
  bool disabled = false;
  int line = 0;
};
// The links (of local_domain and local_account when given; "" = any), in file order, without
// passwords.
Result<std::vector<LinkRow>> list_links(const AdminContext& ctx, const LinkKey& filter);

}  // namespace psyncd::admin
