#include "pop3/client/sasl_client.hpp"

#include <fmt/format.h>
#include <gsasl.h>

#include <mutex>

#include "common/ascii.hpp"

namespace psyncd::pop3 {

namespace {

Gsasl* context() {
  static Gsasl* ctx = nullptr;
  static std::once_flag once;
  std::call_once(once, [] {
    if (gsasl_init(&ctx) != GSASL_OK) ctx = nullptr;
  });
  return ctx;
}

}  // namespace

const std::vector<std::string>& SaslClient::supported() {
  static const std::vector<std::string> list = {"SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN",
                                                "LOGIN"};
  return list;
}

std::string SaslClient::choose(const std::vector<std::string>& offered) {
  for (const auto& ours : supported()) {
    for (const auto& theirs : offered) {
      if (ascii_upper(theirs) == ours) return ours;
    }
  }
  return {};
}

Result<std::unique_ptr<SaslClient>> SaslClient::start(std::string_view mechanism,
                                                      std::string_view user,
                                                      std::string_view password) {
  Gsasl* ctx = context();
  if (ctx == nullptr) return make_error(ErrorKind::internal, "GNU SASL failed to initialise");
  const std::string mech = ascii_upper(mechanism);
  std::unique_ptr<SaslClient> c(new SaslClient());
  Gsasl_session* s = nullptr;
  int rc = gsasl_client_start(ctx, mech.c_str(), &s);
  if (rc != GSASL_OK) {
    return make_error(ErrorKind::config, fmt::format("SASL mechanism {} is not available: {}", mech,
                                                     gsasl_strerror(rc)));
  }
  c->session_ = s;
  gsasl_property_set(s, GSASL_AUTHID, std::string(user).c_str());
  gsasl_property_set(s, GSASL_PASSWORD, std::string(password).c_str());
  gsasl_property_set(s, GSASL_SERVICE, "pop");
  return c;
}

SaslClient::~SaslClient() {
  if (session_ != nullptr) gsasl_finish(static_cast<Gsasl_session*>(session_));
}

Result<SaslClient::Step> SaslClient::step(std::string_view challenge_b64) {
  char* out = nullptr;
  const std::string in(challenge_b64);
  int rc = gsasl_step64(static_cast<Gsasl_session*>(session_), in.c_str(), &out);
  if (rc != GSASL_OK && rc != GSASL_NEEDS_MORE) {
    if (out != nullptr) gsasl_free(out);
    return make_error(ErrorKind::auth, fmt::format("SASL: {}", gsasl_strerror(rc)));
  }
  Step step;
  step.response = out != nullptr ? out : "";
  step.finished = rc == GSASL_OK;
  if (out != nullptr) gsasl_free(out);
  return step;
}

}  // namespace psyncd::pop3
