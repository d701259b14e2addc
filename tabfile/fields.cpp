#include "tabfile/fields.hpp"

#include "common/decimal.hpp"

namespace psyncd::tabfile {

Error record_problem(const Table& table, const Record& record, int field_number,
                     std::string_view field_name, std::string text) {
  std::string field;
  if (field_number > 0) {
    field = "field " + std::to_string(field_number);
    if (!field_name.empty()) field += " (" + std::string(field_name) + ")";
  }
  return Error{ErrorKind::config, table.path, record.line, std::move(field), std::move(text)};
}

std::optional<Error> check_field_count(const Table& table, const Record& record, size_t min,
                                       size_t max) {
  size_t n = record.fields.size();
  if (n >= min && n <= max) return std::nullopt;
  std::string text = std::to_string(n) + (n == 1 ? " field" : " fields");
  if (min == max) {
    text += ", need exactly " + std::to_string(min);
  } else if (n < min) {
    text += ", need at least " + std::to_string(min);
  } else {
    text += ", need at most " + std::to_string(max);
  }
  text += " (line ignored)";
  if (n < min) text += space_hint(record);
  return record_problem(table, record, 0, {}, text);
}

std::string space_hint(const Record& record) {
  for (const std::string& field : record.fields)
    if (field.find(' ') != std::string::npos)
      return ": fields are TAB-separated; this line has spaces";
  return {};
}

std::optional<long long> parse_number(std::string_view text, bool allow_negative) {
  DecimalRules rules;
  rules.max_digits = 18;
  if (!allow_negative && !text.empty() && text.front() == '-') return std::nullopt;
  return parse_signed_decimal(text, rules);
}

}  // namespace psyncd::tabfile
