// The RocksDB key/value layout: order-preserving escaping and entry decoding.
#include "table/rocks/cell_encoding.h"

#include <gtest/gtest.h>

namespace smartcar::table::rocks {
namespace {

using namespace std::string_literals;

TEST(CellEncodingTest, KeysSortByRowFamilyThenNewestFirst) {
  const std::string z("a\0", 2);
  std::vector<std::string> keys = {EncodeKey("a", "cf", 5), EncodeKey("a", "cf", 9),
                                   EncodeKey("a", "dd", 1), EncodeKey(z, "cf", 1),
                                   EncodeKey("ab", "cf", 1)};
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted[0], keys[1]);  // a/cf@9 before a/cf@5.
  EXPECT_EQ(sorted[1], keys[0]);
  EXPECT_EQ(sorted[2], keys[2]);
  EXPECT_EQ(sorted[3], keys[3]);
  EXPECT_EQ(sorted[4], keys[4]);
  DecodedKey k;
  ASSERT_TRUE(DecodeKey(keys[3], &k));
  EXPECT_EQ(k.row, z);
  EXPECT_EQ(k.family, "cf");
  EXPECT_EQ(k.timestamp, 1);
  EXPECT_EQ(RowPrefixLength(keys[3]), EncodeRowPrefix(z).size());
  EXPECT_FALSE(DecodeKey("abc", &k));
  EXPECT_EQ(RowPrefixLength(std::string("a\0\x05", 3)), 0u);
  // No terminator: empty, a trailing 0x00, only escaped zeros.
  EXPECT_EQ(RowPrefixLength(""), 0u);
  EXPECT_EQ(RowPrefixLength(std::string("ab\0", 3)), 0u);
  EXPECT_EQ(RowPrefixLength(std::string("\0\xff\0\xff", 4)), 0u);
  // The first terminator after escaped zeros ends the row.
  const std::string key = std::string("\0\xff\0\x01", 4) + "cf" + std::string("\0\x01", 2);
  EXPECT_EQ(RowPrefixLength(key), 4u);
}

// The exact bytes: every 0x00 of the row and family followed by 0xff, each ended by 0x00 0x01,
// then the timestamp inverted, big-endian (rows that start, end or are made of 0x00 bytes too).
TEST(CellEncodingTest, KeyBytesEscapeEveryZeroByte) {
  EXPECT_EQ(EncodeKey("a\0\0b\0"s, "cf", 1),
            "a\0\377\0\377b\0\377\0\001cf\0\001\377\377\377\377\377\377\377\376"s);
  EXPECT_EQ(EncodeKey("20220426", "c\0"s, 0x0102030405060708),
            "20220426\0\001c\0\377\0\001\376\375\374\373\372\371\370\367"s);
  for (const std::string& row : {""s, "\0"s, "\0\0"s, "abc"s, "\0a\0"s, "\377\0\001"s}) {
    DecodedKey k;
    ASSERT_TRUE(DecodeKey(EncodeKey(row, "cf", 42), &k)) << row.size();
    EXPECT_EQ(k.row, row);
    EXPECT_EQ(k.family, "cf");
    EXPECT_EQ(k.timestamp, 42);
  }
}

TEST(CellEncodingTest, EntryDecodingSortsAndKeepsLastValue) {
  std::string v;
  AppendCellValue("b", "1", &v);
  AppendCellValue("a", "2", &v);
  AppendCellValue("b", "3", &v);
  std::vector<Cell> cells;
  ASSERT_TRUE(DecodeEntry(v, "cf", 7, &cells));
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0], (Cell{"cf", "a", 7, "2"}));
  EXPECT_EQ(cells[1], (Cell{"cf", "b", 7, "3"}));
  EXPECT_FALSE(DecodeEntry("\x05zz", "cf", 1, &cells));
}

// Byte strings below use octal escapes (\000), which, unlike \x, stop after three digits.
TEST(CellEncodingTest, TheDriverColumnsTakeTwoBytesEachAndOtherQualifiersAreSpelledOut) {
  std::string v;
  AppendCellValue("speed", "80", &v);
  EXPECT_EQ(v, "\206\000\00280"s);   // 0x80 | index 6, 0x00, then the value.
  AppendCellValue("spee", "1", &v);  // Not well known: length-prefixed.
  EXPECT_EQ(v.substr(5), "\004spee\0011"s);
  AppendCellValue("area_number", "A01", &v);
  std::vector<Cell> cells;
  ASSERT_TRUE(DecodeEntry(v, "cf1", 3, &cells));
  ASSERT_EQ(cells.size(), 3u);
  EXPECT_EQ(cells[0], (Cell{"cf1", "area_number", 3, "A01"}));
  EXPECT_EQ(cells[1], (Cell{"cf1", "spee", 3, "1"}));
  EXPECT_EQ(cells[2], (Cell{"cf1", "speed", 3, "80"}));
}

TEST(CellEncodingTest, EntriesWrittenBeforeTheCodesReadUnchanged) {
  // The earlier layout spelled out every qualifier, the well-known ones too; a merged entry may
  // hold both layouts.
  const std::string long_q(200, 'q');  // A two-byte length: 0xc8 0x01.
  std::string v = "\005speed\00280"s + "\004date\001x"s + "\310\001"s + long_q + "\001y"s;
  AppendCellValue("speed", "90", &v);  // A later put at the same timestamp, as a merge appends.
  std::vector<Cell> cells;
  ASSERT_TRUE(DecodeEntry(v, "cf1", 1, &cells));
  ASSERT_EQ(cells.size(), 3u);
  EXPECT_EQ(cells[0], (Cell{"cf1", "date", 1, "x"}));
  EXPECT_EQ(cells[1], (Cell{"cf1", long_q, 1, "y"}));
  EXPECT_EQ(cells[2], (Cell{"cf1", "speed", 1, "90"}));
}

TEST(CellEncodingTest, AnUnknownQualifierCodeIsMalformed) {
  std::vector<Cell> cells;
  EXPECT_FALSE(DecodeEntry("\377\000\0011"s, "cf", 1, &cells));
  ASSERT_TRUE(DecodeEntry("\200\000\0011"s, "cf", 1, &cells));
  EXPECT_EQ(cells.back().qualifier, "date");
}

}  // namespace
}  // namespace smartcar::table::rocks
