#include "mail/header_reader.hpp"

#include <fmt/format.h>

#include "common/ascii.hpp"
#include "mail/header_text.hpp"

namespace psyncd::mail {

namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

}  // namespace

bool header_name_is(std::string_view name, std::string_view want) { return iequals(name, want); }

std::size_t HeaderReader::feed(std::string_view bytes) {
  std::size_t used = 0;
  for (char c : bytes) {
    if (done_) break;
    ++used;
    ++consumed_;
    if (consumed_ > limits_.max_bytes) {
      // The partial line is dropped: a cut address would be a wrong recipient.
      flush_pending();
      if (!done_) {
        problem(line_no_ + 1,
                fmt::format("header block larger than {} bytes: the rest is not read",
                            limits_.max_bytes),
                true);
        block_.capped = true;
        done_ = true;
      }
      break;
    }
    if (c == '\n') {
      end_line();
    } else {
      line_ += c;
    }
  }
  return used;
}

void HeaderReader::finish() {
  if (done_) return;
  if (!line_.empty()) {
    ++line_no_;
    if (line_.back() == '\r') line_.pop_back();
    take_line(line_);
    line_.clear();
  }
  flush_pending();
  done_ = true;
}

void HeaderReader::end_line() {
  ++line_no_;
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  if (line_.empty()) {
    flush_pending();
    if (!done_) {
      block_.complete = true;
      block_.body_offset = consumed_;
      done_ = true;
    }
    return;
  }
  take_line(line_);
  line_.clear();
}

void HeaderReader::take_line(std::string_view line) {
  if (is_wsp(line.front())) {
    if (!have_pending_) {
      problem(line_no_, fmt::format("continuation line with no header before it: {} (skipped)",
                                    quote_excerpt(line)));
      return;
    }
    if (pending_.value.empty()) {
      std::size_t start = line.find_first_not_of(" \t");
      if (start != std::string_view::npos) pending_.value.append(line.substr(start));
    } else {
      pending_.value.append(line);
    }
    return;
  }
  // A bad line ends the header before it, so a later continuation is not glued onto it.
  flush_pending();
  if (done_) return;
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    // XMail stops reading headers here; we skip the line so no later header is lost.
    problem(line_no_, fmt::format("no colon in header line {} (skipped)", quote_excerpt(line)));
    return;
  }
  if (colon == 0) {
    problem(line_no_, fmt::format("empty header name in {} (skipped)", quote_excerpt(line)));
    return;
  }
  pending_.name.assign(line.substr(0, colon));
  std::string_view rest = line.substr(colon + 1);
  std::size_t start = rest.find_first_not_of(" \t");
  pending_.value.assign(start == std::string_view::npos ? std::string_view{} : rest.substr(start));
  pending_.line = line_no_;
  have_pending_ = true;
}

void HeaderReader::flush_pending() {
  if (!have_pending_) return;
  have_pending_ = false;
  if (block_.headers.size() >= limits_.max_headers) {
    problem(pending_.line,
            fmt::format("more than {} headers: the rest is not read", limits_.max_headers), true);
    block_.capped = true;
    done_ = true;
    return;
  }
  block_.headers.push_back(std::move(pending_));
  pending_ = Header{};
}

void HeaderReader::problem(int line, std::string text, bool always) {
  std::size_t n = block_.problems.size();
  if (!always && n > limits_.max_problems) return;
  if (!always && n == limits_.max_problems) text = "more bad header lines (not listed)";
  block_.problems.push_back(Error{ErrorKind::protocol, "headers", line, {}, std::move(text)});
}

HeaderBlock read_headers(std::string_view bytes, HeaderLimits limits) {
  HeaderReader reader(limits);
  reader.feed(bytes);
  reader.finish();
  return reader.take();
}

}  // namespace psyncd::mail
