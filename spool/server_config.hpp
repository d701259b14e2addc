// ServerConfig: server.tab as XMail reads it (docs/xmail-formats.md §1.4, §4.4): "name"<TAB>"value"
// lines, names case-sensitive, the first of duplicate names wins, extra fields ignored. Values are
// strings; get_int() parses them strictly and names file:line when a value is not a number. It does
// not know which variables exist or their defaults: callers pass the default.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "tabfile/tab_reader.hpp"

namespace psyncd::spool {

class ServerConfig {
 public:
  ServerConfig() = default;

  // Fails only when the file cannot be read.
  static Result<ServerConfig> load(const std::string& path);
  static ServerConfig from_table(const tabfile::Table& table);

  std::optional<std::string> get(std::string_view name) const;
  // `default_value` when the name is absent; an Error (config, file:line, field 2 (name))
  // when its value is not a strict decimal number (an optional leading '-').
  Result<long long> get_int_checked(std::string_view name, long long default_value) const;
  // As get_int_checked(), but a bad value logs a warning naming file:line and gives
  // `default_value`, so a typo never stops the service.
  long long get_int(std::string_view name, long long default_value) const;

  const std::vector<Error>& problems() const { return problems_; }

  // Every variable set, with its line, in file order (the first of duplicates).
  struct Variable {
    std::string name;
    int line = 0;
  };
  std::vector<Variable> variables() const;
  const std::string& path() const { return path_; }

 private:
  struct Entry {
    std::string value;
    int line = 0;
  };
  std::string path_;
  std::unordered_map<std::string, Entry> entries_;
  std::vector<Error> problems_;
};

}  // namespace psyncd::spool
