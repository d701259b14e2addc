#include "mail/address_sender.hpp"

#include "mail/address.hpp"
#include "mail/header_text.hpp"

namespace psyncd::mail {

namespace {

const Header* first_named(const std::vector<Header>& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (header_name_is(h.name, name)) return &h;
  }
  return nullptr;
}

bool is_null_path(std::string_view value) {
  std::string compact;
  for (char c : value) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') compact += c;
  }
  return compact == "<>";
}

std::string first_address(const Header* h) {
  if (h == nullptr) return {};
  AddressList list = parse_address_list(h->value);
  return list.mailboxes.empty() ? std::string() : list.mailboxes.front().address();
}

}  // namespace

std::string envelope_sender(const std::vector<Header>& headers) {
  const Header* rp = first_named(headers, "Return-Path");
  if (rp != nullptr && is_null_path(rp->value)) return {};
  std::string sender = first_address(rp);
  if (sender.empty()) sender = first_address(first_named(headers, "From"));
  return sender;
}

}  // namespace psyncd::mail
