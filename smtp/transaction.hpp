// What one SMTP transaction did to each of its recipients, read from the commands sent and
// the replies received in order (libcurl's debug stream in curl_sender.cpp; any client that
// waits for each reply, as libcurl does, gives the same order). RFC 5321 §3.3: MAIL FROM,
// one RCPT TO per recipient, DATA, the message, "."; each RCPT has its own reply, and the
// reply after "." speaks for every recipient whose RCPT was accepted.
//   - RCPT 2xx and final 2xx: accepted by the gateway;
//   - a 5xx to MAIL (but 530, authentication required), to the recipient's RCPT, to DATA or
//     after ".": permanent for it;
//   - anything else (4xx, no reply, a dropped link, a timeout, a refusal before MAIL such as a
//     bad AUTH, which is the gateway's problem and not the message's): temporary, kept owed.
// A recipient whose "." went out without a reply coming back is `maybe_sent`: the gateway may
// have taken it (RFC 5321 §6.1 prefers a duplicate to a loss, so it is sent again). Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "smtp/reply.hpp"

namespace psyncd::smtp {

enum class RecipientStatus { accepted, temporary, permanent };

struct RecipientResult {
  std::string address;
  RecipientStatus status = RecipientStatus::temporary;
  std::string reply;        // the reply that decided, "550 5.1.1 ..."; or our words
  bool maybe_sent = false;  // temporary, but the message's end went out unanswered
};

class TransactionReader {
 public:
  explicit TransactionReader(std::vector<std::string> recipients);

  // A command line sent (CRLF stripped): "EHLO x", "MAIL FROM:<a>", "RCPT TO:<b>", "DATA"...
  void command(std::string_view line);
  // A reply line received (CRLF stripped).
  void reply_line(std::string_view line);
  // The message body went out (its end, "." included, once the transfer finished).
  void body_sent() { body_sent_ = state_ == State::body; }

  // The reply after the final "." is in: results("") are final.
  bool final_received() const { return final_reply_.code != 0; }
  // Each recipient's fate. `transport_error`: why the link failed, "" when it did not.
  std::vector<RecipientResult> results(const std::string& transport_error) const;

 private:
  enum class State { setup, mail, rcpt, data, body, done };
  void on_reply(const Reply& reply);
  size_t index_of(std::string_view address) const;

  std::vector<std::string> recipients_;
  std::vector<Reply> rcpt_reply_;  // code 0: no reply yet
  ReplyReader reader_;
  State state_ = State::setup;
  size_t rcpt_waiting_ = 0;  // the recipient whose RCPT reply comes next
  Reply setup_failure_;      // a refusal before MAIL (greeting, EHLO, STARTTLS, AUTH)
  Reply mail_reply_, data_reply_, final_reply_;
  bool body_sent_ = false;
  bool awaiting_ = false;  // the last command has had no reply yet (later replies: QUIT's)
};

}  // namespace psyncd::smtp
