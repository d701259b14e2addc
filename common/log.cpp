#include "common/log.hpp"

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

}  // namespace

const char* level_name(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warning";
    case Level::error: return "error";
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
  std::lock_guard lock(sink_mutex());
  current_sink()(level, message);
}

}  // namespace psyncd::log
