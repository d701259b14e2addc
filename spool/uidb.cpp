#include "spool/uidb.hpp"

#include <fmt/format.h>

namespace psyncd::spool {

std::string sanitize_name(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c == ':' || c == '/' || c == '\\') c = '_';
  }
  return out;
}

Result<std::string> uidb_path(const std::string& mail_root, std::string_view server,
                              std::string_view user) {
  std::string s = sanitize_name(server);
  std::string u = sanitize_name(user);
  for (const auto& part : {s, u}) {
    if (part.empty() || part == "." || part == "..")
      return make_error(ErrorKind::config,
                        fmt::format("unsafe msgsync name \"{}\" for {}@{}", part, user, server));
  }
  return fs::join(fs::join(fs::join(mail_root, "msgsync"), s), u + ".uidb");
}

std::vector<std::string> parse_uidb(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t lf = text.find('\n', pos);
    std::string_view line = text.substr(pos, lf == std::string_view::npos ? lf : lf - pos);
    pos = lf == std::string_view::npos ? text.size() : lf + 1;
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) out.emplace_back(line);
  }
  return out;
}

Result<std::vector<std::string>> read_uidb(const std::string& path) {
  auto text = fs::read_file(path);
  if (!text) {
    if (text.error().kind == ErrorKind::not_found) return std::vector<std::string>{};
    return text.error();
  }
  return parse_uidb(*text);
}

Result<void> write_uidb(fs::FileSystem& fs, const std::string& path,
                        const std::vector<std::string>& uidls) {
  std::string text;
  for (const auto& u : uidls) {
    if (u.find_first_of("\r\n") != std::string::npos)
      return Error{ErrorKind::protocol, path, 0, "uidl", "UIDL contains CR or LF"};
    text += u;
    text += '\n';
  }
  if (auto r = fs.make_dirs(fs::dir_name(path)); !r) return r;
  return fs::write_file_atomic(fs, path, text);
}

}  // namespace psyncd::spool
