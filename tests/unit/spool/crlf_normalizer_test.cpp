#include "spool/crlf_normalizer.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "spool/unique_name.hpp"

using namespace psyncd;

namespace {

struct Case {
  const char* name;
  std::string input;
  std::string want;
};

const Case kCases[] = {
    {"empty message stays empty", "", ""},
    {"CRLF kept", "a\r\nb\r\n", "a\r\nb\r\n"},
    {"bare LF", "a\nb\n", "a\r\nb\r\n"},
    {"bare CR", "a\rb\r", "a\r\nb\r\n"},
    {"final CRLF added", "a\r\nb", "a\r\nb\r\n"},
    {"mixed", "a\r\n\nb\r\rc", "a\r\n\r\nb\r\n\r\nc\r\n"},
    {"CR CR LF is a bare CR then CRLF", "a\r\r\n", "a\r\n\r\n"},
    {"dots untouched by default", ".\r\n..x\n", ".\r\n..x\r\n"},
    {"only LF", "\n", "\r\n"},
};

std::string feed_bytewise(const std::string& in, uint64_t* size) {
  spool::CrlfNormalizer n;
  std::string out;
  for (char c : in) n.feed(std::string_view(&c, 1), out);
  n.finish(out);
  *size = n.size();
  return out;
}

// The rule written the slow, obvious way: a line ends at CRLF, at a bare LF or at a bare CR,
// and every line ends CRLF in the output.
std::string reference(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r') {
      out += "\r\n";
      if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
    } else if (in[i] == '\n') {
      out += "\r\n";
    } else {
      out += in[i];
    }
  }
  if (!out.empty() && out.back() != '\n') out += "\r\n";
  return out;
}

// Every mode written the slow way: split into lines first, then stuff, then end each with CRLF.
std::string reference(const std::string& in, spool::LeadingDot dots, spool::BareCr cr) {
  std::vector<std::string> lines;
  std::string cur;
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    const bool crlf = c == '\r' && i + 1 < in.size() && in[i + 1] == '\n';
    if (crlf || c == '\n' || (c == '\r' && (cr == spool::BareCr::line_end || i + 1 == in.size()))) {
      lines.push_back(cur);
      cur.clear();
      if (crlf) ++i;
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) lines.push_back(cur);
  std::string out;
  for (const auto& line : lines) {
    const bool dot = !line.empty() && line[0] == '.';
    if (dots == spool::LeadingDot::stuff && dot) out += '.';
    if (dots == spool::LeadingDot::stuff_lone && dot && (line.size() == 1 || line[1] == '\r'))
      out += '.';
    out += line + "\r\n";
  }
  return out;
}

}  // namespace

TEST_CASE("CRLF normaliser, every mode: random inputs in random chunks match the line rule") {
  std::mt19937 rng(20261205);
  const char alphabet[] = {'a', '.', '.', '\r', '\n'};
  const spool::LeadingDot dot_modes[] = {spool::LeadingDot::keep, spool::LeadingDot::stuff,
                                         spool::LeadingDot::stuff_lone};
  for (auto dots : dot_modes) {
    for (auto cr : {spool::BareCr::line_end, spool::BareCr::data}) {
      for (int round = 0; round < 1500; ++round) {
        std::string in(rng() % 60, 'a');
        for (char& c : in) c = alphabet[rng() % sizeof alphabet];
        spool::CrlfNormalizer n(dots, cr);
        std::string out;
        for (size_t at = 0; at < in.size();) {
          size_t len = std::min<size_t>(in.size() - at, 1 + rng() % 7);
          n.feed(std::string_view(in).substr(at, len), out);
          at += len;
        }
        n.finish(out);
        INFO("dots " << static_cast<int>(dots) << " cr " << static_cast<int>(cr) << " round "
                     << round << " input " << in);
        REQUIRE(out == reference(in, dots, cr));
        REQUIRE(n.size() == out.size());
      }
    }
  }
}

TEST_CASE("wire form: what psyncd stores is what XMail stores") {
  CHECK(spool::wire_form(".\r\n..x\n.y\r\nz.\n") == "..\r\n...x\r\n..y\r\nz.\r\n");
  CHECK(spool::wire_form("a\n.") == "a\r\n..\r\n");
  CHECK(spool::wire_form("") == "");
  // Reading a stored file back: only a lone "." is stuffed, a stuffed line is left alone.
  CHECK(spool::normalize_crlf("..\r\n..x\n.\n.", spool::LeadingDot::stuff_lone) ==
        "..\r\n..x\r\n..\r\n..\r\n");
}

TEST_CASE("CRLF normaliser: random inputs in random chunks match the obvious rule") {
  std::mt19937 rng(20261123);
  const char alphabet[] = {'a', 'b', '.', ' ', '\r', '\n'};
  for (int round = 0; round < 2000; ++round) {
    std::string in(rng() % 200, 'a');
    for (char& c : in) c = alphabet[rng() % sizeof alphabet];
    spool::CrlfNormalizer n;
    std::string out;
    for (size_t at = 0; at < in.size();) {
      size_t len = std::min<size_t>(in.size() - at, 1 + rng() % 40);
      n.feed(std::string_view(in).substr(at, len), out);
      at += len;
    }
    n.finish(out);
    INFO("round " << round);
    REQUIRE(out == reference(in));
    REQUIRE(n.size() == out.size());
  }
}

TEST_CASE("CRLF normaliser: table, whole and one byte at a time") {
  for (const auto& c : kCases) {
    INFO(c.name);
    CHECK(spool::normalize_crlf(c.input) == c.want);
    uint64_t size = 0;
    CHECK(feed_bytewise(c.input, &size) == c.want);
    CHECK(size == c.want.size());
  }
}

TEST_CASE("CRLF normaliser: every split point of a CRLF-heavy input") {
  std::string in = "x\r\ny\r\r\nz\n\r.\r";
  std::string want = spool::normalize_crlf(in);
  for (size_t cut = 0; cut <= in.size(); ++cut) {
    spool::CrlfNormalizer n;
    std::string out;
    n.feed(std::string_view(in).substr(0, cut), out);
    n.feed(std::string_view(in).substr(cut), out);
    n.finish(out);
    INFO("cut at " << cut);
    CHECK(out == want);
  }
}

TEST_CASE("unique names follow XMail's scheme") {
  CHECK(spool::format_unique_name(1294227600123, 0x7f2a1c, 0x3e8, 0, "mx1.example.org") ==
        "1294227600123.7f2a1c.3e8.0.mx1.example.org");
  CHECK(spool::format_unique_name(1, 2, 3, 255, "a/b:c,d") == "1.2.3.ff.a_b_c_d");
  CHECK(spool::format_unique_name(1, 2, 3, 4, "") == "1.2.3.4.localhost");
  ManualClock clock;
  std::string a = spool::unique_name(clock);
  std::string b = spool::unique_name(clock);
  CHECK(a != b);
  CHECK(a.rfind("1700000000000.", 0) == 0);
  CHECK(a.find('/') == std::string::npos);
}
