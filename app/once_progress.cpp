#include "app/once_progress.hpp"

#include <fmt/format.h>

namespace psyncd::app {

std::string format_amount(uint64_t msgs, uint64_t bytes) {
  std::string m = fmt::format("{} msg{}", msgs, msgs == 1 ? "" : "s");
  if (bytes < 10 * 1024) return fmt::format("{}, {} bytes", m, bytes);
  if (bytes < 10 * 1024 * 1024) return fmt::format("{}, {} KB", m, bytes / 1024);
  return fmt::format("{}, {:.1f} MB", m, static_cast<double>(bytes) / (1024.0 * 1024.0));
}

std::string progress_line(const std::string& label, const psync::FetchProgress& p) {
  return fmt::format("{}: {}: {}", label, psync::step_name(p.step),
                     format_amount(p.messages, p.bytes));
}

LiveProgress::LiveProgress(std::ostream& out, const Clock& clock, unsigned width,
                           std::chrono::milliseconds every)
    : out_(out), clock_(clock), width_(width), every_(every) {}

void LiveProgress::cycle_started(const std::vector<psync::Link>& links) {
  std::lock_guard lock(mutex_);
  total_ = links.size();
  ended_ = 0;
}

void LiveProgress::link_started(size_t index, const psync::Link& link) {
  update(index, progress_line(psync::link_label(link), psync::FetchProgress{}));
}

void LiveProgress::link_progress(size_t index, const psync::Link& link,
                                 const psync::FetchProgress& progress) {
  update(index, progress_line(psync::link_label(link), progress));
}

void LiveProgress::link_finished(size_t index, const psync::LinkReport& report) {
  std::lock_guard lock(mutex_);
  running_.erase(index);
  ++ended_;
  clear();
  out_ << tally_.add(report);
  if (!running_.empty()) draw(running_.begin()->first);
  out_.flush();
}

void LiveProgress::done() {
  std::lock_guard lock(mutex_);
  clear();
  out_ << tally_.totals_line();
  out_.flush();
}

void LiveProgress::interrupt(std::ostream& err, std::string_view line) {
  std::lock_guard lock(mutex_);
  const bool was_drawn = drawn_;
  clear();
  out_.flush();
  err << line;
  err.flush();
  if (was_drawn && !running_.empty()) {
    draw(running_.begin()->first);
    out_.flush();
  }
}

void LiveProgress::update(size_t index, std::string line) {
  std::lock_guard lock(mutex_);
  running_[index] = std::move(line);
  auto now = clock_.steady_now();
  if (drawn_ && now - last_draw_ < every_) return;
  draw(index);
  out_.flush();
}

// The line of the link that moved last, and how many others are running.
void LiveProgress::draw(size_t index) {
  std::string line = running_[index];
  if (total_ != 0) line = fmt::format("[{}/{}] {}", ended_, total_, line);
  if (running_.size() > 1) line += fmt::format(" (+{} more running)", running_.size() - 1);
  if (width_ > 1 && line.size() >= width_) line.resize(width_ - 1);
  out_ << "\r\x1b[K" << line;
  drawn_ = true;
  last_draw_ = clock_.steady_now();
}

void LiveProgress::clear() {
  if (!drawn_) return;
  out_ << "\r\x1b[K";
  drawn_ = false;
}

}  // namespace psyncd::app
