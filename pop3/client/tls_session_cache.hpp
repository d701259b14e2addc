// TlsSessionCache: TLS sessions (and resolved addresses) kept across connections, so that the
// next poll of a server resumes its TLS session instead of paying for a full handshake (no
// certificate signature or chain check on either side). One per process, shared by every
// worker thread; libcurl matches a session to its host, port and TLS settings itself, so links
// with other verification settings never share one.
// A resumed session is not verified again, so the sessions are dropped whenever the trusted
// CAs change (trust_store.hpp's generation): a CA the admin removed is not trusted on.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>

namespace psyncd::pop3 {

// One libcurl share handle (CURLSH*) with its locks. Connections hold a shared_ptr, so it
// outlives every easy handle that uses it.
class CurlShare {
 public:
  static std::shared_ptr<CurlShare> create();  // nullptr when libcurl refuses
  ~CurlShare();
  CurlShare(const CurlShare&) = delete;
  CurlShare& operator=(const CurlShare&) = delete;

  void* handle() const { return share_; }  // for CURLOPT_SHARE

  // libcurl's lock callbacks (CURLSHOPT_LOCKFUNC/UNLOCKFUNC), with curl's types as ints.
  static void lock(int data, void* self);
  static void unlock(int data, void* self);

 private:
  CurlShare() = default;
  void* share_ = nullptr;
  std::array<std::mutex, 16> locks_;  // one per curl_lock_data value libcurl may ask for
};

class TlsSessionCache {
 public:
  // The share for connections verified against trust generation `trust_generation`; a new,
  // empty one when the generation changed since the last call.
  std::shared_ptr<CurlShare> share_for(std::uint64_t trust_generation);

 private:
  std::mutex mutex_;
  std::uint64_t generation_ = 0;
  std::shared_ptr<CurlShare> share_;
};

}  // namespace psyncd::pop3
