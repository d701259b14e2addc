// Session: the TRANSACTION state (STAT, LIST, UIDL, RETR, TOP, DELE, RSET, NOOP, LAST) and
// QUIT, which enters UPDATE. Deletions are only marks until QUIT (RFC 1939 §6); the adapter
// removes the files and the QUIT reply waits for its answer, so "+OK" means they are gone.
#include <algorithm>
#include <charconv>

#include "pop3/server/retr_stuffing.hpp"
#include "pop3/server/session.hpp"

namespace psyncd::pop3 {

Session::Totals Session::live_totals() const {
  Totals t;
  for (std::size_t i = 0; i < deleted_.size(); ++i) {
    if (deleted_[i]) continue;
    ++t.messages;
    t.octets += mailbox_->size(i);
  }
  return t;
}

std::string Session::maildrop_summary() const {
  const Totals t = live_totals();
  return "maildrop has " + std::to_string(t.messages) + " messages (" + std::to_string(t.octets) +
         " octets)";
}

void Session::cmd_stat(const Command&) {
  const Totals t = live_totals();
  reply("+OK " + std::to_string(t.messages) + " " + std::to_string(t.octets));
}

bool Session::check_message(const Command& cmd) {
  const std::uint32_t n = *cmd.number;
  if (n == 0 || n > deleted_.size()) {
    reply("-ERR no such message");
    return false;
  }
  if (deleted_[n - 1]) {
    reply("-ERR message " + std::to_string(n) + " is deleted");
    return false;
  }
  return true;
}

void Session::cmd_list(const Command& cmd) { list_or_uidl(cmd, false); }

void Session::cmd_uidl(const Command& cmd) { list_or_uidl(cmd, true); }

void Session::list_or_uidl(const Command& cmd, bool uidl) {
  // Entries are appended straight to the output: no temporary string per message.
  auto entry = [&](std::size_t i) {
    char digits[24];
    out_.append(digits, std::to_chars(digits, digits + sizeof digits, i + 1).ptr);
    out_ += ' ';
    if (uidl) {
      out_ += mailbox_->uidl(i);
    } else {
      out_.append(digits, std::to_chars(digits, digits + sizeof digits, mailbox_->size(i)).ptr);
    }
    out_ += "\r\n";
  };
  if (cmd.number) {
    if (!check_message(cmd)) return;
    out_ += "+OK ";
    entry(*cmd.number - 1);
    return;
  }
  reply(uidl ? "+OK unique-id listing follows" : "+OK " + maildrop_summary());
  for (std::size_t i = 0; i < deleted_.size(); ++i) {
    if (!deleted_[i]) entry(i);
  }
  reply(".");
}

void Session::cmd_retr(const Command& cmd) {
  if (!check_message(cmd)) return;
  const std::size_t index = *cmd.number - 1;
  last_ = std::max<std::size_t>(last_, *cmd.number);
  start_stream(index, std::nullopt, "+OK " + std::to_string(mailbox_->size(index)) + " octets");
}

void Session::cmd_top(const Command& cmd) {
  if (!check_message(cmd)) return;
  last_ = std::max<std::size_t>(last_, *cmd.number);
  start_stream(*cmd.number - 1, *cmd.lines, "+OK top of message follows");
}

void Session::start_stream(std::size_t index, std::optional<std::uint64_t> top_lines,
                           std::string_view ok_line) {
  // Read before answering, so a message that vanished gets an -ERR rather than a torn +OK.
  auto got = mailbox_->read(index, 0, chunk_);
  if (!got) {
    // ErrorKind::auth: the file is there but is not served (a symlink or FIFO swapped in after
    // the listing); retrying will not help, so it is not SYS/TEMP.
    if (got.error().kind == ErrorKind::auth) {
      reply("-ERR [SYS/PERM] message " + std::to_string(index + 1) + " is not a regular file");
    } else {
      reply("-ERR [SYS/TEMP] message cannot be read");
    }
    emit({SessionEvent::Kind::message_unreadable,
          {},
          {},
          AuthStatus::ok,
          "message " + std::to_string(index + 1) + ": " + got.error().to_string(),
          {},
          0});
    return;
  }
  reply(ok_line);
  stream_.emplace(index, *got, top_lines);
  if (*got == 0) {
    stream_->encoder.finish(out_);
    stream_.reset();
    return;
  }
  stream_->encode(std::string_view(chunk_.data(), *got), out_);
}

void Session::Stream::encode(std::string_view in, std::string& out) {
  if (retr) {
    encode_retr(in, encoder, at_line_start, out);
  } else {
    encoder.encode(in, out);
  }
}

void Session::cmd_dele(const Command& cmd) {
  if (!check_message(cmd)) return;
  deleted_[*cmd.number - 1] = true;
  last_ = std::max<std::size_t>(last_, *cmd.number);
  reply("+OK message " + std::to_string(*cmd.number) + " deleted");
}

void Session::cmd_rset(const Command&) {
  std::fill(deleted_.begin(), deleted_.end(), false);
  last_ = 0;
  reply("+OK " + maildrop_summary());
}

void Session::cmd_noop(const Command&) { reply("+OK"); }

void Session::cmd_last(const Command&) { reply("+OK " + std::to_string(last_)); }

void Session::cmd_quit(const Command&) {
  std::vector<std::size_t> marked;
  for (std::size_t i = 0; i < deleted_.size(); ++i) {
    if (deleted_[i]) marked.push_back(i);
  }
  if (state_ != State::transaction || marked.empty()) {
    reply("+OK psyncd POP3 server signing off");
    close_session("QUIT");
    return;
  }
  state_ = State::update;
  hold_ = Hold::update;
  emit({SessionEvent::Kind::commit_deletions, {}, {}, AuthStatus::ok, {}, std::move(marked), 0});
}

}  // namespace psyncd::pop3
