// FetchSink: the MessageSink the fetch engine hands to the POP3 client for one batch of RETRs.
// Each message streams straight into a spool::Delivery (a temp file on its targets' file
// system, spool/temp_placement.hpp): only
// its header block (capped by HeaderReader) is held in memory, long enough to pick the route
// (fetch_route.hpp); then the staged file joins the DeliveryBatch under its UIDL. A message
// that cannot be routed or written is drained and marked failed with a reason, and the POP3
// session goes on (the message then stays on the server). A message that brings more bytes
// than its bound (retr_bound() in fetch_plan.hpp) is abandoned: its temp file is removed and
// the error fails the session, since POP3 cannot stop a RETR half way. It does not commit the
// batch or send DELEs: that is the engine's job once the batch is durable.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/fs.hpp"
#include "mail/header_reader.hpp"
#include "pop3/client/session.hpp"
#include "psync/fetch_route.hpp"
#include "psync/link.hpp"
#include "psync/relay_copy.hpp"
#include "spool/delivery.hpp"
#include "spool/delivery_batch.hpp"
#include "spool/temp_placement.hpp"

namespace psyncd::psync {

enum class MessageStatus { delivered, error_account, failed, refused };

struct MessageOutcome {
  std::uint32_t number = 0;
  std::string uidl;
  MessageStatus status = MessageStatus::failed;
  std::uint64_t bytes = 0;  // bytes received for the message
  std::string reason;       // failed / refused / error_account: why
  std::string reply;        // refused: the server's line, kept apart from reason
  bool unroutable = false;  // failed: no local recipient and no usable Pop3SyncErrorAccount
  ErrorCause cause = ErrorCause::none;  // failed: what the store's error said
  // Stored: recipients for the SMTP gateway, the envelope sender and the copy to send.
  std::vector<spool::RelayNeed> relay;
  std::string sender;
  std::string relay_copy;
};

class FetchSink final : public pop3::MessageSink {
 public:
  // `uidls`: message number -> journal key; `sizes`: message number -> the size LIST
  // announced (none: no bound here). `temps` picks each message's temp directory.
  FetchSink(const RouteConfig& route, const Link& link, fs::FileSystem& fs, const Clock& clock,
            spool::TempPlacement& temps, spool::DeliveryBatch& batch,
            const std::map<std::uint32_t, std::string>& uidls,
            const std::map<std::uint32_t, std::uint64_t>& sizes);

  Result<void> begin(std::uint32_t number) override;
  Result<void> data(std::string_view chunk) override;
  Result<void> end(std::uint32_t number) override;
  void refused(std::uint32_t number, const pop3::Reply& reply) override;

  // Where relay copies go (relay_copy.hpp); "" = the link's temp directory is not known, and
  // a message that needs the relay is held.
  void set_relay_dir(std::string dir) { relay_dir_ = std::move(dir); }

  // Messages whose transfer ended (complete, refused or failed), in order.
  std::vector<MessageOutcome>& outcomes() { return outcomes_; }

 private:
  Result<void> open_delivery();
  bool open_local();       // the temp file for the local targets; false: failed (said why)
  bool open_relay_copy();  // the copy for the SMTP relay; false: failed (said why)
  void write(std::string_view bytes);
  void fail_current(std::string reason, ErrorCause cause = ErrorCause::none);
  Result<void> check_bound(std::uint64_t incoming);

  const RouteConfig& route_config_;
  const Link& link_;
  fs::FileSystem& fs_;
  const Clock& clock_;
  spool::TempPlacement& temps_;
  spool::DeliveryBatch& batch_;
  const std::map<std::uint32_t, std::string>& uidls_;
  const std::map<std::uint32_t, std::uint64_t>& sizes_;

  MessageOutcome current_;
  std::uint64_t announced_ = 0;  // the current message's LIST size
  std::uint64_t bound_ = 0;      // retr_bound() of the current message; 0 = none
  mail::HeaderReader reader_;
  std::string head_;  // bytes received before the route is known (the header block)
  bool routed_ = false;
  bool failed_ = false;
  Route route_;
  std::optional<spool::Delivery> delivery_;
  std::optional<RelayCopy> relay_copy_;
  std::string relay_dir_;
  std::string envelope_;  // --xmail-handoff: the LMAIL envelope the temp file starts with
  std::vector<MessageOutcome> outcomes_;
};

}  // namespace psyncd::psync
