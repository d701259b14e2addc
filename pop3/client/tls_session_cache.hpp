// TlsSessionCache: TLS sessions (and resolved addresses) kept across connections, so that the
// next poll of a server resumes its TLS session instead of paying for a full handshake (one
// round trip fewer with TLS 1.2, and no certificate signature or chain check on either side).
// One per process, shared by every worker thread; libcurl matches a session to its host,
// port and TLS settings itself, so links with other trust settings never share one.
// It outlives every CurlTransport that uses it (they hold a shared_ptr).
#pragma once

#include <array>
#include <memory>
#include <mutex>

namespace psyncd::pop3 {

class TlsSessionCache {
 public:
  static std::shared_ptr<TlsSessionCache> create();  // nullptr when libcurl refuses
  ~TlsSessionCache();
  TlsSessionCache(const TlsSessionCache&) = delete;
  TlsSessionCache& operator=(const TlsSessionCache&) = delete;

  void* curl_share() const { return share_; }  // CURLSH*, for CURLOPT_SHARE

  // libcurl's lock callbacks (CURLSHOPT_LOCKFUNC/UNLOCKFUNC), with curl's types as ints.
  static void lock(int data, void* self);
  static void unlock(int data, void* self);

 private:
  TlsSessionCache() = default;
  void* share_ = nullptr;
  std::array<std::mutex, 16> locks_;  // one per curl_lock_data value libcurl may ask for
};

}  // namespace psyncd::pop3
