// The libcurl SMTP sender: one connection and one transaction per send() (smtp:// or smtps://,
// STARTTLS by NeedTLS, AUTH with the gateway's credentials, OutBind, every recipient in one
// transaction). CURLOPT_MAIL_RCPT_ALLLOWFAILS (curl >= 7.69) keeps the transaction going past a
// refused RCPT, and the debug stream gives each command and reply line in order, which
// TransactionReader turns into one result per recipient: libcurl itself keeps only the last
// reply code. libcurl dot-stuffs the body and adds the final ".". A gateway that sends
// nothing for `timeout` ends the attempt (every recipient temporary).
#pragma once

#include <chrono>
#include <string>

#include "smtp/relay.hpp"

namespace psyncd::smtp {

struct CurlSenderOptions {
  std::chrono::milliseconds timeout{90'000};  // connect, and any silence after it
  std::string ca_file;                        // "" = the system's store
};

class CurlSender final : public Sender {
 public:
  explicit CurlSender(CurlSenderOptions options) : options_(std::move(options)) {}
  std::vector<RecipientResult> send(const Gateway& gw, const Envelope& envelope,
                                    const std::string& message_path,
                                    const FinalHook& on_final) override;

 private:
  CurlSenderOptions options_;
};

}  // namespace psyncd::smtp
