#include "pop3/reply.hpp"

#include <fmt/format.h>

#include "common/ascii.hpp"

namespace psyncd::pop3 {

namespace {

// RFC 2449 schar: printable ASCII except "]" (and we refuse "[" and space too).
bool is_code_char(char c) { return c > ' ' && c < 0x7f && c != ']' && c != '['; }

// Splits "[CODE] text" into code and text when rest opens with a well-formed code;
// otherwise the whole rest is text (RFC 2449 lets clients ignore what they cannot parse).
void split_code(std::string_view rest, Reply& reply) {
  if (rest.empty() || rest.front() != '[') {
    reply.text = std::string(rest);
    return;
  }
  const std::size_t close = rest.find(']');
  if (close == std::string_view::npos || close == 1) {
    reply.text = std::string(rest);
    return;
  }
  const std::string_view code = rest.substr(1, close - 1);
  for (std::size_t i = 0; i < code.size(); ++i) {
    const bool slash_ok = code[i] == '/' && i > 0 && i + 1 < code.size() && code[i - 1] != '/';
    if (!is_code_char(code[i]) || (code[i] == '/' && !slash_ok)) {
      reply.text = std::string(rest);
      return;
    }
  }
  reply.code = std::string(code);
  std::string_view text = rest.substr(close + 1);
  if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  reply.text = std::string(text);
}

}  // namespace

bool Reply::has_code(std::string_view level) const {
  if (code.size() < level.size() || !istarts_with(code, level)) return false;
  return code.size() == level.size() || code[level.size()] == '/';
}

std::string quote_for_log(std::string_view bytes, std::size_t max) {
  return quote_peer_text(bytes, max);
}

Result<Reply> parse_reply(std::string_view line) {
  Reply reply;
  std::string_view rest;
  if (line.empty()) return make_error(ErrorKind::protocol, "empty reply line");
  if (istarts_with(line, "+OK")) {
    reply.status = Reply::Status::ok;
    rest = line.substr(3);
  } else if (istarts_with(line, "-ERR")) {
    reply.status = Reply::Status::err;
    rest = line.substr(4);
  } else if (line == "+" || line.substr(0, 2) == "+ ") {
    reply.status = Reply::Status::continuation;
    reply.text = std::string(line.size() > 2 ? line.substr(2) : std::string_view{});
    return reply;
  } else {
    return make_error(ErrorKind::protocol,
                      "reply is not +OK, -ERR or a continuation: " + quote_for_log(line));
  }
  // XMail accepts any text glued to the status ("+OK,"); a space separator is dropped.
  if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  split_code(rest, reply);
  return reply;
}

}  // namespace psyncd::pop3
