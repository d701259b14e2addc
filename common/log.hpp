// Logging: one line per event, to stderr by default, with a replaceable sink so tests can
// capture what was said. Not a file logger: XMail-format log files (-Yl, -Pl) are written
// by the modules that own them. A message never reaches the sink with a control byte in it
// (write() escapes them), so text from a client cannot start a line of its own; escape()
// also keeps a client's value one token in a "key=value" line.
#pragma once

#include <fmt/format.h>

#include <functional>
#include <string>
#include <string_view>

namespace psyncd::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

using Sink = std::function<void(Level, std::string_view)>;

// Replaces the sink; returns the previous one. Thread-safe.
Sink set_sink(Sink sink);
void set_min_level(Level level);
Level min_level();
// Sends `message` to the sink with every control byte (below 0x20, and DEL) as \xNN.
void write(Level level, std::string_view message);
// `text` safe as one field of a log line: control bytes, DEL, bytes of 0x80 and above,
// backslash, double quote and space as \xNN (so a user name like "x ip=1.2.3.4" cannot add a
// field), at most `max` input bytes (then "..."). For anything a client or a remote server chose.
std::string escape(std::string_view text, std::size_t max = 256);
const char* level_name(Level level);

template <typename... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  if (min_level() <= Level::debug) write(Level::debug, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  if (min_level() <= Level::info) write(Level::info, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
  if (min_level() <= Level::warn) write(Level::warn, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::error, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace psyncd::log
