#include "psync/oauth_http.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <memory>

#include "pop3/client/curl_global.hpp"

namespace psyncd::psync {

namespace {

constexpr size_t kMaxBody = 64 * 1024;

size_t on_data(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  size_t n = size * count;
  if (body->size() + n > kMaxBody) return 0;  // curl then fails with CURLE_WRITE_ERROR
  body->append(data, n);
  return n;
}

Error transfer_error(CURLcode rc, const std::string& url) {
  Error e{ErrorKind::unavailable, url, 0, "token endpoint",
          fmt::format("cannot reach it: {}", curl_easy_strerror(rc))};
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
      e.cause = ErrorCause::resolve;
      break;
    case CURLE_OPERATION_TIMEDOUT:
      e.kind = ErrorKind::temporary;
      e.cause = ErrorCause::timeout;
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      e.cause = ErrorCause::tls_certificate;
      break;
    case CURLE_WRITE_ERROR:
      e.kind = ErrorKind::protocol;
      e.text = fmt::format("answer longer than {} bytes", kMaxBody);
      break;
    default:
      e.cause = ErrorCause::unreachable;
      break;
  }
  return e;
}

}  // namespace

Result<HttpAnswer> http_post_form(const std::string& url, const std::string& body,
                                  std::chrono::milliseconds timeout, const HttpTrust& trust) {
  pop3::curl_global_init_once();
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return make_error(ErrorKind::internal, "curl_easy_init failed");
  CURL* c = curl.get();
  HttpAnswer answer;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "psyncd");
  if (!trust.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, trust.ca_file.c_str());
  if (!trust.ca_path.empty()) curl_easy_setopt(c, CURLOPT_CAPATH, trust.ca_path.c_str());
  struct curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) return transfer_error(rc, url);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &answer.status);
  return answer;
}

}  // namespace psyncd::psync
