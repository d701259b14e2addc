#include "pop3/client/protocol_trace.hpp"

#include <fmt/format.h>

#include "common/ascii.hpp"

namespace psyncd::pop3 {

namespace {

constexpr std::size_t kMaxShown = 300;  // bytes of one line shown; the rest is counted

std::string redacted(std::size_t n) { return fmt::format("<redacted {} bytes>", n); }

std::string shown(std::string_view line) {
  if (line.size() <= kMaxShown) return std::string(line);
  return fmt::format("{}... ({} bytes)", line.substr(0, kMaxShown), line.size());
}

// Splits `bytes` into complete lines (CRLF or LF stripped), keeping the rest in `partial`.
template <typename F>
void lines_of(std::string_view bytes, std::string& partial, F&& each) {
  partial.append(bytes);
  std::size_t start = 0;
  for (std::size_t lf = partial.find('\n'); lf != std::string::npos;
       lf = partial.find('\n', start)) {
    std::size_t end = lf > start && partial[lf - 1] == '\r' ? lf - 1 : lf;
    each(partial.substr(start, end - start));
    start = lf + 1;
  }
  partial.erase(0, start);
}

std::string keyword_of(std::string_view line) {
  return ascii_upper(line.substr(0, line.find(' ')));
}

}  // namespace

std::string redact_command(std::string_view line, bool sasl_response) {
  if (sasl_response) return line == "*" ? std::string("*") : redacted(line.size());
  const std::string keyword = keyword_of(line);
  const std::size_t space = line.find(' ');
  const std::string_view args = space == std::string_view::npos ? "" : line.substr(space + 1);
  if (keyword == "USER" || keyword == "PASS" || keyword == "APOP")
    return args.empty() ? keyword : keyword + " " + redacted(args.size());
  if (keyword == "AUTH") {
    // "AUTH mech [initial-response]": the mechanism is shown, the response is a credential.
    const std::size_t mech_end = args.find(' ');
    if (mech_end == std::string_view::npos)
      return std::string(line.substr(0, space)) + " " + std::string(args);
    return "AUTH " + std::string(args.substr(0, mech_end)) + " " +
           redacted(args.size() - mech_end - 1);
  }
  return shown(line);
}

void ProtocolTrace::sent(std::string_view bytes) {
  lines_of(bytes, out_partial_, [this](const std::string& line) { client_line(line); });
}

void ProtocolTrace::received(std::string_view bytes) {
  lines_of(bytes, in_partial_, [this](std::string line) { server_line(std::move(line)); });
}

void ProtocolTrace::note(std::string_view text) { sink_(fmt::format("* {}", text)); }

void ProtocolTrace::client_line(const std::string& line) {
  if (sasl_) {
    sink_("C: " + redact_command(line, true));
    return;
  }
  const std::string keyword = keyword_of(line);
  const bool has_arg = line.find(' ') != std::string::npos;
  Reply reply = Reply::single;
  if (keyword == "CAPA" || ((keyword == "UIDL" || keyword == "LIST") && !has_arg))
    reply = Reply::listing;
  else if (keyword == "RETR" || keyword == "TOP")
    reply = Reply::body;
  else if (keyword == "AUTH" && has_arg)
    reply = Reply::auth;
  pending_.push_back(reply);
  sink_("C: " + redact_command(line));
}

void ProtocolTrace::server_line(std::string line) {
  if (in_block_) return block_line(line);
  // A SASL challenge ("+ ..." or "+") belongs to the exchange, not to a reply that ends it.
  if (!pending_.empty() && pending_.front() == Reply::auth && !line.empty() && line[0] == '+' &&
      (line.size() == 1 || line[1] == ' ')) {
    sasl_ = true;
    sink_("S: + " + redacted(line.size() > 2 ? line.size() - 2 : 0));
    return;
  }
  sink_("S: " + shown(line));
  if (pending_.empty()) return;  // the greeting
  Reply reply = pending_.front();
  pending_.pop_front();
  if (reply == Reply::auth) sasl_ = false;
  if ((reply == Reply::listing || reply == Reply::body) && istarts_with(line, "+OK")) {
    in_block_ = true;
    block_ = reply;
    block_lines_ = 0;
    block_bytes_ = 0;
  }
}

void ProtocolTrace::block_line(const std::string& line) {
  if (line == ".") {
    in_block_ = false;
    if (block_ == Reply::body) {
      sink_(fmt::format("S: (message: {} lines, {} bytes, not shown)", block_lines_, block_bytes_));
    } else if (block_lines_ > kListingLines) {
      sink_(fmt::format("S: ({} more lines)", block_lines_ - kListingLines));
    }
    sink_("S: .");
    return;
  }
  ++block_lines_;
  block_bytes_ += line.size() + 2;
  if (block_ == Reply::listing && block_lines_ <= kListingLines) sink_("S: " + shown(line));
}

}  // namespace psyncd::pop3
