#include "cep/runtime/group_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace smartcar::cep {
namespace {

TEST(GroupTableTest, KeepsInsertionOrderAndZeroedAggregates) {
  GroupTable t(2);
  bool inserted = false;
  EXPECT_EQ(t.FindOrAdd("b", &inserted), 0u);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(t.FindOrAdd("a", &inserted), 1u);
  EXPECT_EQ(t.FindOrAdd("b", &inserted), 0u);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(t.group(1).key, "a");
  EXPECT_EQ(t.aggs(1)[1].n, 0);
  t.aggs(0)[0].n = 7;
  EXPECT_EQ(t.Find("b"), 0);
  EXPECT_EQ(t.Find("zz"), -1);
  t.Clear();
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.Find("b"), -1);
  EXPECT_EQ(t.FindOrAdd("c", &inserted), 0u);
  EXPECT_EQ(t.aggs(0)[0].n, 0);
}

// Random adds and erases against std::map: every key stays findable after backward-shift
// deletion and swap-remove, and aggregate state moves with its group.
TEST(GroupTableTest, MatchesAReferenceMapUnderRandomChurn) {
  GroupTable t(1);
  std::map<std::string, int64_t> ref;
  std::mt19937 rng(42);
  for (int step = 0; step < 20000; ++step) {
    const std::string key = "k" + std::to_string(rng() % 300);
    if (rng() % 3 != 0) {
      bool inserted;
      const uint32_t g = t.FindOrAdd(key, &inserted);
      EXPECT_EQ(inserted, ref.count(key) == 0);
      t.aggs(g)[0].n += 1;
      ref[key] += 1;
    } else {
      const int64_t g = t.Find(key);
      ASSERT_EQ(g >= 0, ref.count(key) == 1) << key;
      if (g >= 0) {
        EXPECT_EQ(t.aggs(static_cast<uint32_t>(g))[0].n, ref[key]);
        t.Erase(static_cast<uint32_t>(g));
        ref.erase(key);
      }
    }
    ASSERT_EQ(t.size(), ref.size());
  }
  for (const auto& [key, n] : ref) {
    const int64_t g = t.Find(key);
    ASSERT_GE(g, 0) << key;
    EXPECT_EQ(t.group(static_cast<uint32_t>(g)).key, key);
    EXPECT_EQ(t.aggs(static_cast<uint32_t>(g))[0].n, n);
  }
}

}  // namespace
}  // namespace smartcar::cep
