#include "topology/acker.h"

#include <gtest/gtest.h>

namespace smartcar::topology {
namespace {

std::vector<Acker::Completion> Take(Acker& a) {
  std::vector<Acker::Completion> out;
  a.TakeCompletions(&out, std::chrono::microseconds(0));
  return out;
}

TEST(AckerTest, CompletesWhenEveryEdgeIsXoredTwice) {
  Acker a;
  const auto now = std::chrono::steady_clock::now();
  // Spout emits two tuples (edges 11, 22); the first gets a child (edge 33).
  a.Start(1, 500, 11 ^ 22, now);
  EXPECT_EQ(a.pending(), 1u);
  a.Update(1, 33);       // The child is acked before its parent: order does not matter.
  a.Update(1, 11 ^ 33);  // Parent acked: its edge and its child's edge.
  EXPECT_TRUE(Take(a).empty());
  a.Update(1, 22);
  auto done = Take(a);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].id, 500u);
  EXPECT_TRUE(done[0].acked);
  EXPECT_EQ(a.pending(), 0u);
  a.Update(1, 5);  // Late updates for a completed root are ignored.
  EXPECT_TRUE(Take(a).empty());
}

TEST(AckerTest, NoSubscribersCompletesAtOnceAndFailIsFinal) {
  Acker a;
  const auto now = std::chrono::steady_clock::now();
  a.Start(1, 7, 0, now);
  a.Start(2, 8, 99, now);
  a.Fail(2);
  a.Update(2, 99);
  auto done = Take(a);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_TRUE(done[0].acked);
  EXPECT_EQ(done[1].id, 8u);
  EXPECT_FALSE(done[1].acked);
}

TEST(AckerTest, RotationFailsRootsAfterKBucketsMinusOneRotations) {
  Acker a;
  const auto now = std::chrono::steady_clock::now();
  a.Start(1, 1, 5, now);
  EXPECT_EQ(a.Rotate(), 0u);
  a.Start(2, 2, 6, now);
  EXPECT_EQ(a.Rotate(), 0u);
  EXPECT_EQ(a.Rotate(), 1u);  // Root 1 has seen kBuckets rotations.
  auto done = Take(a);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].id, 1u);
  EXPECT_FALSE(done[0].acked);
  a.Update(2, 6);  // Still tracked in an older bucket.
  done = Take(a);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_TRUE(done[0].acked);
  EXPECT_EQ(a.Rotate(), 0u);
  EXPECT_EQ(a.pending(), 0u);
}

TEST(AckerTest, ManyRootsCompleteInAnyOrder) {
  // Enough roots to grow the tables several times; ids with shared low bits and a random-looking
  // completion order exercise probing and erasure.
  Acker a;
  const auto now = std::chrono::steady_clock::now();
  constexpr uint64_t kRoots = 20'000;
  auto root = [](uint64_t i) { return (i << 20) | 0x5; };
  for (uint64_t i = 0; i < kRoots; ++i) a.Start(root(i), i, i + 1, now);
  EXPECT_EQ(a.pending(), kRoots);
  uint64_t completed = 0;
  for (uint64_t k = 0; k < kRoots; ++k) {
    const uint64_t i = (k * 7919) % kRoots;  // 7919 is prime, coprime to kRoots: a permutation.
    a.Update(root(i), 1);                    // Not zero yet (except for i == 0).
    if (i == 0) {
      ++completed;
      continue;
    }
    a.Update(root(i), (i + 1) ^ 1);
    ++completed;
    if (k % 1000 == 0) {
      EXPECT_EQ(a.pending(), kRoots - completed);
    }
  }
  EXPECT_EQ(a.pending(), 0u);
  auto out = Take(a);
  ASSERT_EQ(out.size(), kRoots);
  std::vector<bool> seen(kRoots, false);
  for (const auto& c : out) {
    EXPECT_TRUE(c.acked);
    ASSERT_LT(c.id, kRoots);
    EXPECT_FALSE(seen[c.id]) << c.id;
    seen[c.id] = true;
  }
  EXPECT_EQ(a.Rotate(), 0u);
}

}  // namespace
}  // namespace smartcar::topology
