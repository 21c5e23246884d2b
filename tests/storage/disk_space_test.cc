// DiskWatermark: intake pauses below the minimum, or before the next check would find the disk
// below it at the rate the last interval took space; it resumes at 1.5 x the minimum.
#include "storage/disk_space.h"

#include <gtest/gtest.h>

namespace smartcar::storage {
namespace {

constexpr uint64_t kMB = 1'000'000;

TEST(DiskWatermarkTest, PausesBelowTheMinimumAndResumesAtOneAndAHalfTimesIt) {
  DiskWatermark w;
  EXPECT_FALSE(w.Check(500 * kMB, 100 * kMB));
  EXPECT_FALSE(w.Check(499 * kMB, 100 * kMB));
  EXPECT_TRUE(w.Check(99 * kMB, 100 * kMB));  // 400 MB in one interval: below.
  EXPECT_TRUE(w.paused());
  EXPECT_TRUE(w.Check(120 * kMB, 100 * kMB));  // Above the minimum, not yet at 150.
  EXPECT_TRUE(w.Check(149 * kMB, 100 * kMB));
  EXPECT_FALSE(w.Check(150 * kMB, 100 * kMB));
  EXPECT_FALSE(w.paused());
  EXPECT_EQ(DiskWatermark::ResumeAt(100 * kMB), 150 * kMB);
}

TEST(DiskWatermarkTest, PausesBeforeTheNextCheckWouldFindTheDiskBelowTheMinimum) {
  DiskWatermark w;
  EXPECT_FALSE(w.Check(300 * kMB, 100 * kMB));
  EXPECT_EQ(w.taken(), 0u);                     // Nothing to compare the first check with.
  EXPECT_FALSE(w.Check(260 * kMB, 100 * kMB));  // 40 MB taken, 160 above the minimum.
  EXPECT_EQ(w.taken(), 40 * kMB);
  EXPECT_FALSE(w.Check(180 * kMB, 100 * kMB));  // 80 taken, 80 above: the next may just reach it.
  EXPECT_TRUE(w.Check(120 * kMB, 100 * kMB));   // 60 taken, 20 above: the next would cross.
  EXPECT_EQ(w.taken(), 60 * kMB);
  EXPECT_TRUE(w.Check(120 * kMB, 100 * kMB));  // Paused: nothing taken, not yet 150 free.
  EXPECT_EQ(w.taken(), 0u);
  EXPECT_FALSE(w.Check(150 * kMB, 100 * kMB));
}

TEST(DiskWatermarkTest, SpaceFreedBetweenChecksCountsAsNothingTaken) {
  DiskWatermark w;
  EXPECT_FALSE(w.Check(150 * kMB, 100 * kMB));
  EXPECT_FALSE(w.Check(400 * kMB, 100 * kMB));  // A compaction deleted its inputs.
  EXPECT_EQ(w.taken(), 0u);
  EXPECT_FALSE(w.Check(390 * kMB, 100 * kMB));
  EXPECT_TRUE(w.Check(101 * kMB, 100 * kMB));  // 289 taken with 1 above the minimum.
}

}  // namespace
}  // namespace smartcar::storage
