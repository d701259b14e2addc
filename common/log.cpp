#include "common/log.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>

namespace psyncd::log {
namespace {

std::mutex& sink_mutex() {
  static std::mutex m;
  return m;
}

void stderr_sink(Level level, std::string_view message) {
  std::string line = fmt::format("psyncd: {}: {}\n", level_name(level), message);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

Sink& current_sink() {
  static Sink sink = stderr_sink;
  return sink;
}

std::atomic<int> g_min_level{static_cast<int>(Level::info)};

void append_hex(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 0xf];
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

}  // namespace

std::string escape(std::string_view text, std::size_t max) {
  std::string out;
  out.reserve(std::min(text.size(), max) + 8);
  for (std::size_t i = 0; i < text.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_control(c) || c >= 0x80 || c == '\\' || c == '"' || c == ' ') {
      append_hex(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > max) out += "...";
  return out;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warning";
    case Level::error:
      return "error";
  }
  return "error";
}

Sink set_sink(Sink sink) {
  std::lock_guard lock(sink_mutex());
  Sink old = std::move(current_sink());
  current_sink() = sink ? std::move(sink) : Sink(stderr_sink);
  return old;
}

void set_min_level(Level level) { g_min_level = static_cast<int>(level); }
Level min_level() { return static_cast<Level>(g_min_level.load()); }

void write(Level level, std::string_view message) {
  std::string clean;
  if (std::any_of(message.begin(), message.end(),
                  [](char c) { return is_control(static_cast<unsigned char>(c)); })) {
    for (char c : message) {
      if (is_control(static_cast<unsigned char>(c))) {
        append_hex(clean, static_cast<unsigned char>(c));
      } else {
        clean += c;
      }
    }
    message = clean;
  }
  std::lock_guard lock(sink_mutex());
  current_sink()(level, message);
}

}  // namespace psyncd::log
