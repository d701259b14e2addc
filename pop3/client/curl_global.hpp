// libcurl's process-wide set-up (curl_global_init), done once before the first handle of any
// kind (easy or share) this library makes, from whichever thread gets there first.
#pragma once

namespace psyncd::pop3 {

void curl_global_init_once();

}  // namespace psyncd::pop3
