// psyncd entry point: everything else lives in app_lib (app/cli.cpp).
#include <iostream>
#include <string>
#include <vector>

#include "app/cli.hpp"
#include "app/fd_limit.hpp"

int main(int argc, char** argv) {
  psyncd::app::raise_fd_limit();
  std::vector<std::string> args(argv + 1, argv + argc);
  return psyncd::app::run_cli(args, psyncd::app::Environment::from_process(), std::cout, std::cerr);
}
