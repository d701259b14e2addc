#include "pop3/client/trust_store.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/x509_vfy.h>
#include <sys/stat.h>

#include "pop3/client/curl_global.hpp"

namespace psyncd::pop3 {

namespace {

X509_STORE* load_store(const std::string& file, const std::string& dir) {
  X509_STORE* store = X509_STORE_new();
  if (store == nullptr) return nullptr;
  // A CA file that does not load whole is left to libcurl, whose error names it.
  const bool file_ok = file.empty() || X509_STORE_load_file(store, file.c_str()) == 1;
  const bool dir_ok = !dir.empty() && X509_STORE_load_path(store, dir.c_str()) == 1;
  if (!file_ok || (file.empty() && !dir_ok)) {
    X509_STORE_free(store);
    return nullptr;
  }
  // As libcurl sets up its own stores: a trusted intermediate is enough to end the chain.
  X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
  return store;
}

std::string stamp_of(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return "-";
  return fmt::format("{}:{}.{}", st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

}  // namespace

TrustStore::~TrustStore() {
  for (auto& [where, loaded] : stores_) X509_STORE_free(static_cast<X509_STORE*>(loaded.store));
}

std::pair<std::string, std::string> TrustStore::builtin_locations() {
  static const std::pair<std::string, std::string> builtin = [] {
    std::pair<std::string, std::string> out;
    curl_global_init_once();
    CURL* h = curl_easy_init();
    if (h == nullptr) return out;
    char* file = nullptr;
    char* dir = nullptr;
    if (curl_easy_getinfo(h, CURLINFO_CAINFO, &file) == CURLE_OK && file != nullptr)
      out.first = file;
    if (curl_easy_getinfo(h, CURLINFO_CAPATH, &dir) == CURLE_OK && dir != nullptr) out.second = dir;
    curl_easy_cleanup(h);
    return out;
  }();
  return builtin;
}

std::shared_ptr<void> TrustStore::store_for(const std::string& ca_file, const std::string& ca_path,
                                            std::uint64_t& generation) {
  const auto [builtin_file, builtin_dir] = builtin_locations();
  const std::string& file = ca_file.empty() ? builtin_file : ca_file;
  const std::string& dir = ca_path.empty() ? builtin_dir : ca_path;
  const std::string stamp = stamp_of(file);
  std::lock_guard lock(mutex_);
  Loaded& loaded = stores_[std::make_pair(ca_file, ca_path)];
  if (loaded.store == nullptr || loaded.stamp != stamp) {
    // Connections that use the old store hold references of their own.
    X509_STORE_free(static_cast<X509_STORE*>(loaded.store));
    loaded.store = load_store(file, dir);
    loaded.stamp = stamp;
    ++generation_;
  }
  generation = generation_;
  auto* store = static_cast<X509_STORE*>(loaded.store);
  if (store == nullptr || X509_STORE_up_ref(store) != 1) return nullptr;
  return std::shared_ptr<void>(store,
                               [](void* s) { X509_STORE_free(static_cast<X509_STORE*>(s)); });
}

}  // namespace psyncd::pop3
