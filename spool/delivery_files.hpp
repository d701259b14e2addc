// DeliveryFiles: the per-account and per-domain files XMail's local delivery reads besides the
// big tables: cmdaliases/<domain>/<user>.tab, domains/<domain>/mailproc.tab,
// domains/<domain>/<account>/mailproc.tab and mlusers.tab, custdomains/*.tab. The resolver
// (local_resolver.hpp) asks by path relative to MAIL_ROOT, so it stays free of I/O and tests
// give it tables from memory. MailRootFiles reads them from disk, each file at most once in
// its lifetime (one PSYNC cycle), thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "tabfile/tab_reader.hpp"

namespace psyncd::spool {

class DeliveryFiles {
 public:
  virtual ~DeliveryFiles() = default;
  // The table at `relative` (under MAIL_ROOT), nullptr when there is no such file. A file that
  // exists but cannot be read is a table with no records whose problems say why.
  virtual const tabfile::Table* table(const std::string& relative) const = 0;
};

class MailRootFiles final : public DeliveryFiles {
 public:
  explicit MailRootFiles(std::string root) : root_(std::move(root)) {}
  const tabfile::Table* table(const std::string& relative) const override;

 private:
  std::string root_;
  mutable std::mutex mutex_;
  // relative path -> the table, or null when the file does not exist. Entries never move.
  mutable std::map<std::string, std::unique_ptr<tabfile::Table>> cache_;
};

}  // namespace psyncd::spool
