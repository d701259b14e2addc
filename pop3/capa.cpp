#include "pop3/capa.hpp"

#include "common/ascii.hpp"
#include "pop3/reply.hpp"

namespace psyncd::pop3 {

namespace {

// Splits on runs of spaces or tabs.
std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::string_view after_first_word(std::string_view line) {
  std::size_t i = line.find_first_of(" \t");
  if (i == std::string_view::npos) return {};
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return line.substr(i);
}

}  // namespace

bool Capabilities::has_sasl(std::string_view mechanism) const {
  const std::string want = ascii_upper(mechanism);
  for (const auto& m : sasl) {
    if (m == want) return true;
  }
  return false;
}

Result<void> parse_capa_line(std::string_view line, Capabilities& caps) {
  for (char ch : line) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c >= 0x7f) {
      return make_error(ErrorKind::protocol,
                        "CAPA line holds a control or non-ASCII byte: " + quote_for_log(line));
    }
  }
  const auto w = words(line);
  if (w.empty()) return make_error(ErrorKind::protocol, "empty CAPA line");
  const std::string name = ascii_upper(w[0]);
  if (name == "TOP")
    caps.top = true;
  else if (name == "USER")
    caps.user = true;
  else if (name == "UIDL")
    caps.uidl = true;
  else if (name == "PIPELINING")
    caps.pipelining = true;
  else if (name == "RESP-CODES")
    caps.resp_codes = true;
  else if (name == "AUTH-RESP-CODE")
    caps.auth_resp_code = true;
  else if (name == "STLS")
    caps.stls = true;
  else if (name == "IMPLEMENTATION")
    caps.implementation = std::string(after_first_word(line));
  else if (name == "EXPIRE")
    caps.expire = std::string(after_first_word(line));
  else if (name == "LOGIN-DELAY")
    caps.login_delay = std::string(after_first_word(line));
  else if (name == "SASL") {
    if (w.size() < 2) return make_error(ErrorKind::protocol, "CAPA SASL line lists no mechanism");
    for (std::size_t i = 1; i < w.size(); ++i) {
      std::string mech = ascii_upper(w[i]);
      if (!caps.has_sasl(mech)) caps.sasl.push_back(std::move(mech));
    }
  } else {
    caps.other.emplace_back(line);
  }
  return {};
}

std::string build_capa(const Capabilities& caps) {
  std::string out = "+OK Capability list follows\r\n";
  auto add = [&out](bool on, std::string_view text) {
    if (!on) return;
    out.append(text);
    out.append("\r\n");
  };
  add(caps.top, "TOP");
  add(caps.user, "USER");
  add(caps.uidl, "UIDL");
  add(caps.pipelining, "PIPELINING");
  add(caps.resp_codes, "RESP-CODES");
  add(caps.auth_resp_code, "AUTH-RESP-CODE");
  if (!caps.sasl.empty()) {
    std::string line = "SASL";
    for (const auto& m : caps.sasl) line += " " + m;
    add(true, line);
  }
  add(caps.stls, "STLS");
  if (caps.expire) add(true, "EXPIRE " + *caps.expire);
  if (caps.login_delay) add(true, "LOGIN-DELAY " + *caps.login_delay);
  for (const auto& o : caps.other) add(true, o);
  add(!caps.implementation.empty(), "IMPLEMENTATION " + caps.implementation);
  out.append(".\r\n");
  return out;
}

}  // namespace psyncd::pop3
