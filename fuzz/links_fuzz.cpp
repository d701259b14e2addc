// Fuzz target: POP3LINKS.TAB bytes -> tab reader -> link model (psync/link_table.hpp), plus the
// authtype and remote-spec parsers on the raw bytes. Checks that derived file names never
// contain a path separator and that accepted links are what the model promises.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "psync/authtype.hpp"
#include "psync/link_remote.hpp"
#include "psync/link_table.hpp"
#include "tabfile/tab_reader.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

void check_link(const psyncd::psync::Link& link) {
  using namespace psyncd::psync;
  require(!link.remote.host.empty());
  require(!link.remote_user.empty());
  require(lock_file_name(link).find('/') == std::string::npos);
  std::string uidb = uidb_relative_path(link);
  require(uidb.find("/../") == std::string::npos);
  require(disabled_file_name(link).find('/') == std::string::npos);
  if (link.kind == LinkKind::local || link.kind == LinkKind::external)
    require(!link.target.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  psyncd::tabfile::ReadOptions options;
  options.max_line_bytes = psyncd::psync::kLinksLineMax;
  psyncd::tabfile::Table table = psyncd::tabfile::parse(text, "pop3links.tab", options);
  auto links = psyncd::psync::LinkTable::from_table(
      table, [](const std::string& domain, const std::string&) { return domain.size() % 2 == 0; });
  for (const auto& link : links.links) check_link(link);
  for (const auto& p : links.problems) require(!p.to_string().empty());
  (void)psyncd::psync::parse_authtype(text);
  (void)psyncd::psync::parse_remote(text, psyncd::psync::kDefaultPop3Port);
  return 0;
}
