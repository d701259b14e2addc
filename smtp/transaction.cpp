#include "smtp/transaction.hpp"

#include "common/ascii.hpp"

namespace psyncd::smtp {
namespace {

// "RCPT TO:<a@b> NOTIFY=..." -> "a@b".
std::string_view path_of(std::string_view line) {
  size_t open = line.find('<');
  size_t close = line.find('>', open == std::string_view::npos ? 0 : open);
  if (open == std::string_view::npos || close == std::string_view::npos) return {};
  return line.substr(open + 1, close - open - 1);
}

bool failed(const Reply& r) { return r.code != 0 && classify(r.code) != ReplyClass::positive; }

}  // namespace

TransactionReader::TransactionReader(std::vector<std::string> recipients)
    : recipients_(std::move(recipients)), rcpt_reply_(recipients_.size()) {}

size_t TransactionReader::index_of(std::string_view address) const {
  for (size_t i = 0; i < recipients_.size(); ++i) {
    if (iequals(recipients_[i], address) && rcpt_reply_[i].code == 0) return i;
  }
  return recipients_.size();
}

void TransactionReader::command(std::string_view line) {
  awaiting_ = true;
  if (istarts_with(line, "MAIL FROM:")) {
    state_ = State::mail;
  } else if (istarts_with(line, "RCPT TO:")) {
    state_ = State::rcpt;
    rcpt_waiting_ = index_of(path_of(line));
  } else if (iequals(line, "DATA")) {
    state_ = State::data;
  } else if (state_ != State::setup) {
    state_ = State::done;  // QUIT, RSET: their replies say nothing of the recipients
  }
}

void TransactionReader::reply_line(std::string_view line) {
  if (auto reply = reader_.feed(line)) on_reply(*reply);
}

void TransactionReader::on_reply(const Reply& reply) {
  if (state_ != State::setup && !awaiting_) return;  // e.g. QUIT's 221 after a refusal
  awaiting_ = false;
  switch (state_) {
    case State::setup:
      if (failed(reply) || reply.code == 0) setup_failure_ = reply;
      break;
    case State::mail:
      mail_reply_ = reply;
      break;
    case State::rcpt:
      if (rcpt_waiting_ < rcpt_reply_.size()) rcpt_reply_[rcpt_waiting_] = reply;
      rcpt_waiting_ = rcpt_reply_.size();
      break;
    case State::data:
      data_reply_ = reply;
      if (reply.code >= 300 && reply.code < 400) {
        state_ = State::body;
        awaiting_ = true;  // the reply after the final "."
      }
      break;
    case State::body:
      final_reply_ = reply;
      state_ = State::done;
      break;
    case State::done:
      break;
  }
}

std::vector<RecipientResult> TransactionReader::results(const std::string& transport_error) const {
  auto why_not = [&](const char* step) {
    return transport_error.empty() ? std::string("no reply to ") + step
                                   : transport_error + " (at " + step + ")";
  };
  std::vector<RecipientResult> out;
  for (size_t i = 0; i < recipients_.size(); ++i) {
    RecipientResult r;
    r.address = recipients_[i];
    const Reply& rcpt = rcpt_reply_[i];
    // The first refusal on this recipient's path decides; a 5xx anywhere after MAIL is final.
    const Reply* refusal = nullptr;
    if (setup_failure_.code != 0 || !setup_failure_.text.empty()) {
      r.reply = "gateway refused before MAIL: " + setup_failure_.line();
      out.push_back(std::move(r));  // temporary: the gateway's problem, not the message's
      continue;
    }
    if (failed(mail_reply_))
      refusal = &mail_reply_;
    else if (failed(rcpt))
      refusal = &rcpt;
    else if (failed(data_reply_))
      refusal = &data_reply_;
    else if (failed(final_reply_))
      refusal = &final_reply_;
    // 530 to MAIL (RFC 4954: authentication required) is the gateway's setting, not the
    // message's fault: it defers like a refusal at AUTH.
    bool auth_needed = refusal == &mail_reply_ && mail_reply_.code == 530;
    if (refusal != nullptr) {
      r.status = classify(refusal->code) == ReplyClass::permanent && !auth_needed
                     ? RecipientStatus::permanent
                     : RecipientStatus::temporary;
      r.reply = refusal->line();
    } else if (mail_reply_.code == 0) {
      r.reply = why_not("MAIL");
    } else if (rcpt.code == 0) {
      r.reply = why_not("RCPT");
    } else if (data_reply_.code == 0) {
      r.reply = why_not("DATA");
    } else if (final_reply_.code == 0) {
      r.reply = why_not("the end of the message");
      r.maybe_sent = body_sent_;
    } else {
      r.status = RecipientStatus::accepted;
      r.reply = final_reply_.line();
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace psyncd::smtp
