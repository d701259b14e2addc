// Test helper: the printed form of psync::Problem lists, so tests compare whole messages.
#pragma once

#include <string>
#include <vector>

#include "psync/link_problem.hpp"

namespace psyncd::test {

// Each problem's to_string(); `file` replaces an empty file name when given.
inline std::vector<std::string> problem_texts(const std::vector<psync::Problem>& problems,
                                              const std::string& file = {}) {
  std::vector<std::string> out;
  for (psync::Problem p : problems) {
    if (p.error.file.empty()) p.error.file = file;
    out.push_back(p.to_string());
  }
  return out;
}

}  // namespace psyncd::test
