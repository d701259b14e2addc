// Finds the known name an unknown one was probably meant to be, for "did you mean" hints in
// --check: the same name in another case or with spaces around it, or one within a small edit
// distance (a letter missing, added, changed or two swapped: "Levae", "Pop3Threadz"). ASCII
// only, case-insensitive; an ambiguous guess (two names equally near) gives nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace psyncd {

// Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`, letters
// compared case-insensitively (optimal string alignment distance).
size_t edit_distance(std::string_view a, std::string_view b);

// The entry of `known` nearest to `name` when it is near enough: at most 1 edit for names of
// up to 4 letters, 2 for longer ones, after trimming spaces and tabs. Nothing when `name` is
// itself in `known` (exactly) or when two entries tie.
std::optional<std::string> did_you_mean(std::string_view name,
                                        const std::vector<std::string_view>& known);

}  // namespace psyncd
