#include "pop3/client/tls_session_cache.hpp"

#include <curl/curl.h>

#include "pop3/client/curl_global.hpp"

namespace psyncd::pop3 {

namespace {

void lock_cb(CURL*, curl_lock_data data, curl_lock_access, void* self) {
  CurlShare::lock(static_cast<int>(data), self);
}

void unlock_cb(CURL*, curl_lock_data data, void* self) {
  CurlShare::unlock(static_cast<int>(data), self);
}

std::size_t slot(int data, std::size_t slots) {
  return data >= 0 && static_cast<std::size_t>(data) < slots ? static_cast<std::size_t>(data) : 0;
}

}  // namespace

std::shared_ptr<CurlShare> CurlShare::create() {
  curl_global_init_once();
  std::shared_ptr<CurlShare> share(new CurlShare());
  CURLSH* h = curl_share_init();
  if (h == nullptr) return nullptr;
  share->share_ = h;
  if (curl_share_setopt(h, CURLSHOPT_LOCKFUNC, &lock_cb) != CURLSHE_OK ||
      curl_share_setopt(h, CURLSHOPT_UNLOCKFUNC, &unlock_cb) != CURLSHE_OK ||
      curl_share_setopt(h, CURLSHOPT_USERDATA, share.get()) != CURLSHE_OK ||
      curl_share_setopt(h, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK ||
      curl_share_setopt(h, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK) {
    return nullptr;
  }
  return share;
}

CurlShare::~CurlShare() {
  if (share_ != nullptr) curl_share_cleanup(static_cast<CURLSH*>(share_));
}

void CurlShare::lock(int data, void* self) {
  auto* share = static_cast<CurlShare*>(self);
  share->locks_[slot(data, share->locks_.size())].lock();
}

void CurlShare::unlock(int data, void* self) {
  auto* share = static_cast<CurlShare*>(self);
  share->locks_[slot(data, share->locks_.size())].unlock();
}

std::shared_ptr<CurlShare> TlsSessionCache::share_for(std::uint64_t trust_generation) {
  std::lock_guard lock(mutex_);
  if (!share_ || trust_generation != generation_) {
    share_ = CurlShare::create();
    generation_ = trust_generation;
  }
  return share_;
}

}  // namespace psyncd::pop3
