// xmcrypt entry point: everything else lives in app_lib (app/xmcrypt_cli.cpp).
#include <iostream>
#include <string>
#include <vector>

#include "app/xmcrypt_cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  int status = psyncd::app::run_xmcrypt(args, std::cout, std::cerr);
  std::cout.flush();
  return std::cout ? status : 1;
}
