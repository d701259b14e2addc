#include "psync/fetch_keep_days.hpp"

#include "common/decimal.hpp"
#include "spool/uidb.hpp"

namespace psyncd::psync {

std::string keep_days_path(const std::string& mail_root, std::string_view server,
                           std::string_view user) {
  return fs::join(mail_root, "psyncd/keepdays/" + spool::sanitize_name(user) + "@" +
                                 spool::sanitize_name(server) + ".tab");
}

Result<KeepDates> read_keep_dates(const std::string& path) {
  KeepDates dates;
  if (!fs::exists(path)) return dates;
  auto text = fs::read_file(path);
  if (!text) return text.error();
  std::string_view rest = *text;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    auto tab = line.rfind('\t');
    if (tab == std::string_view::npos || tab == 0) continue;
    auto when = parse_signed_decimal(line.substr(tab + 1), DecimalRules{INT64_MAX});
    if (!when) continue;
    dates[std::string(line.substr(0, tab))] = *when;
  }
  return dates;
}

Result<void> write_keep_dates(fs::FileSystem& fs, const std::string& path, const KeepDates& dates) {
  if (auto made = fs.make_dirs(fs::dir_name(path)); !made) return made;
  std::string text;
  for (const auto& [uidl, when] : dates) {
    if (uidl.find_first_of("\r\n\t") != std::string::npos) continue;
    text += uidl + "\t" + std::to_string(when) + "\n";
  }
  return fs::write_file_atomic(fs, path, text);
}

}  // namespace psyncd::psync
