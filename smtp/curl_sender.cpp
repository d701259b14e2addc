#include "smtp/curl_sender.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>

namespace psyncd::smtp {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  explicit Transfer(std::vector<std::string> recipients) : reader(std::move(recipients)) {}
  TransactionReader reader;
  std::FILE* body = nullptr;
  bool body_done = false;
  std::chrono::steady_clock::time_point last_heard = std::chrono::steady_clock::now();
  std::chrono::milliseconds silence{90'000};
  bool timed_out = false;
  const FinalHook* on_final = nullptr;
  bool told = false;
  std::string partial_in;   // a reply line split across debug calls
  std::string partial_out;  // the same for commands
};

// Splits debug data into lines; libcurl hands over whole lines, but be sure.
template <typename Fn>
void lines(std::string& partial, const char* data, size_t size, Fn fn) {
  partial.append(data, size);
  size_t start = 0;
  for (;;) {
    size_t lf = partial.find('\n', start);
    if (lf == std::string::npos) break;
    size_t end = lf > start && partial[lf - 1] == '\r' ? lf - 1 : lf;
    fn(std::string_view(partial).substr(start, end - start));
    start = lf + 1;
  }
  partial.erase(0, start);
}

int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (type == CURLINFO_HEADER_IN || type == CURLINFO_DATA_OUT)
    t->last_heard = std::chrono::steady_clock::now();
  if (type == CURLINFO_HEADER_IN) {
    lines(t->partial_in, data, size, [t](std::string_view l) { t->reader.reply_line(l); });
    if (!t->told && t->reader.final_received() && t->on_final != nullptr && *t->on_final) {
      t->told = true;
      (*t->on_final)(t->reader.results(""));  // before QUIT goes out
    }
  } else if (type == CURLINFO_HEADER_OUT)
    lines(t->partial_out, data, size, [t](std::string_view l) { t->reader.command(l); });
  return 0;
}

// libcurl calls this about once a second: a gateway that neither answers nor takes data for
// the whole timeout ends the attempt (libcurl's low-speed check averages over the transfer).
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (std::chrono::steady_clock::now() - t->last_heard < t->silence) return 0;
  t->timed_out = true;
  return 1;
}

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t got = std::fread(buffer, 1, size * count, t->body);
  if (got == 0 && std::ferror(t->body)) return CURL_READFUNC_ABORT;
  if (got == 0) {
    t->body_done = true;
    t->reader.body_sent();
  }
  return got;
}

std::string url_of(const Gateway& gw, const std::string& helo) {
  std::string host = gw.host.find(':') != std::string::npos ? "[" + gw.host + "]" : gw.host;
  return fmt::format("{}://{}:{}/{}", gw.tls == TlsMode::implicit ? "smtps" : "smtp", host, gw.port,
                     helo);
}

std::string bracketed(const std::string& address) { return "<" + address + ">"; }

}  // namespace

std::vector<RecipientResult> CurlSender::send(const Gateway& gw, const Envelope& envelope,
                                              const std::string& message_path,
                                              const FinalHook& on_final) {
  global_init();
  Transfer t(envelope.recipients);
  t.on_final = &on_final;
  auto fail_all = [&](const std::string& why) { return t.reader.results(why); };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> body(std::fopen(message_path.c_str(), "rb"),
                                                       &std::fclose);
  if (!body) return fail_all("cannot read the message copy " + message_path);
  t.body = body.get();
  std::unique_ptr<CURL, void (*)(CURL*)> easy(curl_easy_init(), &curl_easy_cleanup);
  if (!easy) return fail_all("curl_easy_init failed");
  CURL* h = easy.get();
  curl_slist* rcpts = nullptr;
  for (const auto& r : envelope.recipients) rcpts = curl_slist_append(rcpts, bracketed(r).c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> rcpt_list(rcpts, &curl_slist_free_all);
  char errbuf[CURL_ERROR_SIZE] = "";
  std::string url = url_of(gw, envelope.helo);
  std::string from = bracketed(envelope.from);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &on_read);
  curl_easy_setopt(h, CURLOPT_READDATA, &t);
  curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, &on_debug);
  curl_easy_setopt(h, CURLOPT_DEBUGDATA, &t);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  t.silence = options_.timeout;
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
  if (gw.tls == TlsMode::try_starttls)
    curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  if (gw.tls == TlsMode::starttls)
    curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, gw.no_verify ? 0L : 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, gw.no_verify ? 0L : 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!gw.out_bind.empty()) curl_easy_setopt(h, CURLOPT_INTERFACE, gw.out_bind.c_str());
  if (!gw.user.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, gw.user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, gw.password.c_str());
  }
  CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) return t.reader.results("");
  std::string why = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
  if (t.timed_out)
    why = fmt::format("timeout: the gateway was silent for {} s", options_.timeout.count() / 1000);
  return t.reader.results(why);  // relay.cpp puts the gateway's name first
}

}  // namespace psyncd::smtp
