// The memtable of sorted runs (table/rocks/run_memtable.h), on its own: every read against a
// std::set of the same keys, and readers running while the writer goes on. (Every table test
// also runs through it, as RocksDB's memtable.)
#include "table/rocks/run_memtable.h"

#include <gtest/gtest.h>
#include <rocksdb/slice.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <deque>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "table/run_memtable_util.h"

namespace smartcar::table::rocks {
namespace {

class RunMemTableTest : public ::testing::Test {
 protected:
  void Insert(const std::string& key) {
    entries_.push_back(EncodeEntry(key));
    rep_->Insert(const_cast<char*>(entries_.back().data()));
    model_.insert(key);
  }

  // Every key, from the first on or from the last back.
  std::vector<std::string> ReadAll(bool forward = true) {
    std::unique_ptr<rocksdb::MemTableRep::Iterator> it(rep_->GetIterator(nullptr));
    std::vector<std::string> out;
    for (forward ? it->SeekToFirst() : it->SeekToLast(); it->Valid();
         forward ? it->Next() : it->Prev()) {
      out.push_back(DecodeEntry(it->key()).ToString());
    }
    return out;
  }

  // Checks every way of reading the memtable against the model.
  void ExpectSameAsModel(std::mt19937* rng) {
    const std::vector<std::string> want(model_.begin(), model_.end());
    ASSERT_EQ(ReadAll(), want);
    ASSERT_EQ(ReadAll(/*forward=*/false), std::vector<std::string>(want.rbegin(), want.rend()));
    std::unique_ptr<rocksdb::MemTableRep::Iterator> it(rep_->GetIterator(nullptr));
    for (int i = 0; i < 50; ++i) {
      // Targets between and on keys, through both of Seek's forms.
      std::string target = std::to_string((*rng)() % 100000);
      if (i % 3 == 0 && !want.empty()) target = want[(*rng)() % want.size()];
      const std::string entry = EncodeEntry(target);
      const char* memtable_key = i % 2 == 0 ? entry.data() : nullptr;
      auto lower = model_.lower_bound(target);
      it->Seek(target, memtable_key);
      ASSERT_EQ(it->Valid(), lower != model_.end()) << target;
      if (lower == model_.end()) continue;
      ASSERT_EQ(DecodeEntry(it->key()).ToString(), *lower);
      // Turn around and back again.
      it->Prev();
      if (lower == model_.begin()) {
        ASSERT_FALSE(it->Valid());
      } else {
        ASSERT_TRUE(it->Valid());
        ASSERT_EQ(DecodeEntry(it->key()).ToString(), *std::prev(lower));
        it->Next();
        ASSERT_TRUE(it->Valid());
        ASSERT_EQ(DecodeEntry(it->key()).ToString(), *lower);
      }
      it->Next();
      auto after = std::next(lower);
      ASSERT_EQ(it->Valid(), after != model_.end());
      if (after != model_.end()) {
        ASSERT_EQ(DecodeEntry(it->key()).ToString(), *after);
      }

      auto upper = model_.upper_bound(target);
      it->SeekForPrev(target, memtable_key);
      ASSERT_EQ(it->Valid(), upper != model_.begin()) << target;
      if (upper == model_.begin()) continue;
      ASSERT_EQ(DecodeEntry(it->key()).ToString(), *std::prev(upper));
      it->Next();
      ASSERT_EQ(it->Valid(), upper != model_.end());
      if (upper != model_.end()) {
        ASSERT_EQ(DecodeEntry(it->key()).ToString(), *upper);
      }
    }
    for (int i = 0; i < 20 && !want.empty(); ++i) {
      const std::string& key = want[(*rng)() % want.size()];
      ASSERT_TRUE(rep_->Contains(EncodeEntry(key).data())) << key;
    }
    ASSERT_FALSE(rep_->Contains(EncodeEntry("not a key").data()));
  }

