// Golden transcripts: tests/data/pop3/session/<name>.in is what a client sends, <name>.ref the
// exact server output and <name>.events the events, one per line, with the standard fixture.
// Each is fed whole and one byte at a time. PSYNCD_REGENERATE=1 rewrites .ref and .events
// (review the diff before committing).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "pop3/server/session.hpp"
#include "tests/support/pop3/server/server_fakes.hpp"

using namespace psyncd::pop3;
using namespace psyncd::pop3::test;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const std::filesystem::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary);
  out << data;
}

}  // namespace

TEST_CASE("session golden transcripts") {
  const std::filesystem::path dir =
      std::filesystem::path(PSYNCD_SOURCE_DIR) / "tests/data/pop3/session";
  const bool regenerate = std::getenv("PSYNCD_REGENERATE") != nullptr;
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".in") continue;
    ++seen;
    auto base = entry.path();
    base.replace_extension();
    const std::string input = slurp(entry.path());
    for (std::size_t step : {std::size_t{0}, std::size_t{1}}) {
      INFO(base.filename().string() << " step " << step);
      SessionFixture f;
      Session s(f.config, f.auth);
      auto t = run_session(s, input, step);
      std::string events;
      for (const auto& e : t.events) events += e + "\n";
      if (regenerate) {
        spit(base.string() + ".ref", t.output);
        spit(base.string() + ".events", events);
      }
      CHECK(t.output == slurp(base.string() + ".ref"));
      CHECK(events == slurp(base.string() + ".events"));
    }
  }
  CHECK(seen >= 4);
}
