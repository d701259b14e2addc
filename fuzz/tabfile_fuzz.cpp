// Fuzz target: the tab-file reader on arbitrary bytes, with and without a line limit.
// Checks invariants that hold for any input: line numbers increase, no field holds a TAB,
// every problem names the file and a line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tabfile/tab_reader.hpp"
#include "tabfile/tab_writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  psyncd::tabfile::ReadOptions options;
  options.max_line_bytes = size % 64;
  for (const auto& table :
       {psyncd::tabfile::parse(text, "f.tab"), psyncd::tabfile::parse(text, "f.tab", options)}) {
    int last = 0;
    for (const auto& record : table.records) {
      if (record.line <= last) std::abort();
      last = record.line;
      for (const auto& field : record.fields) {
        if (field.find('\t') != std::string::npos) std::abort();
        if (psyncd::tabfile::round_trips(field) &&
            psyncd::tabfile::dequote(psyncd::tabfile::quote(field)) != field) {
          std::abort();
        }
      }
    }
    for (const auto& problem : table.problems) {
      if (problem.file != "f.tab" || problem.line <= 0) std::abort();
    }
  }
  return 0;
}
