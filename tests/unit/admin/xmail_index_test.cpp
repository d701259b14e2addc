#include "admin/xmail_index.hpp"

#include <catch2/catch.hpp>
#include <cstdint>

using namespace psyncd;
using admin::xmail_index_bytes;
using admin::xmail_index_kind;

namespace {

std::uint32_t u32(const std::string& bytes, size_t at) {
  std::uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i)
    v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  return v;
}

// TbixLookup's way through the index: the offsets stored under `key`'s bucket.
std::vector<std::uint32_t> lookup(const std::string& index, const std::string& key) {
  std::uint32_t size = u32(index, 8);
  std::uint32_t table = u32(index, 12 + (admin::xmail_hash(key) % size) * 4);
  std::vector<std::uint32_t> out;
  if (table == 0) return out;
  for (std::uint32_t i = 0; i < u32(index, table); ++i)
    out.push_back(u32(index, table + 4 + 4 * i));
  return out;
}

}  // namespace

TEST_CASE("xmail_index: XMail's hash (MscHashString with 64-bit unsigned long)") {
  // From MscHashString's steps with the seed 5381, worked out apart (64-bit arithmetic): the
  // empty key is 5381 run through the final mixing only.
  CHECK(admin::xmail_hash("") == 1587395898ull);
  CHECK(admin::xmail_hash("example.test\talice") == 1947656635010616419ull);
}

TEST_CASE("xmail_index: header, buckets and every record's line offset") {
  std::string table =
      "# comment\n\"example.test\"\t\"alice\"\t\"00\"\t1\t\"alice\"\t\"U\"\n\n"
      "\"Example.TEST\"\t\"Bob\"\t\"00\"\t2\t\"Bob\"\t\"U\"\r\n\"short\"\n";
  std::string index = xmail_index_bytes(table, *xmail_index_kind("mailusers.tab"));
  CHECK(index.substr(0, 4) == "ABDL");
  CHECK(u32(index, 4) == 3);
  // 100 bytes; record lines of 42, 39 and 8 bytes (mean 29): 100 / 29 + 17 = 20, up to the
  // next prime 23.
  CHECK(u32(index, 8) == 23);
  CHECK(lookup(index, "example.test\talice") == std::vector<std::uint32_t>{10});
  CHECK(lookup(index, "example.test\tbob") == std::vector<std::uint32_t>{53});  // lowercased key
  CHECK(index.size() == 12 + 23 * 4 + 2 * 8);  // "short" has too few fields: not indexed
}

TEST_CASE("xmail_index: wildcard aliases share bucket 0; an empty table has 17 buckets") {
  std::string table =
      "\"d.test\"\t\"a*\"\t\"x\"\n\"*.test\"\t\"b\"\t\"y\"\n\"d.test\"\t\"c\"\t\"z\"\n";
  std::string index = xmail_index_bytes(table, *xmail_index_kind("aliases.tab"));
  std::uint32_t bucket0 = u32(index, 12);
  REQUIRE(bucket0 != 0);
  CHECK(u32(index, bucket0) == 2);
  CHECK(u32(index, bucket0 + 4) == 0);
  CHECK(u32(index, bucket0 + 8) == 18);
  CHECK(lookup(index, "d.test\tc") == std::vector<std::uint32_t>{35});
  std::string empty = xmail_index_bytes("", *xmail_index_kind("domains.tab"));
  CHECK(u32(empty, 8) == 17);
  CHECK(empty.size() == 12 + 17 * 4);
  CHECK_FALSE(xmail_index_kind("pop3links.tab"));
}
