// One message delivery as a transaction with two exits (as Postfix's mail_stream):
//   begin() creates a temp file on the destination file system (Maildir/tmp, domain .tmp,
//   MAIL_ROOT/tmp or spool/temp); write() streams the message in chunks, normalised to the
//   stored form -- XMail's wire form: dot-stuffed, every line ending CRLF, a final CRLF added
//   (crlf_normalizer.hpp), so the file size is what RETR sends -- never holding it whole in RAM;
//   commit() flushes, fsyncs, closes (checked), renames into place and fsyncs the directory.
//   abort() unlinks the temp file; the destructor aborts an uncommitted delivery.
// stage() stops after the close so that DeliveryBatch (delivery_batch.hpp) can publish many
// messages with one directory fsync per directory. All writes go through fs::FileSystem.
// Where the file system can (O_TMPFILE), the temp file is unnamed: no directory entry is made
// for it and none removed, and a crash before it is named leaves nothing behind. Its
// descriptor then stays open until publish(); a process-wide budget (a quarter of the
// descriptor limit) bounds how many are open, beyond it temp files are named as before.
// That costs about a third less CPU per file than create in tmp/ + rename
// (docs/performance.md §2.2).
// File names: `<unique name>,W=<size>` (size suffix, see stored_name()).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/fs.hpp"
#include "common/result.hpp"
#include "spool/crlf_normalizer.hpp"

namespace psyncd::spool {

// `<name>,W=<size>`: Dovecot's Maildir suffix for the message size (in our stored form the
// file size, which is what RETR sends; S= is left out to keep the name, which is the UIDL, short).
// The suffix lets the POP3 server size a mailbox from readdir() alone; the whole base name stays
// the UIDL, as in XMail.
std::string stored_name(std::string_view unique, std::uint64_t size);

class Delivery {
 public:
  // Creates an unnamed temp file in `tmp_dir`, or `tmp_dir/name` (O_EXCL, mode 0600) where
  // that cannot be. `envelope` is written verbatim before the message and not counted in
  // size() (the LMAIL hand-off header).
  static Result<Delivery> begin(fs::FileSystem& fs, const std::string& tmp_dir,
                                const std::string& name, std::string_view envelope = {});

  Delivery(Delivery&& other) noexcept;
  Delivery& operator=(Delivery&& other) noexcept;
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;
  ~Delivery();

  // Appends a chunk of the message (any split, CR LF pairs may straddle chunks).
  Result<void> write(std::string_view chunk);
  // Ends the message: final CRLF, flush, fsync, close (an unnamed file stays open until
  // published). The temp file is then complete.
  // With fsync=false the caller promises a later syncfs (DeliveryBatch on a FileSystem that
  // has_syncfs()).
  Result<void> stage(bool fsync = true);
  // After stage(): gives the message the name `path` (a hard link to the temp file, or the
  // unnamed file's first name). `last`: the temp file itself becomes this target (rename; an
  // unnamed file's descriptor is closed), and the delivery is done.
  Result<void> publish(const std::string& path, bool last);
  // stage() if not done, publish() as `dir/final_name` (rename, or linkat of an unnamed file),
  // fsync `dir`. Returns the final path. An empty final_name means stored_name(name, size()).
  Result<std::string> commit(const std::string& dir, const std::string& final_name = {});
  // Removes the temp file (best effort); safe to call more than once.
  void abort();

  const std::string& name() const { return name_; }
  // Where the temp file is, `tmp_dir/name`; an unnamed one has no such entry (for the journal,
  // journal_tmp_path() is empty then) but lives on that directory's file system.
  const std::string& tmp_path() const { return tmp_path_; }
  std::string journal_tmp_path() const { return unnamed_ ? std::string() : tmp_path_; }
  bool unnamed() const { return unnamed_; }
  // Stored size of the message (its wire size, as LIST reports it), exact once staged.
  std::uint64_t size() const { return normalizer_.size(); }
  bool staged() const { return state_ == State::staged; }

 private:
  enum class State { empty, writing, staged, committed, failed };
  Delivery(fs::FileSystem& fs, std::string tmp_path, std::string name, int fd, bool unnamed);
  Result<void> flush();
  Error fail(Error e);
  Result<void> close_fd();

  fs::FileSystem* fs_ = nullptr;
  std::string tmp_path_;
  std::string name_;
  int fd_ = -1;
  bool unnamed_ = false;
  State state_ = State::empty;
  CrlfNormalizer normalizer_{LeadingDot::stuff};
  std::string buffer_;
};

}  // namespace psyncd::spool
