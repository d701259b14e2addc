#include "pop3/client/curl_global.hpp"

#include <curl/curl.h>

#include <mutex>

namespace psyncd::pop3 {

void curl_global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace psyncd::pop3
