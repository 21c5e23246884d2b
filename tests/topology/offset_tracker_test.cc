#include "topology/offset_tracker.h"

#include <gtest/gtest.h>

namespace smartcar::topology {
namespace {

TEST(OffsetTrackerTest, CommitsOnlyBelowTheLowestUnacked) {
  OffsetTracker t;
  EXPECT_FALSE(t.Committable(0).has_value());
  t.Reset(0, 100);
  EXPECT_EQ(t.Committable(0), 100);
  for (int64_t o = 100; o < 105; ++o) t.Emitted(0, o);
  EXPECT_EQ(t.Committable(0), 100);
  t.Acked(0, 101);
  t.Acked(0, 103);
  EXPECT_EQ(t.Committable(0), 100);  // 100 still pending.
  t.Acked(0, 100);
  EXPECT_EQ(t.Committable(0), 102);  // 102 pending.
  t.Acked(0, 102);
  EXPECT_EQ(t.Committable(0), 104);
  t.Acked(0, 104);
  EXPECT_EQ(t.Committable(0), 105);  // Everything acked: one past the highest emitted.
  EXPECT_EQ(t.Pending(0), 0u);
}

TEST(OffsetTrackerTest, FailedOffsetsStayPendingUntilReplayedAndAcked) {
  OffsetTracker t;
  t.Reset(3, 0);
  for (int64_t o = 0; o < 4; ++o) t.Emitted(3, o);
  t.Acked(3, 0);
  t.Acked(3, 2);
  t.Acked(3, 3);
  // Offset 1 failed: the spout re-emits it; the commit point waits for it.
  t.Emitted(3, 1);
  EXPECT_EQ(t.Committable(3), 1);
  EXPECT_EQ(t.Pending(3), 1u);
  t.Acked(3, 1);
  EXPECT_EQ(t.Committable(3), 4);
}

TEST(OffsetTrackerTest, PartitionsAreIndependentAndGapsAreSkipped) {
  OffsetTracker t;
  t.Reset(0, 0);
  t.Reset(1, 50);
  t.Emitted(0, 0);
  t.Emitted(0, 7);  // Offsets 1..6 absent (e.g. compacted): not waited for.
  t.Emitted(1, 50);
  t.Acked(0, 0);
  EXPECT_EQ(t.Committable(0), 7);
  EXPECT_EQ(t.Committable(1), 50);
  EXPECT_EQ(t.TotalPending(), 2u);
  t.Acked(0, 7);
  t.Acked(1, 50);
  EXPECT_EQ(t.Committable(0), 8);
  EXPECT_EQ(t.Committable(1), 51);
  t.Acked(9, 1);  // Unknown partition: ignored.
  EXPECT_EQ(t.TotalPending(), 0u);
}

TEST(OffsetTrackerTest, StaleReplayOfAnAckedOffsetIsIgnored) {
  OffsetTracker t;
  t.Reset(0, 0);
  t.Emitted(0, 0);
  t.Emitted(0, 1);
  t.Acked(0, 0);
  t.Emitted(0, 0);  // Already acked: must not hold the commit point back.
  t.Acked(0, 1);
  EXPECT_EQ(t.Committable(0), 2);
}

TEST(OffsetTrackerTest, ResetRestartsAPartition) {
  OffsetTracker t;
  t.Emitted(2, 10);  // Unknown partition starts at its first emitted offset.
  EXPECT_EQ(t.Committable(2), 10);
  t.Reset(2, 40);
  EXPECT_EQ(t.Committable(2), 40);
  EXPECT_EQ(t.Pending(2), 0u);
}

}  // namespace
}  // namespace smartcar::topology
