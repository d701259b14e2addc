#include "pop3/client/tls_session_cache.hpp"

#include <curl/curl.h>

#include <mutex>

namespace psyncd::pop3 {

namespace {

void lock_cb(CURL*, curl_lock_data data, curl_lock_access, void* self) {
  TlsSessionCache::lock(static_cast<int>(data), self);
}

void unlock_cb(CURL*, curl_lock_data data, void* self) {
  TlsSessionCache::unlock(static_cast<int>(data), self);
}

std::size_t slot(int data, std::size_t slots) {
  return data >= 0 && static_cast<std::size_t>(data) < slots ? static_cast<std::size_t>(data) : 0;
}

}  // namespace

std::shared_ptr<TlsSessionCache> TlsSessionCache::create() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::shared_ptr<TlsSessionCache> cache(new TlsSessionCache());
  CURLSH* share = curl_share_init();
  if (share == nullptr) return nullptr;
  cache->share_ = share;
  if (curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &lock_cb) != CURLSHE_OK ||
      curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &unlock_cb) != CURLSHE_OK ||
      curl_share_setopt(share, CURLSHOPT_USERDATA, cache.get()) != CURLSHE_OK ||
      curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK ||
      curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK) {
    return nullptr;
  }
  return cache;
}

TlsSessionCache::~TlsSessionCache() {
  if (share_ != nullptr) curl_share_cleanup(static_cast<CURLSH*>(share_));
}

void TlsSessionCache::lock(int data, void* self) {
  auto* cache = static_cast<TlsSessionCache*>(self);
  cache->locks_[slot(data, cache->locks_.size())].lock();
}

void TlsSessionCache::unlock(int data, void* self) {
  auto* cache = static_cast<TlsSessionCache*>(self);
  cache->locks_[slot(data, cache->locks_.size())].unlock();
}

}  // namespace psyncd::pop3
