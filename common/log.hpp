// Logging: one line per event, to stderr by default, with a replaceable sink so tests can
// capture what was said. Not a file logger: XMail-format log files (-Yl, -Pl) are written
// by the modules that own them.
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
void write(Level level, std::string_view message);
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
