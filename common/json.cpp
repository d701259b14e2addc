#include "common/json.hpp"

#include <fmt/format.h>

#include "common/decimal.hpp"

namespace psyncd::json {

namespace {

constexpr int kMaxDepth = 32;

class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}

  Result<Value> document() {
    Value v;
    skip_space();
    if (!value(v, 0)) return error();
    skip_space();
    if (pos_ != s_.size()) return fail("text after the value"), error();
    return v;
  }

 private:
  Error error() const {
    return make_error(ErrorKind::protocol, fmt::format("JSON: byte {}: {}", pos_ + 1, why_));
  }
  bool fail(const char* why) {
    if (why_.empty()) why_ = why;
    return false;
  }
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }
  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
      ++pos_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return fail("unknown word (want true, false, null)");
    pos_ += word.size();
    return true;
  }

  bool value(Value& v, int depth) {
    if (depth >= kMaxDepth) return fail("nested deeper than 32 levels");
    switch (peek()) {
      case '{':
        return object(v, depth);
      case '[':
        return array(v, depth);
      case '"':
        v.type = Value::Type::string;
        return string(v.text);
      case 't':
        v.type = Value::Type::boolean;
        v.boolean = true;
        return literal("true");
      case 'f':
        v.type = Value::Type::boolean;
        return literal("false");
      case 'n':
        return literal("null");
      default:
        v.type = Value::Type::number;
        return number(v.text);
    }
  }

  bool object(Value& v, int depth) {
    v.type = Value::Type::object;
    ++pos_;
    skip_space();
    if (peek() == '}') return ++pos_, true;
    while (true) {
      skip_space();
      std::string name;
      if (peek() != '"') return fail("want a member name in double quotes");
      if (!string(name)) return false;
      if (v.find(name) != nullptr) return fail("member name given twice");
      skip_space();
      if (peek() != ':') return fail("want ':' after a member name");
      ++pos_;
      skip_space();
      Value member;
      if (!value(member, depth + 1)) return false;
      v.members.push_back(Member{std::move(name), std::move(member)});
      skip_space();
      if (peek() == '}') return ++pos_, true;
      if (peek() != ',') return fail("want ',' or '}' after a member");
      ++pos_;
    }
  }

  bool array(Value& v, int depth) {
    v.type = Value::Type::array;
    ++pos_;
    skip_space();
    if (peek() == ']') return ++pos_, true;
    while (true) {
      skip_space();
      Value item;
      if (!value(item, depth + 1)) return false;
      v.items.push_back(std::move(item));
      skip_space();
      if (peek() == ']') return ++pos_, true;
      if (peek() != ',') return fail("want ',' or ']' after an array item");
      ++pos_;
    }
  }

  bool digits() {
    size_t start = pos_;
    while (peek() >= '0' && peek() <= '9') ++pos_;
    return pos_ > start;
  }

  // RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  bool number(std::string& out) {
    size_t start = pos_;
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (!digits()) {
      return fail("not a JSON value");
    }
    if (peek() == '.') {
      ++pos_;
      if (!digits()) return fail("want digits after '.'");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!digits()) return fail("want digits in the exponent");
    }
    out.assign(s_.substr(start, pos_ - start));
    return true;
  }

  bool hex4(unsigned& out) {
    out = 0;
    for (int i = 0; i < 4; ++i, ++pos_) {
      char c = peek();
      unsigned d = c >= '0' && c <= '9'   ? c - '0'
                   : c >= 'a' && c <= 'f' ? c - 'a' + 10
                   : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                          : 16;
      if (d == 16) return fail("want 4 hex digits after \\u");
      out = out * 16 + d;
    }
    return true;
  }

  static void put_utf8(unsigned cp, std::string& out) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // \uXXXX, with a surrogate pair as one code point; a lone surrogate is refused.
  bool unicode_escape(std::string& out) {
    unsigned cp = 0;
    if (!hex4(cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return fail("lone low surrogate in \\u escape");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      unsigned low = 0;
      if (s_.substr(pos_, 2) != "\\u") return fail("high surrogate without its low half");
      pos_ += 2;
      if (!hex4(low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) return fail("high surrogate without its low half");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    put_utf8(cp, out);
    return true;
  }

  bool escape(std::string& out) {
    ++pos_;  // the backslash
    char c = peek();
    ++pos_;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out += c;
        return true;
      case 'b':
        out += '\b';
        return true;
      case 'f':
        out += '\f';
        return true;
      case 'n':
        out += '\n';
        return true;
      case 'r':
        out += '\r';
        return true;
      case 't':
        out += '\t';
        return true;
      case 'u':
        return unicode_escape(out);
      default:
        --pos_;
        return fail("unknown escape");
    }
  }

  // One UTF-8 sequence of 2 to 4 bytes starting at pos_: no overlong forms, no surrogates,
  // nothing above U+10FFFF.
  bool utf8(std::string& out) {
    auto lead = static_cast<unsigned char>(peek());
    int extra = lead >= 0xF0 && lead <= 0xF4 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC2 ? 1 : -1;
    if (lead >= 0xF5 || extra < 0) return fail("bad UTF-8");
    unsigned cp = lead & (0x3F >> extra);
    for (int i = 1; i <= extra; ++i) {
      if (pos_ + i >= s_.size()) return fail("bad UTF-8");
      auto c = static_cast<unsigned char>(s_[pos_ + i]);
      if ((c & 0xC0) != 0x80) return fail("bad UTF-8");
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr unsigned kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return fail("bad UTF-8");
    out.append(s_.substr(pos_, extra + 1));
    pos_ += extra + 1;
    return true;
  }

  bool string(std::string& out) {
    ++pos_;  // the opening quote
    while (true) {
      if (at_end()) return fail("string not closed");
      auto c = static_cast<unsigned char>(peek());
      if (c == '"') return ++pos_, true;
      if (c < 0x20) return fail("control byte in a string");
      if (c == '\\') {
        if (!escape(out)) return false;
      } else if (c >= 0x80) {
        if (!utf8(out)) return false;
      } else {
        out += static_cast<char>(c);
        ++pos_;
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string why_;
};

}  // namespace

const Value* Value::find(std::string_view name) const {
  for (const Member& m : members)
    if (m.name == name) return &m.value;
  return nullptr;
}

std::optional<std::string> Value::string_member(std::string_view name) const {
  const Value* v = find(name);
  if (v == nullptr || v->type != Type::string) return std::nullopt;
  return v->text;
}

std::optional<unsigned long long> Value::integer_member(std::string_view name,
                                                        unsigned long long max) const {
  const Value* v = find(name);
  if (v == nullptr || (v->type != Type::number && v->type != Type::string)) return std::nullopt;
  auto n = parse_decimal(v->text, max);
  if (!n) return std::nullopt;
  return *n;
}

Result<Value> parse(std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes)
    return make_error(ErrorKind::protocol, fmt::format("JSON: {} bytes, more than the {} allowed",
                                                       text.size(), max_bytes));
  return Reader(text).document();
}

}  // namespace psyncd::json
