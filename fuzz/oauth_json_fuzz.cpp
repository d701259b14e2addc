// Fuzz target: the JSON psyncd reads from outside, a token endpoint's answer and a SASL OAuth
// error challenge. json::parse must end with a value or an error text; a value's strings hold
// valid UTF-8 whatever the escapes; the challenge's summary (it goes into the log and the
// link's hint) holds no control byte however the JSON was built. psyncd --oauth-login's
// readers too: a device authorization answer, a device-flow poll answer and a pasted redirect
// address give either an error or codes and tokens without a space, quote or control byte
// (they are printed, sent in forms and stored in the token file).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/json.hpp"
#include "pop3/base64.hpp"
#include "pop3/client/oauth_sasl.hpp"
#include "psync/oauth_auth_code.hpp"
#include "psync/oauth_device_flow.hpp"

namespace {

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

void check(const psyncd::json::Value& v) {
  using Type = psyncd::json::Value::Type;
  if (v.type == Type::string && !valid_utf8(v.text)) std::abort();
  for (const auto& item : v.items) check(item);
  for (const auto& [name, member] : v.members) {
    if (!valid_utf8(name)) std::abort();
    check(member);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto v = psyncd::json::parse(in);
  if (v)
    check(*v);
  else if (v.error().text.rfind("JSON: ", 0) != 0)
    std::abort();
  auto e = psyncd::pop3::parse_oauth_error(psyncd::pop3::base64_encode(in));
  for (char c : e.summary)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) std::abort();
  if (e.ok != (v && v->type == psyncd::json::Value::Type::object) && in.size() <= 4096)
    std::abort();
  using psyncd::psync::safe_token;
  if (auto d = psyncd::psync::parse_device_authorization(200, in, "https://t/"))
    if (!safe_token(d->device_code) || !safe_token(d->user_code) ||
        !safe_token(d->verification_uri) || d->interval <= 0 || d->expires_in <= 0)
      std::abort();
  psyncd::psync::DeviceAuthorization start;
  start.expires_in = 900;
  psyncd::psync::DevicePoll poll(start, 0);
  if (poll.on_answer(200, in, "https://t/", 5) == psyncd::psync::DevicePoll::State::done &&
      (!safe_token(poll.token().access_token) || poll.token().refresh_token.empty()))
    std::abort();
  if (auto code = psyncd::psync::code_from_paste(in, "http://127.0.0.1:50000/", "st"))
    if (code->empty() || !safe_token(*code)) std::abort();
  return 0;
}
