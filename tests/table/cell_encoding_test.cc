// The RocksDB key/value layout: order-preserving escaping and entry decoding.
#include "table/rocks/cell_encoding.h"

#include <gtest/gtest.h>

namespace smartcar::table::rocks {
namespace {

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

}  // namespace
}  // namespace smartcar::table::rocks
