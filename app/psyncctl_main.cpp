// psyncctl entry point: everything else lives in app_lib (app/psyncctl_cli.cpp).
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/psyncctl_cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const char* root = std::getenv("MAIL_ROOT");
  std::optional<std::string> env = root ? std::optional<std::string>(root) : std::nullopt;
  return psyncd::app::run_psyncctl(args, env, std::cin, std::cout, std::cerr);
}
