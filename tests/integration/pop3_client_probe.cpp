// pop3_client_probe: runs psyncd's POP3 client (CurlTransport + Client) once against a real
// server for the integration tests and benchmarks: login, STAT, UIDL, LIST, RETR of every
// message into OUTDIR/<n>.eml ("-": count and discard), optional DELE of all, QUIT.
// Prints "key=value" lines; exit 0 on success, 1 with "error=<text>" on failure.
// Test tool only, not part of psyncd.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "common/decimal.hpp"
#include "pop3/client/client.hpp"
#include "pop3/client/curl_transport.hpp"

using namespace psyncd::pop3;

namespace {

struct FileSink : MessageSink {
  std::string dir;
  std::ofstream out;
  std::size_t count = 0;
  std::uint64_t bytes = 0;
  psyncd::Result<void> begin(std::uint32_t n) override {
    if (dir != "-")
      out.open(dir + "/" + std::to_string(n) + ".eml", std::ios::binary | std::ios::trunc);
    return {};
  }
  psyncd::Result<void> data(std::string_view c) override {
    if (dir != "-") out.write(c.data(), static_cast<std::streamsize>(c.size()));
    bytes += c.size();
    return {};
  }
  psyncd::Result<void> end(std::uint32_t) override {
    if (dir != "-") out.close();
    ++count;
    return {};
  }
  void refused(std::uint32_t n, const Reply&) override { std::printf("refused=%u\n", n); }
};

int fail(const psyncd::Error& e) {
  std::printf("error=%s\nkind=%s\n", e.to_string().c_str(), psyncd::to_string(e.kind));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> a;
  for (int i = 1; i + 1 < argc; i += 2) a[argv[i]] = argv[i + 1];
  ConnectOptions co;
  co.host = a.count("--host") ? a["--host"] : "127.0.0.1";
  co.port = static_cast<std::uint16_t>(psyncd::parse_decimal(a["--port"], 65535).value_or(0));
  const std::string tls = a["--tls"];
  co.tls = tls == "stls"    ? TlsMode::stls
           : tls == "fstls" ? TlsMode::fstls
           : tls == "pop3s" ? TlsMode::pop3s
                            : TlsMode::none;
  co.ca_file = a["--ca"];
  co.pinned_key = a["--pin"];
  co.verify = a["--verify"] != "no";
  co.connect_timeout = std::chrono::milliseconds(10000);
  ClientOptions o;
  o.user = a["--user"];
  o.password = a["--pass"];
  const std::string auth = a["--auth"];
  o.auth = auth == "apop"    ? AuthMode::apop
           : auth == "fapop" ? AuthMode::fapop
           : auth == "sasl"  ? AuthMode::sasl
                             : AuthMode::clear;
  o.sasl_mechanism = a["--mech"];
  o.peer = co.host + ":" + a["--port"];
  if (a.count("--window"))
    o.window_count =
        static_cast<std::uint32_t>(psyncd::parse_decimal(a["--window"], UINT32_MAX).value_or(0));

  auto t = CurlTransport::connect(co);
  if (!t) return fail(t.error());
  std::printf("tls=%d\ncapa=%zu\n", (*t)->tls_active() ? 1 : 0, (*t)->capa().size());
  Client c(**t, o, std::chrono::milliseconds(10000));
  if (auto r = c.login(); !r) return fail(r.error());
  std::printf("auth=%s\npipelining=%d\n", c.session().auth_used().c_str(),
              c.session().pipelining());
  auto st = c.stat();
  if (!st) return fail(st.error());
  auto uidl = c.uidl();
  if (!uidl) return fail(uidl.error());
  auto list = c.list();
  if (!list) return fail(list.error());
  std::printf("stat=%u %llu\nuidl=%zu\nlist=%zu\n", st->count,
              static_cast<unsigned long long>(st->octets), uidl->size(), list->size());
  std::vector<FetchItem> items;
  std::vector<std::uint32_t> numbers;
  for (const auto& e : *list) {
    items.push_back({e.number, e.octets});
    numbers.push_back(e.number);
  }
  FileSink sink;
  sink.dir = a.count("--out") ? a["--out"] : ".";
  if (auto r = c.retrieve(items, sink); !r) return fail(r.error());
  std::printf("fetched=%zu\nbytes=%llu\n", sink.count, static_cast<unsigned long long>(sink.bytes));
  if (a["--dele"] == "yes") {
    auto d = c.dele(numbers);
    if (!d) return fail(d.error());
    std::printf("dele_refused=%zu\n", d->size());
  }
  if (auto r = c.quit(); !r) return fail(r.error());
  std::printf("quit=ok\n");
  return 0;
}
