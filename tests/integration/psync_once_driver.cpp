// psyncd-psync: a stand-in for psyncd's PSYNC side until the lead wires app::run_psync into
// psyncd_main.cpp. Same command line as psyncd (app/options.hpp); runs only PSYNC (--once for
// one cycle, otherwise the scheduler loop); SIGTERM/SIGINT set the stop flag.
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "app/options.hpp"
#include "app/psync_runner.hpp"

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) { g_stop.store(true); }

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto options = psyncd::app::parse_options(args, psyncd::app::Environment::from_process());
  if (!options) {
    std::cerr << "psyncd-psync: " << options.error().to_string() << "\n";
    return psyncd::exit_code(options.error().kind);
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  return psyncd::app::run_psync(*options, std::cout, std::cerr, &g_stop);
}
