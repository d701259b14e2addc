#include "psync/link.hpp"

#include <algorithm>
#include <array>

#include "common/ascii.hpp"
#include "spool/password.hpp"
#include "tabfile/fields.hpp"

namespace psyncd::psync {

namespace {

constexpr std::array<const char*, kLinkFields> kFieldNames = {"local-domain",
                                                              "local-account",
                                                              "external-domain",
                                                              "external-account",
                                                              "external-crypted-password",
                                                              "authtype"};

class LinkParser {
 public:
  explicit LinkParser(const tabfile::Record& record) : record_(record) {}

  ParsedLink run() {
    out_.link.line = record_.line;
    const auto& f = record_.fields;
    if (f.size() < kLinkFields) {
      std::string count = std::to_string(f.size()) + (f.size() == 1 ? " field" : " fields");
      problem(
          Severity::error, "",
          count + ", pop3links.tab needs at least 6 (line skipped)" + tabfile::space_hint(record_));
      return finish();
    }
    if (f.size() > kLinkFields)
      problem(Severity::warning, "",
              std::to_string(f.size()) + " fields, the ones after 6 are ignored");
    Link& l = out_.link;
    l.local_domain = f[0];
    l.local_account = f[1];
    l.remote_spec = f[2];
    l.remote_user = f[3];
    kind();
    remote();
    password(f[4]);
    auth(f[5]);
    return finish();
  }

 private:
  void problem(Severity severity, std::string field, std::string text) {
    out_.problems.push_back(make_problem(severity, std::move(field), std::move(text)));
  }
  void field_error(size_t index, std::string text) {
    problem(Severity::error, field_label(index), std::move(text));
  }

  ParsedLink finish() {
    for (Problem& p : out_.problems) p.error.line = record_.line;
    return std::move(out_);
  }

  void kind() {
    Link& l = out_.link;
    char first = l.local_domain.empty() ? '\0' : l.local_domain.front();
    if (first == '?' || first == '&') return masquerade(first);
    if (first == '@') {
      l.kind = LinkKind::external;
      l.target = l.local_domain.substr(1);
      if (l.target.empty()) field_error(0, "\"@\" needs a domain after it");
      if (l.local_account.empty()) field_error(1, "empty account for an \"@\" link");
      return;
    }
    l.kind = LinkKind::local;
    l.target = l.local_domain;
    if (l.target.empty()) field_error(0, "empty domain");
    if (l.local_account.empty()) field_error(1, "empty account");
  }

  void masquerade(char prefix) {
    Link& l = out_.link;
    l.kind = prefix == '?' ? LinkKind::masquerade_replace : LinkKind::masquerade_append;
    std::string_view rest = std::string_view(l.local_domain).substr(1);
    std::vector<std::string> tokens;
    size_t start = 0;
    while (start <= rest.size()) {
      size_t end = std::min(rest.find(',', start), rest.size());
      if (end > start) tokens.emplace_back(rest.substr(start, end - start));
      start = end + 1;
    }
    if (tokens.empty() || rest.front() == ',') {
      field_error(0, std::string("\"") + prefix + "\" needs a " +
                         (prefix == '?' ? "masquerade domain" : "suffix") + " after it");
      return;
    }
    l.target = tokens.front();
    l.match_domains.assign(tokens.begin() + 1, tokens.end());
    if (l.match_domains.empty())
      problem(Severity::warning, field_label(0),
              "no match-domain list: every address found in the headers is rewritten");
    for (const std::string& d : l.match_domains)
      if (d.find_first_of(" \t") != std::string::npos)
        problem(Severity::warning, field_label(0),
                "match domain \"" + d +
                    "\" contains spaces; they are not trimmed, so it "
                    "matches no address");
  }

  void remote() {
    Link& l = out_.link;
    auto addr = parse_remote(l.remote_spec, kDefaultPop3Port);
    if (!addr) {
      field_error(2, addr.error().text);
    } else if (l.remote_spec.find_first_of("/\\") != std::string::npos || l.remote_spec == "." ||
               l.remote_spec == "..") {
      field_error(2, "\"" + l.remote_spec + "\": '/' and '\\' are not allowed in a host");
    } else {
      l.remote = *addr;
    }
    const std::string& u = l.remote_user;
    bool control = std::any_of(u.begin(), u.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
    if (u.empty())
      field_error(3, "empty remote user");
    else if (control)
      field_error(3, "control characters are not allowed in a user name");
    // The raw user name is part of the .disabled file name (docs/xmail-formats.md §3.5).
    else if (u.find('/') != std::string::npos || u == "." || u == "..")
      field_error(3, "\"" + u + "\" cannot be part of a file name");
  }

  void password(const std::string& encoded) {
    auto plain = spool::decode_password(encoded);
    if (!plain) {
      field_error(4, "not an XMCrypt string: " + plain.error().text + " (line skipped)");
      return;
    }
    out_.link.password = std::move(*plain);
  }

  void auth(const std::string& text) {
    ParsedAuthtype parsed = parse_authtype(text);
    out_.link.auth = std::move(parsed.options);
    for (Problem& p : parsed.problems) out_.problems.push_back(std::move(p));
  }

  const tabfile::Record& record_;
  ParsedLink out_;
};

}  // namespace

std::string field_label(size_t index) {
  std::string name = index < kFieldNames.size() ? kFieldNames[index] : "extra";
  return "field " + std::to_string(index + 1) + " (" + name + ")";
}

ParsedLink parse_link(const tabfile::Record& record) { return LinkParser(record).run(); }

std::string link_key(const Link& link) {
  return ascii_lower(link.local_domain) + '\t' + ascii_lower(link.local_account) + '\t' +
         ascii_lower(link.remote_spec) + '\t' + ascii_lower(link.remote_user);
}

std::string sanitize_name(std::string_view name) {
  std::string out(name);
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == ':' || c == '/' || c == '\\'; }, '_');
  return out;
}

std::string lock_file_name(const Link& link) {
  return sanitize_name(link.remote_user) + "@" + sanitize_name(link.remote_spec) + ".lock";
}

std::string uidb_relative_path(const Link& link) {
  return "msgsync/" + sanitize_name(link.remote_spec) + "/" + sanitize_name(link.remote_user) +
         ".uidb";
}

std::string disabled_file_name(const Link& link) {
  return link.remote_user + "@" + link.remote_spec + ".disabled";
}

}  // namespace psyncd::psync
