#include "common/did_you_mean.hpp"

#include <algorithm>

#include "common/ascii.hpp"

namespace psyncd {

size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows of the dynamic-programming table: i-2, i-1 and i.
  std::vector<size_t> before(b.size() + 1), previous(b.size() + 1), row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = ascii_lower(a[i - 1]) == ascii_lower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && ascii_lower(a[i - 1]) == ascii_lower(b[j - 2]) &&
          ascii_lower(a[i - 2]) == ascii_lower(b[j - 1]))
        row[j] = std::min(row[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, row);
  }
  return previous[b.size()];
}

std::optional<std::string> did_you_mean(std::string_view name,
                                        const std::vector<std::string_view>& known) {
  if (std::find(known.begin(), known.end(), name) != known.end()) return std::nullopt;
  size_t first = name.find_first_not_of(" \t");
  if (first == std::string_view::npos) return std::nullopt;
  std::string_view trimmed = name.substr(first, name.find_last_not_of(" \t") - first + 1);
  const size_t allowed = trimmed.size() <= 4 ? 1 : 2;
  std::optional<std::string> best;
  size_t best_distance = allowed + 1;
  bool tie = false;
  for (std::string_view k : known) {
    // The distance is at least the difference in length: a far longer or shorter name (a
    // whole line in a field, say) is out of reach without filling the table.
    const size_t length_gap =
        trimmed.size() > k.size() ? trimmed.size() - k.size() : k.size() - trimmed.size();
    if (length_gap > allowed) continue;
    size_t d = edit_distance(trimmed, k);
    if (d < best_distance) {
      best = std::string(k);
      best_distance = d;
      tie = false;
    } else if (d == best_distance) {
      tie = true;
    }
  }
  if (tie) return std::nullopt;
  return best;
}

}  // namespace psyncd
