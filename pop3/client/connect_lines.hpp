// ConnectLines: collects the server lines libcurl shows us (through its header callback)
// while it connects: the greeting, the CAPA reply (again after STLS) and the STLS reply.
// It keeps the greeting and the last complete CAPA list. It does not talk to the network
// and does not judge the lines; the client session decides what they mean.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace psyncd::pop3 {

class ConnectLines {
 public:
  // Bounds on what a server may make us keep before login (bytes of all lines, line count).
  static constexpr std::size_t kMaxBytes = 64 * 1024;
  static constexpr std::size_t kMaxLines = 256;

  // Feeds one callback chunk: one line, normally with its CRLF. Returns false when the
  // bounds above are exceeded (the caller aborts the connection).
  bool add(std::string_view chunk);

  const std::string& greeting() const { return greeting_; }
  const std::vector<std::string>& capa() const { return capa_; }
  // libcurl's order is greeting, CAPA, then STLS and CAPA again: so a second reply that is
  // "+OK" means the server accepted STLS (and libcurl then completed the handshake).
  bool stls_accepted() const { return stls_accepted_; }

 private:
  void add_line(std::string line);

  std::string partial_;  // a chunk without its line end so far
  std::string greeting_;
  bool have_greeting_ = false;
  bool in_block_ = false;             // between a "+OK" and a "." line
  std::vector<std::string> pending_;  // the block being read
  std::vector<std::string> capa_;
  int replies_ = 0;  // status lines after the greeting
  bool stls_accepted_ = false;
  std::size_t bytes_ = 0;
  std::size_t lines_ = 0;
};

}  // namespace psyncd::pop3
