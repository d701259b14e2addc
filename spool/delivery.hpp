// One message delivery as a transaction with two exits (STYLE §7, Postfix mail_stream):
//   begin() creates a temp file on the destination file system (Maildir/tmp, domain .tmp,
//   MAIL_ROOT/tmp or spool/temp); write() streams the message in chunks, normalised to the
//   stored form -- unstuffed, every line ending CRLF, a final CRLF added (crlf_normalizer.hpp)
//   so the file size is the RFC 1939 size -- never holding it whole in RAM; commit() flushes,
//   fsyncs, closes (checked), renames into place and fsyncs the directory. abort() unlinks the
//   temp file; the destructor aborts an uncommitted delivery.
// stage() stops after the close so that DeliveryBatch (delivery_batch.hpp) can publish many
// messages with one directory fsync per directory. All writes go through fs::FileSystem.
// File names: `<unique name>,W=<size>` (size suffix, see stored_name()).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/fs.hpp"
#include "common/result.hpp"
#include "spool/crlf_normalizer.hpp"

namespace psyncd::spool {

// `<name>,W=<size>`: Dovecot's Maildir suffix for the RFC 1939 size (in our stored form also
// the file size; S= is left out to keep the name, which is the UIDL, short). The suffix lets
// the POP3 server size a mailbox from readdir() alone; the whole base name stays the UIDL,
// as in XMail.
std::string stored_name(std::string_view unique, std::uint64_t size);

class Delivery {
 public:
  // Creates `tmp_dir/name` (O_EXCL, mode 0600). `envelope` is written verbatim before the
  // message and not counted in size() (the LMAIL hand-off header).
  static Result<Delivery> begin(fs::FileSystem& fs, const std::string& tmp_dir,
                                const std::string& name, std::string_view envelope = {});

  Delivery(Delivery&& other) noexcept;
  Delivery& operator=(Delivery&& other) noexcept;
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;
  ~Delivery();

  // Appends a chunk of the message (any split, CR LF pairs may straddle chunks).
  Result<void> write(std::string_view chunk);
  // Ends the message: final CRLF, flush, fsync, close. The temp file is then complete.
  // With fsync=false the caller promises a later syncfs (DeliveryBatch on a SyncFs).
  Result<void> stage(bool fsync = true);
  // stage() if not done, rename into `dir/final_name`, fsync `dir`. Returns the final path.
  // An empty final_name means stored_name(name, size()).
  Result<std::string> commit(const std::string& dir, const std::string& final_name = {});
  // Removes the temp file (best effort); safe to call more than once.
  void abort();
  // The caller (DeliveryBatch) now owns the staged temp file; the destructor leaves it alone.
  void release() { state_ = State::released; }

  const std::string& name() const { return name_; }
  const std::string& tmp_path() const { return tmp_path_; }
  // Stored (= RFC 1939) size of the message, exact once staged.
  std::uint64_t size() const { return normalizer_.size(); }
  bool staged() const { return state_ == State::staged; }

 private:
  enum class State { empty, writing, staged, committed, released, failed };
  Delivery(fs::FileSystem& fs, std::string tmp_path, std::string name, int fd);
  Result<void> flush();
  Error fail(Error e);

  fs::FileSystem* fs_ = nullptr;
  std::string tmp_path_;
  std::string name_;
  int fd_ = -1;
  State state_ = State::empty;
  CrlfNormalizer normalizer_;
  std::string buffer_;
};

}  // namespace psyncd::spool