  BytewiseEntries compare_;
  std::unique_ptr<rocksdb::MemTableRep> rep_ = NewSortedRunsMemTable(compare_, nullptr);
  std::deque<std::string> entries_;  // The entries' bytes (RocksDB keeps them in its arena).
  std::set<std::string> model_;
};

std::string KeyOf(uint32_t i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%08u", i);
  return buf;
}

TEST_F(RunMemTableTest, AnEmptyMemTableHasNothingToRead) {
  std::mt19937 rng(1);
  ExpectSameAsModel(&rng);
}

TEST_F(RunMemTableTest, SortedBatchesSinglePutsAndReversedBatchesReadInKeyOrder) {
  std::mt19937 rng(7);
  std::vector<uint32_t> ids(20000);
  for (uint32_t i = 0; i < ids.size(); ++i) ids[i] = i * 5;
  std::shuffle(ids.begin(), ids.end(), rng);
  size_t next = 0;
  int round = 0;
  while (next < ids.size()) {
    // Batches of 1 to 3000 keys: sorted (the pipeline), reversed (a run per key), or as drawn.
    const size_t n = std::min<size_t>(ids.size() - next, 1 + rng() % (round % 4 == 0 ? 3000 : 40));
    std::vector<std::string> batch;
    for (size_t i = 0; i < n; ++i) batch.push_back(KeyOf(ids[next++]));
    if (round % 3 == 0) std::sort(batch.begin(), batch.end());
    if (round % 3 == 1) std::sort(batch.rbegin(), batch.rend());
    for (const std::string& k : batch) Insert(k);
    ++round;
    if (round % 25 == 0) ExpectSameAsModel(&rng);
  }
  ExpectSameAsModel(&rng);
}

TEST_F(RunMemTableTest, ManySingleRunsAreMergedAndTheirOldArraysFreed) {
  std::mt19937 rng(3);
  // Each key is smaller than the last: every insert starts a run.
  for (uint32_t i = 30000; i-- > 0;) Insert(KeyOf(i));
  ExpectSameAsModel(&rng);
  // The live arrays: 8 bytes per key, a few merged runs and their slack; retired arrays are
  // freed when no reader holds them (none here).
  EXPECT_LT(rep_->ApproximateMemoryUsage(), 4 * 8 * model_.size());
  EXPECT_GE(rep_->ApproximateMemoryUsage(), 8 * model_.size());
}

TEST_F(RunMemTableTest, AnIteratorKeepsItsViewWhileTheWriterMergesAndGrowsRuns) {
  std::mt19937 rng(5);
  for (uint32_t i = 0; i < 500; ++i) Insert(KeyOf(2 * i));
  const std::vector<std::string> before(model_.begin(), model_.end());
  std::unique_ptr<rocksdb::MemTableRep::Iterator> it(rep_->GetIterator(nullptr));
  const size_t held = rep_->ApproximateMemoryUsage();
  for (uint32_t i = 2000; i-- > 0;) Insert(KeyOf(2 * i + 1));  // Runs of one, merged.
  EXPECT_GT(rep_->ApproximateMemoryUsage(), held);             // Retired arrays kept.
  std::vector<std::string> seen;
  for (it->SeekToFirst(); it->Valid(); it->Next())
    seen.push_back(DecodeEntry(it->key()).ToString());
  EXPECT_EQ(seen, before);
  it.reset();
  Insert(KeyOf(0) + "x");  // The next run frees what the iterator held.
  EXPECT_LT(rep_->ApproximateMemoryUsage(), 4 * 8 * model_.size());
  ExpectSameAsModel(&rng);
}

// Readers on other threads while one writer inserts (RocksDB's contract: inserts serialised,
// reads from anywhere): each reader sees its keys in order, and at least every key whose insert
// finished before it started.
TEST_F(RunMemTableTest, ReadersOnOtherThreadsSeeEveryFinishedInsertInOrder) {
  constexpr uint32_t kKeys = 60000;
  std::vector<std::string> keys;
  for (uint32_t i = 0; i < kKeys; ++i) keys.push_back(EncodeEntry(KeyOf(i)));
  std::vector<uint32_t> order(kKeys);
  for (uint32_t i = 0; i < kKeys; ++i) order[i] = i;
  std::mt19937 rng(11);
  // Sorted batches of 1 to 2000 (random keys in each): runs of every size, merges, growth.
  for (size_t at = 0; at < kKeys;) {
    std::shuffle(order.begin() + at, order.end(), rng);
    const size_t n = std::min<size_t>(kKeys - at, 1 + rng() % 2000);
    std::sort(order.begin() + at, order.begin() + at + n);
    at += n;
  }
  std::atomic<size_t> inserted{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (inserted.load(std::memory_order_acquire) < kKeys && !failed.load()) {
        const size_t at_least = inserted.load(std::memory_order_acquire);
        std::unique_ptr<rocksdb::MemTableRep::Iterator> it(rep_->GetIterator(nullptr));
        size_t count = 0;
        std::string last;
        for (it->SeekToFirst(); it->Valid(); it->Next(), ++count) {
          const std::string k = DecodeEntry(it->key()).ToString();
          if (count > 0 && k <= last) failed = true;
          last = k;
        }
        if (count < at_least) failed = true;
      }
    });
  }
  for (uint32_t i : order) {
    rep_->Insert(const_cast<char*>(keys[i].data()));
    inserted.fetch_add(1, std::memory_order_release);
  }
  for (std::thread& t : readers) t.join();
  EXPECT_FALSE(failed.load());
  for (uint32_t i = 0; i < kKeys; ++i) model_.insert(KeyOf(i));
  EXPECT_EQ(ReadAll(), std::vector<std::string>(model_.begin(), model_.end()));
}

}  // namespace
}  // namespace smartcar::table::rocks
