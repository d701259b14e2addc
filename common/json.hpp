// A small strict JSON reader (RFC 8259) for the few documents psyncd reads: an OAuth 2.0
// token endpoint's answer (RFC 6749 §5.1, §5.2) and a SASL OAuth error challenge (RFC 7628
// §3.2.2). Input only: it builds a tree and never writes JSON. Strict: one value with
// optional white space around it, no comments, no trailing commas, no control bytes or bad
// UTF-8 in strings, no duplicate member names (they would make "which one counts" a
// guess), nesting at most 32 deep. Numbers are kept as their text, checked against the
// grammar. It does no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::json {

struct Member;

struct Value {
  enum class Type { null, boolean, number, string, array, object };
  Type type = Type::null;
  bool boolean = false;
  std::string text;             // string: its bytes (UTF-8, escapes resolved); number: as written
  std::vector<Value> items;     // array
  std::vector<Member> members;  // object, in document order

  // The member `name` of an object; nullptr when absent or this is not an object.
  const Value* find(std::string_view name) const;
  // The member's text when it is a string; nullopt otherwise.
  std::optional<std::string> string_member(std::string_view name) const;
  // A member that is a non-negative integer number (or a string of digits, which some token
  // endpoints send for expires_in), at most `max`; nullopt otherwise.
  std::optional<unsigned long long> integer_member(std::string_view name,
                                                   unsigned long long max) const;
};

// A std::pair would need Value complete where it is declared; a vector of this does not.
struct Member {
  std::string name;
  Value value;
};

// Errors (kind protocol): "JSON: byte N: what is wrong". `max_bytes` bounds the input.
Result<Value> parse(std::string_view text, std::size_t max_bytes = 64 * 1024);

}  // namespace psyncd::json
