// Fuzz target: POP3LINKS.TAB bytes -> tab reader -> link model (psync/link_table.hpp), plus the
// authtype and remote-spec parsers on the raw bytes. Checks that derived file names never
// contain a path separator and that accepted links are what the model promises. The bytes up
// to the first form feed, then the rest, go through LinkTableKeeper as two cycles' files: the
// second is either used as it is or the first stands in, with a status saying why.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "psync/link_authtype.hpp"
#include "psync/link_remote.hpp"
#include "psync/link_table.hpp"
#include "psync/link_table_keeper.hpp"
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

bool even_domain(const std::string& domain, const std::string&) { return domain.size() % 2 == 0; }

// Two cycles: `first` is a good start (any readable file is), `second` replaces it or not.
void check_keeper(std::string_view text) {
  using namespace psyncd::psync;
  size_t cut = text.find('\f');
  std::string first(text.substr(0, cut));
  std::string second(cut == std::string_view::npos ? std::string_view() : text.substr(cut + 1));
  LinkTableKeeper keeper;
  auto a = keeper.update(first, "pop3links.tab", even_domain);
  require(a.ok() && !a->kept);
  auto b = keeper.update(second, "pop3links.tab", even_domain);
  require(b.ok());
  require(b->kept == (b->status.rfind("NOT USED: ", 0) == 0));
  require(b->links.links.size() == (b->kept ? a->links.links.size() : b->links.links.size()));
  for (const auto& link : b->links.links) check_link(link);
  // A file that was not used left the keeper on the first table: it is good again (unless
  // it holds a NUL byte, which no file may once there is a good table).
  if (!b->kept || first.find('\0') != std::string::npos) return;
  auto c = keeper.update(first, "pop3links.tab", even_domain);
  require(c.ok() && !c->kept && c->links.links.size() == a->links.links.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  psyncd::tabfile::ReadOptions options;
  options.max_line_bytes = psyncd::psync::kLinksLineMax;
  psyncd::tabfile::Table table = psyncd::tabfile::parse(text, "pop3links.tab", options);
  auto links = psyncd::psync::LinkTable::from_table(table, even_domain);
  for (const auto& link : links.links) check_link(link);
  for (const auto& p : links.problems) require(!p.to_string().empty());
  (void)psyncd::psync::parse_authtype(text);
  (void)psyncd::psync::parse_remote(text, psyncd::psync::kDefaultPop3Port);
  check_keeper(text);
  return 0;
}
