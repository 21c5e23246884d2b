#include "queue/embedded/record_batch.h"

#include <gtest/gtest.h>

namespace smartcar::queue::embedded {
namespace {

TEST(RecordBatchTest, RoundTripsAndSkipsBelowFrom) {
  Record a{"k1", "v1", 10, {{"h", "x"}}, std::nullopt};
  Record b{"", "v2", 30, {}, std::nullopt};
  Record c{"k3", std::string(300, 'z'), 20, {}, std::nullopt};
  const Record* recs[] = {&a, &b, &c};
  std::string value;
  EncodeBatch(100, recs, &value);
  BatchHeader h;
  ASSERT_TRUE(DecodeBatchHeader(value, &h).ok());
  EXPECT_EQ(h.base_offset, 100);
  EXPECT_EQ(h.count, 3u);
  EXPECT_EQ(h.max_timestamp_ms, 30);
  std::vector<ConsumedRecord> out;
  size_t budget = 10;
  ASSERT_TRUE(DecodeBatch(value, "t", PartitionId(2), 101, 200, &budget, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(budget, 8u);
  EXPECT_EQ(out[0].offset.value, 101);
  EXPECT_EQ(out[0].value, "v2");
  EXPECT_EQ(out[1].key, "k3");
  EXPECT_EQ(out[1].value, std::string(300, 'z'));
  EXPECT_EQ(out[1].partition.value, 2);
}

TEST(RecordBatchTest, DetectsCorruptionAndTruncation) {
  Record a{"k1", "v1", 10, {}, std::nullopt};
  const Record* recs[] = {&a};
  std::string value;
  EncodeBatch(0, recs, &value);
  std::string flipped = value;
  flipped.back() ^= 0x1;
  std::vector<ConsumedRecord> out;
  size_t budget = 10;
  Status s = DecodeBatch(flipped, "t", PartitionId(0), 0, 10, &budget, &out);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("t/0"), std::string::npos) << s.ToString();
  EXPECT_TRUE(
      DecodeBatch(value.substr(0, 10), "t", PartitionId(0), 0, 10, &budget, &out).IsCorruption());
}

TEST(RecordBatchTest, KeysSortByTopicPartitionOffset) {
  EXPECT_LT(RecordKey(1, 0, 255), RecordKey(1, 0, 256));
  EXPECT_LT(RecordKey(1, 0, (1LL << 40)), RecordKey(1, 1, 0));
  EXPECT_LT(RecordKey(1, 7, 0), RecordKey(2, 0, 0));
  EXPECT_TRUE(RecordKey(3, 4, 5).starts_with(PartitionPrefix(3, 4)));
}

}  // namespace
}  // namespace smartcar::queue::embedded
