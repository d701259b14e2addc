// libcurl's process-wide set-up (curl_global_init), done once before the first handle of any
// kind (easy or share) this library or psync's OAuth 2.0 requests make, from whichever thread
// gets there first. The smtp library, which does not depend on this one, has its own.
#pragma once

namespace psyncd::pop3 {

void curl_global_init_once();

}  // namespace psyncd::pop3
