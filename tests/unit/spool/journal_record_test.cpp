#include "spool/journal_record.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>

using namespace psyncd;
using spool::JournalRecord;

namespace {

JournalRecord pending_record() {
  JournalRecord p;
  p.type = JournalRecord::Type::pending;
  p.uidl = "UID 1%";
  p.complete = true;
  p.tmp_path = "/mr/tmp/a b";
  p.targets = {{"joe@x.org", "/mr/new/n1"}, {"ann@x.org", "/mr/new/n2"}};
  return p;
}

JournalRecord delivered_record() {
  JournalRecord d;
  d.type = JournalRecord::Type::delivered;
  d.uidl = "u\n2";
  d.complete = true;
  d.keys = {"joe@x.org"};
  return d;
}

}  // namespace

TEST_CASE("journal field encoding round-trips every byte") {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  std::string enc = spool::encode_field(all);
  CHECK(enc.find(' ') == std::string::npos);
  CHECK(enc.find('\n') == std::string::npos);
  CHECK(spool::decode_field(enc).value() == all);
  CHECK(spool::encode_field("a b%") == "a%20b%25");
}

TEST_CASE("journal records: exact format and round trip") {
  std::string p = spool::format_record(pending_record());
  CHECK(p.substr(8) == " P UID%201%25 1 /mr/tmp/a%20b joe@x.org /mr/new/n1 ann@x.org /mr/new/n2\n");
  std::string d = spool::format_record(delivered_record());
  CHECK(d.substr(8) == " D u%0A2 1 joe@x.org\n");
  CHECK(spool::crc32("123456789") == 0xCBF43926u);  // the standard CRC-32 check value

  auto parsed = spool::parse_journal(p + d, "j");
  REQUIRE(parsed.problems.empty());
  REQUIRE(parsed.records.size() == 2);
  CHECK(parsed.records[0].uidl == "UID 1%");
  CHECK(parsed.records[0].tmp_path == "/mr/tmp/a b");
  CHECK(parsed.records[0].complete);
  REQUIRE(parsed.records[0].targets.size() == 2);
  CHECK(parsed.records[0].targets[1].key == "ann@x.org");
  CHECK(parsed.records[0].targets[1].path == "/mr/new/n2");
  CHECK(parsed.records[1].complete);
  CHECK(parsed.records[1].keys == std::vector<std::string>{"joe@x.org"});
}

TEST_CASE("journal records: an unnamed temp file is written as '-' and read back empty") {
  JournalRecord p = pending_record();
  p.tmp_path.clear();
  std::string line = spool::format_record(p);
  CHECK(line.substr(8) == " P UID%201%25 1 - joe@x.org /mr/new/n1 ann@x.org /mr/new/n2\n");
  auto parsed = spool::parse_journal(line, "j");
  REQUIRE(parsed.problems.empty());
  REQUIRE(parsed.records.size() == 1);
  CHECK(parsed.records[0].tmp_path.empty());
  CHECK(parsed.records[0].targets.size() == 2);
  SECTION("a temp path that is \"-\" itself still round-trips (found by the fuzzer)") {
    p.tmp_path = "-";
    line = spool::format_record(p);
    CHECK(line.find(" 1 %2D joe@x.org ") != std::string::npos);
    auto back = spool::parse_journal(line, "j");
    REQUIRE(back.records.size() == 1);
    CHECK(back.records[0].tmp_path == "-");
  }
}

TEST_CASE("journal: a torn tail at every byte is ignored, earlier records kept") {
  std::string first = spool::format_record(delivered_record());
  std::string second = spool::format_record(pending_record());
  std::string text = first + second;
  for (size_t cut = first.size(); cut < text.size(); ++cut) {
    auto parsed = spool::parse_journal(std::string_view(text).substr(0, cut), "j");
    INFO("cut at " << cut);
    CHECK(parsed.problems.empty());
    CHECK(parsed.records.size() == 1);
    CHECK(parsed.torn_tail == (cut > first.size()));
  }
}

TEST_CASE("journal: bad input") {
  std::string good = spool::format_record(delivered_record());
  auto with_crc = [](const std::string& body) {
    return fmt::format("{:08x} {}\n", spool::crc32(body), body);
  };
  struct Case {
    const char* name;
    std::string input;
    std::string want;
  } cases[] = {
      {"short line", "abc\n", "j:1: malformed record (record ignored)"},
      {"flipped byte", good.substr(0, 11) + "X" + good.substr(12),
       "j:1: checksum mismatch (record ignored)"},
      {"unknown type", with_crc("Q u"), "j:1: unknown record type \"Q\" (record ignored)"},
      {"pending without targets", with_crc("P u 1 /tmp/t"),
       "j:1: pending record needs uidl, 0/1, tmp and key/path pairs (record ignored)"},
      {"pending with odd pairs", with_crc("P u 1 /tmp/t k"),
       "j:1: pending record needs uidl, 0/1, tmp and key/path pairs (record ignored)"},
      {"pending with a bad flag", with_crc("P u x /tmp/t k p"),
       "j:1: pending record needs uidl, 0/1, tmp and key/path pairs (record ignored)"},
      {"delivered bad flag", with_crc("D u 2"),
       "j:1: delivered record needs uidl and 0/1 (record ignored)"},
      {"bad escape", with_crc("D u%4 1"), "j:1: bad %-escape (record ignored)"},
      {"empty field", with_crc("D u  1"), "j:1: empty field (record ignored)"},
      {"too short", with_crc("D"), "j:1: record too short (record ignored)"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    // A bad line in the middle is skipped; the good one after it still counts.
    auto parsed = spool::parse_journal(c.input + good, "j");
    REQUIRE(parsed.problems.size() == 1);
    CHECK(parsed.problems[0].to_string() == c.want);
    CHECK(parsed.records.size() == 1);
  }
}

TEST_CASE("journal records: a relay's sending record, exact format and round trip") {
  JournalRecord s;
  s.type = JournalRecord::Type::sending;
  s.uidl = "u3";
  s.keys = {"relay:a@far.net", "relay:b c@far.net"};
  std::string line = spool::format_record(s);
  CHECK(line.substr(8) == " S u3 relay:a@far.net relay:b%20c@far.net\n");
  auto parsed = spool::parse_journal(line + "00000000 S u4\n", "j");
  REQUIRE(parsed.records.size() == 1);
  CHECK(parsed.records[0].type == JournalRecord::Type::sending);
  CHECK(parsed.records[0].keys == s.keys);
  CHECK(parsed.problems.size() == 1);  // the second line's checksum is wrong
}
