// TrustStore: the certificate authorities a TLS connection is verified against, loaded once
// per process instead of once per connection. libcurl would otherwise parse the whole system
// bundle (about 140 PEM certificates) for every connection it makes, which with OpenSSL 3 costs
// more CPU than the handshake itself (docs/performance.md, "Polling many links").
// The store holds the same authorities libcurl would use: the CA file (MAIL_ROOT/certs.pem, else
// libcurl's built-in bundle) and the hashed CA directory (MAIL_ROOT/certs/, else libcurl's
// built-in one), with libcurl's verification flags. Thread-safe; one per process.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace psyncd::pop3 {

class TrustStore {
 public:
  TrustStore() = default;
  ~TrustStore();
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  // The X509_STORE* (opaque here) for this CA file and directory ("" = libcurl's built-in
  // one), loaded on first use and again when the file changes (an admin adding to certs.pem);
  // nullptr when neither can be read (the connection then lets libcurl load them itself, so
  // the error it reports names the file). The caller holds a reference of its own.
  // `generation` is set to a number that changes whenever any store is (re)loaded.
  std::shared_ptr<void> store_for(const std::string& ca_file, const std::string& ca_path,
                                  std::uint64_t& generation);

  // libcurl's defaults (CURLINFO_CAINFO / CURLINFO_CAPATH of a fresh handle).
  static std::pair<std::string, std::string> builtin_locations();

 private:
  std::mutex mutex_;
  struct Loaded {
    std::string stamp;      // the CA file's size and modification time when loaded
    void* store = nullptr;  // X509_STORE*, one reference
  };
  std::map<std::pair<std::string, std::string>, Loaded> stores_;
  std::uint64_t generation_ = 0;
};

}  // namespace psyncd::pop3
