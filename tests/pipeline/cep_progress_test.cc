// CepProgress: what the spout commits from the rule lanes' progress, and the metadata codec.
#include "pipeline/cep_progress.h"

#include <gtest/gtest.h>

namespace smartcar::pipeline {
namespace {

using Entry = CepProgress::Entry;

TEST(CepProgressTest, MetadataRoundTripsAndForeignTextIsIgnored) {
  CepProgress::Restored r;
  r.tasks = 3;
  r.lane = {int64_t{1650931230000}, std::nullopt, int64_t{-5}};
  const std::string m = CepProgress::EncodeMetadata(r);
  EXPECT_EQ(m, "smartcar-cep/1 tasks=3 closed=1650931230000,-,-5");
  auto back = CepProgress::DecodeMetadata(m);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->tasks, 3);
  EXPECT_EQ(back->lane, r.lane);
  for (const char* bad :
       {"", "smartcar-cep/1", "smartcar-cep/1 tasks=2 closed=1", "smartcar-cep/1 tasks=1 closed=x",
        "smartcar-cep/2 tasks=1 closed=1", "smartcar-cep/1 tasks=0 closed=", "other metadata"}) {
    EXPECT_FALSE(CepProgress::DecodeMetadata(bad).has_value()) << bad;
  }
}

// Offsets stay uncommitted while their event is within the hold of its lane's closed-through;
// the closed-through committed is that of the fully acked prefix only.
TEST(CepProgressTest, CommitsUpToTheFirstEventOfAnOpenWindow) {
  CepProgress p(/*hold_ms=*/100, /*tasks=*/2);
  p.StartEpoch(1);
  p.SetRestored(1, 0, "");
  // Nothing recorded: the acked offset, no metadata.
  EXPECT_EQ(p.ForCommit(0, 5).offset, 5);
  EXPECT_EQ(p.ForCommit(0, 5).metadata, "");
  const Entry lane0[] = {{0, 1000, 1000}, {2, 1050, 1050}, {4, 1200, 1200}};
  const Entry lane1[] = {{1, 1000, 1000}, {3, 1100, 1100}};
  p.Record(1, 0, 0, lane0);
  p.Record(1, 1, 0, lane1);
  // Offsets 0..2 acked: lane 0 closed through 1050, lane 1 through 1000; nothing is older than
  // its lane's closed-through minus the hold, so offset 0 is the first still needed.
  auto c = p.ForCommit(0, 3);
  EXPECT_EQ(c.offset, 0);
  EXPECT_EQ(c.metadata, "smartcar-cep/1 tasks=2 closed=1050,1000");
  // Everything acked: lane 0 at 1200 drops events at or before 1100; lane 1 at 1100 drops 1000.
  c = p.ForCommit(0, 5);
  EXPECT_EQ(c.offset, 3);
  EXPECT_EQ(c.metadata, "smartcar-cep/1 tasks=2 closed=1200,1100");
  EXPECT_EQ(p.HeldEntries(), 2u);
  // A lane's unacked entry stops its closed-through from moving past it.
  const Entry more[] = {{5, 1300, 1300}, {6, 1400, 1400}};
  p.Record(1, 0, 0, more);
  c = p.ForCommit(0, 6);
  EXPECT_EQ(c.offset, 3);
  EXPECT_EQ(c.metadata, "smartcar-cep/1 tasks=2 closed=1300,1100");
}

// The least offset held bounds the commit whether or not a lane's inputs came in offset order.
TEST(CepProgressTest, TheLeastOffsetHeldBoundsTheCommit) {
  CepProgress p(/*hold_ms=*/1000, /*tasks=*/1);
  p.StartEpoch(1);
  p.SetRestored(1, 0, "");
  const Entry ascending[] = {{3, 1000, 1000}, {5, 1100, 1100}};
  p.Record(1, 0, 0, ascending);
  EXPECT_EQ(p.ForCommit(0, 9).offset, 3);
  const Entry late[] = {{2, 1200, 1200}};  // Out of order: the front no longer holds the least.
  p.Record(1, 0, 0, late);
  EXPECT_EQ(p.ForCommit(0, 9).offset, 2);
}

TEST(CepProgressTest, RestoredLanesStartAtTheirClosedThrough) {
  CepProgress p(100, 2);
  p.StartEpoch(3);
  p.SetRestored(3, 0, "smartcar-cep/1 tasks=2 closed=5000,-");
  EXPECT_EQ(p.RestoredClosedThrough(3, 0, 0), 5000);
  EXPECT_EQ(p.RestoredClosedThrough(3, 0, 1), std::nullopt);
  EXPECT_EQ(p.RestoredClosedThrough(2, 0, 0), std::nullopt);  // Another epoch.
  // Until a lane gets inputs, a commit keeps what was restored.
  EXPECT_EQ(p.ForCommit(0, 10).metadata, "smartcar-cep/1 tasks=2 closed=5000,-");
  // Written by 3 tasks: every lane starts at the least; an unknown lane makes it fresh.
  p.SetRestored(3, 1, "smartcar-cep/1 tasks=3 closed=700,900,800");
  EXPECT_EQ(p.RestoredClosedThrough(3, 1, 0), 700);
  EXPECT_EQ(p.RestoredClosedThrough(3, 1, 1), 700);
  p.SetRestored(3, 2, "smartcar-cep/1 tasks=3 closed=700,-,800");
  EXPECT_EQ(p.RestoredClosedThrough(3, 2, 0), std::nullopt);
  // A new epoch forgets everything.
  p.StartEpoch(4);
  EXPECT_EQ(p.RestoredClosedThrough(4, 0, 0), std::nullopt);
  const Entry stale[] = {{0, 1, 1}};
  p.Record(3, 0, 0, stale);
  EXPECT_EQ(p.HeldEntries(), 0u);
}

}  // namespace
}  // namespace smartcar::pipeline
