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
  EXPECT_EQ(t.key(1), "a");
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
    // Short keys live in the entry, long ones on the heap: both kinds move on Erase.
    const uint32_t r = rng() % 300;
    const std::string key =
        (r % 2 == 0 ? "k" : "a-key-longer-than-eleven-bytes-") + std::to_string(r);
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
    EXPECT_EQ(t.key(static_cast<uint32_t>(g)), key);
    EXPECT_EQ(t.aggs(static_cast<uint32_t>(g))[0].n, n);
  }
}

// A group keeps its event count and newest event: a driver event in the entry, a derived
// stream's row by reference; both move with the group when another is erased.
TEST(GroupTableTest, KeepsEachGroupsNewestEventAndCount) {
  GroupTable t(0);
  bool inserted;
  const uint32_t a = t.FindOrAdd("a", &inserted);
  const uint32_t b = t.FindOrAdd("b", &inserted);
  StoredEvent e1;
  e1.driver.speed = 10;
  StoredEvent e2;
  e2.driver.speed = 20;
  t.Add(a, e1);
  t.Add(b, e1);
  t.Add(b, e2);
  EXPECT_EQ(t.count(a), 1);
  EXPECT_EQ(t.count(b), 2);
  EXPECT_EQ(t.Last(b).driver.speed, 20);
  t.Remove(b);
  EXPECT_EQ(t.count(b), 1);
  EXPECT_EQ(t.Last(b).driver.speed, 20);  // the newest event stays until replaced

  StoredEvent row_event;
  row_event.row = std::make_shared<const Row>(Row{Value::Int(7)});
  const uint32_t c = t.FindOrAdd("c", &inserted);
  t.Add(c, row_event);
  EXPECT_EQ(t.Last(c).row, row_event.row);
  EXPECT_EQ(t.Last(a).row, nullptr);
  EXPECT_EQ(t.Last(a).driver.speed, 10);
  t.Erase(a);  // "c" moves into index 0
  const int64_t ci = t.Find("c");
  ASSERT_EQ(ci, 0);
  EXPECT_EQ(t.Last(0).row, row_event.row);
  EXPECT_EQ(t.Last(static_cast<uint32_t>(t.Find("b"))).driver.speed, 20);
}

// Aggregate states of aggregates that keep a bag or sequence own it; erasing, clearing,
// moving and destroying the table free it (the ASan build's leak check fails otherwise).
TEST(GroupTableTest, FreesTheExtraStateOfItsAggregates) {
  AggSpec median;
  median.kind = AggKind::kMedian;
  median.arg.type = Type::kInt;
  median.type = Type::kDouble;
  median.slot = 1;
  ASSERT_TRUE(UsesExtra(median));
  GroupTable t(2, {1});
  bool inserted;
  for (int i = 0; i < 50; ++i) {
    const uint32_t g = t.FindOrAdd("g" + std::to_string(i % 10), &inserted);
    AggEnter(median, t.aggs(g) + 1, Value::Int(i));
  }
  const uint32_t g3 = static_cast<uint32_t>(t.Find("g3"));
  EXPECT_EQ(AggResult(median, t.aggs(g3)[1]).d, 23.0);  // 3, 13, 23, 33, 43
  EXPECT_GT(t.MemoryBytes(), 10 * (48 + 32 + sizeof(AggExtra)));
  t.Erase(g3);
  const uint32_t g9 = static_cast<uint32_t>(t.Find("g9"));
  EXPECT_EQ(AggResult(median, t.aggs(g9)[1]).d, 29.0);
  GroupTable moved(std::move(t));
  EXPECT_EQ(moved.size(), 9u);
  GroupTable other(2, {1});
  other.FindOrAdd("x", &inserted);
  AggEnter(median, other.aggs(0) + 1, Value::Int(1));
  other = std::move(moved);  // frees "x"'s bag
  EXPECT_EQ(other.size(), 9u);
  other.Clear();
  EXPECT_EQ(other.size(), 0u);
  other.FindOrAdd("y", &inserted);
  EXPECT_EQ(AggResult(median, other.aggs(0)[1]).type, Type::kNull);  // a fresh, empty state
  AggEnter(median, other.aggs(0) + 1, Value::Int(5));
}  // `other` frees "y"'s bag

// Reserve sizes the table for a steady fleet: no growth while it fills, and a table left
// oversized by a bigger batch shrinks when it is reused empty.
TEST(GroupTableTest, ReserveFitsTheTableToTheFleet) {
  GroupTable t(3);
  t.Reserve(1000);
  const size_t reserved = t.MemoryBytes();
  bool inserted;
  for (int i = 0; i < 1000; ++i) t.FindOrAdd("car" + std::to_string(i), &inserted);
  EXPECT_EQ(t.MemoryBytes(), reserved);  // nothing allocated while filling
  EXPECT_LT(reserved, 1000 * (48 + 3 * 16) * 11 / 10 + 1000 * 8 * 5 / 2);
  for (int i = 1000; i < 4000; ++i) t.FindOrAdd("car" + std::to_string(i), &inserted);
  EXPECT_GT(t.MemoryBytes(), 3 * reserved);
  t.Clear();
  t.Reserve(1000);
  EXPECT_EQ(t.MemoryBytes(), reserved);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(t.FindOrAdd("car" + std::to_string(i), &inserted), i);
}

}  // namespace
}  // namespace smartcar::cep
