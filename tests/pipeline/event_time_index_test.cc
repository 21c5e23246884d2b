// EventTimeIndex: blocks built from the records a reader sees, where a range starts, the file
// format and its errors.
#include "pipeline/event_time_index.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace smartcar::pipeline {
namespace {

using Block = PartitionTimeIndex::Block;

TEST(EventTimeIndexTest, ReadersBuildWholeBlocksFromTheIndexedEnd) {
  PartitionTimeIndex p(4);
  // Offsets 0..9, event times a little out of order, one header line (no time) at offset 5.
  const int64_t times[] = {10, 12, 11, 20, 25, -1, 22, 40, 41, 39};
  for (int64_t o = 0; o < 10; ++o) {
    p.Observe(o, 1000 + o, times[o] < 0 ? std::nullopt : std::optional<int64_t>(times[o]));
  }
  ASSERT_EQ(p.blocks().size(), 2u);  // 8..9 is an open block, not kept.
  EXPECT_EQ(p.blocks()[0], (Block{0, 4, 10, 20, 1000}));
  EXPECT_EQ(p.blocks()[1], (Block{4, 8, 22, 40, 1004}));
  EXPECT_EQ(p.indexed_end(), 8);
  EXPECT_TRUE(p.changed());
  // Reading again from the start adds nothing; reading on from 8 finishes the next block.
  for (int64_t o = 0; o < 8; ++o) p.Observe(o, 0, 99);
  EXPECT_EQ(p.blocks()[0].max_ms, 20);
  for (int64_t o = 8; o < 12; ++o) p.Observe(o, 1000 + o, 50 + o);  // 8, 9 already seen.
  ASSERT_EQ(p.blocks().size(), 3u);
  EXPECT_EQ(p.blocks()[2], (Block{8, 12, 39, 61, 1008}));

  // A range starts at the first block whose newest event reaches it.
  EXPECT_EQ(p.StartFor(0), 0);
  EXPECT_EQ(p.StartFor(20), 0);
  EXPECT_EQ(p.StartFor(21), 4);
  EXPECT_EQ(p.StartFor(41), 8);
  EXPECT_EQ(p.StartFor(62), 12);  // After every block: the indexed end.
  EXPECT_EQ(p.BlockFor(5)->base, 4);
  EXPECT_EQ(p.BlockFor(12)->base, 8);

  // Retention deleted offsets 0..5: the first block goes.
  p.Trim(6);
  ASSERT_EQ(p.blocks().size(), 2u);
  EXPECT_EQ(p.blocks()[0].base, 4);
  p.Trim(100);
  EXPECT_TRUE(p.blocks().empty());
}

TEST(EventTimeIndexTest, SkippedOffsetsStayInsideTheBlock) {
  PartitionTimeIndex p(4);
  p.Observe(0, 1, 5);
  p.Observe(2, 2, 6);  // Offset 1 is a transaction marker.
  p.Observe(3, 3, 7);
  ASSERT_EQ(p.blocks().size(), 1u);
  EXPECT_EQ(p.blocks()[0], (Block{0, 4, 5, 7, 1}));
  p.Observe(5, 9, 8);  // The next block starts at the indexed end, 4.
  p.Observe(6, 9, 9);
  p.Observe(7, 9, 9);
  ASSERT_EQ(p.blocks().size(), 2u);
  EXPECT_EQ(p.blocks()[1], (Block{4, 8, 8, 9, 9}));
}

TEST(EventTimeIndexTest, FileRoundTripAndErrors) {
  EventTimeIndex index("SmartCar-Topic", 2);
  for (int64_t o = 0; o < 4; ++o) index.partition(0).Observe(o, 100 + o, 10 * o);
  for (int64_t o = 7; o < 9; ++o) index.partition(2).Observe(o, 200 + o, 5);
  EXPECT_TRUE(index.changed());
  testing::TempDir dir;
  const std::string path = dir.file("index/SmartCar-Topic.timeindex");
  ASSERT_TRUE(index.Save(path).ok());
  EXPECT_EQ(testing::ReadFile(path),
            "smartcar event-time index v1 topic=SmartCar-Topic\n"
            "0 0 2 0 10 100\n0 2 4 20 30 102\n2 7 9 5 5 207\n");
  auto loaded = EventTimeIndex::Load(path, "SmartCar-Topic");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->Serialize(), index.Serialize());
  EXPECT_FALSE(loaded->changed());
  // Missing: empty. Another topic, damaged lines: errors that say where.
  auto none = EventTimeIndex::Load(dir.file("nope"), "SmartCar-Topic");
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->partition(0).blocks().empty());
  auto other = EventTimeIndex::Parse(testing::ReadFile(path), "Other");
  ASSERT_FALSE(other.has_value());
  EXPECT_NE(other.error().message().find("line 1"), std::string::npos);
  const std::string head = "smartcar event-time index v1 topic=T\n";
  for (const char* bad : {"0 0 2 0 10\n", "0 0 2 0 10 1 7\n", "x 0 2 0 10 1\n", "0 2 2 0 1 1\n",
                          "0 0 2 0 1 1\n0 3 4 0 1 1\n", "-1 0 2 0 1 1\n"}) {
    auto r = EventTimeIndex::Parse(head + bad, "T");
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_NE(r.error().message().find("event-time index line "), std::string::npos);
  }
}

}  // namespace
}  // namespace smartcar::pipeline
