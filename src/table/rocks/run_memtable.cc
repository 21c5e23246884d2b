// The memtable of sorted runs (see run_memtable.h).
//
// RocksDB serialises a memtable's inserts (one writer at a time; this factory does not offer
// concurrent inserts) and reads it from any thread. The writer publishes a View: the closed
// runs, oldest first, and the open run with its published length. Appending to the open run
// stores the key, then the length (release): a reader sees a prefix of the run, never a torn
// key. Closing a run, merging runs or growing the open run's array publishes a new View; the old
// View and the arrays nobody references any more are retired, and freed when the writer next
// publishes while no reader is registered (readers register before they load the View, the
// writer checks after it stores one: both sequentially consistent).
#include "table/rocks/run_memtable.h"

#include <rocksdb/slice.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "core/coding.h"

// The arena RocksDB hands a memtable's GetIterator. Its class is internal (memory/arena.h, left
// out of the packaged headers) and in-tree memtables place their iterators in it; so does this
// one, calling the non-inline AllocateAligned that librocksdb exports (static and shared, in
// Debian 12's 7.8.3 as in RocksDB's sources since 2014). The iterator cannot come from the
// memtable's own arena: a flushing memtable's memory use must not grow (RocksDB asserts it).
namespace rocksdb {
class Arena {
 public:
  char* AllocateAligned(size_t bytes, size_t huge_page_size = 0, Logger* logger = nullptr);
};
}  // namespace rocksdb

namespace smartcar::table::rocks {
namespace {

using Compare = rocksdb::MemTableRep::KeyComparator;
using Key = const char*;  // An entry: varint32 length, internal key, then the value.

// A run shorter than this is merged with the run before it when that one is short too and at
// most twice as long (a binary counter: n single puts cost O(n log n) key moves and leave
// O(log n) short runs). Longer runs (the pipeline's batches of 4,096 rows) stay as they are: a
// merge moves a run of fewer than 4,096 keys and the newest run, never the whole memtable (which
// held the writer for ~10 ms and showed in the detection latency), and a full 16 MiB memtable
// holds a few dozen runs.
constexpr size_t kSmallRun = 4096;
constexpr size_t kFirstCapacity = 16;

// The memtable's order as a strict weak ordering, for the standard algorithms.
struct KeyLess {
  const Compare& compare;
  bool operator()(Key a, Key b) const { return compare(a, b) < 0; }
};

struct Run {
  Key* keys;
  size_t size;
  size_t capacity;
};

// What a reader sees. Immutable once published, but for open_size.
struct View {
  std::vector<Run> closed;  // Oldest first.
  Key* open = nullptr;
  size_t capacity = 0;
  std::atomic<size_t> open_size{0};
};

// A merged walk over sorted runs, both ways. Keys are unique across runs (an internal key
// carries its sequence number), so a key's position in one run says where every run stands.
class RunMerger {
 public:
  RunMerger(const Compare& compare, const std::vector<Run>& runs) : compare_(compare) {
    cursors_.reserve(runs.size());
    for (const Run& r : runs) {
      if (r.size > 0) cursors_.push_back(Cursor{r.keys, static_cast<int64_t>(r.size), 0});
    }
    heap_.reserve(cursors_.size());
  }

  bool Valid() const { return !heap_.empty(); }
  Key key() const { return At(heap_[0]); }

  void SeekToFirst() {
    for (Cursor& c : cursors_) c.pos = 0;
    Rebuild(true);
  }
  void SeekToLast() {
    for (Cursor& c : cursors_) c.pos = c.size - 1;
    Rebuild(false);
  }
  // The first key >= target.
  void Seek(Key target) {
    for (Cursor& c : cursors_) c.pos = LowerBound(c, target);
    Rebuild(true);
  }
  // The last key <= target.
  void SeekForPrev(Key target) {
    for (Cursor& c : cursors_) c.pos = UpperBound(c, target) - 1;
    Rebuild(false);
  }
  void Next() {
    if (!forward_) {
      const Key k = key();
      for (Cursor& c : cursors_) c.pos = LowerBound(c, k);
      Rebuild(true);
    }
    Cursor& c = cursors_[heap_[0]];
    if (++c.pos < c.size) {
      SiftDown(0);
    } else {
      PopTop();
    }
  }
  void Prev() {
    if (forward_) {
      const Key k = key();
      for (Cursor& c : cursors_) c.pos = UpperBound(c, k) - 1;
      Rebuild(false);
    }
    Cursor& c = cursors_[heap_[0]];
    if (--c.pos >= 0) {
      SiftDown(0);
    } else {
      PopTop();
    }
  }

 private:
  struct Cursor {
    const Key* keys;
    int64_t size;
    int64_t pos;  // -1 .. size; the heap holds the cursors inside their run.
  };

  Key At(uint32_t i) const { return cursors_[i].keys[cursors_[i].pos]; }
  int64_t LowerBound(const Cursor& c, Key target) const {
    return std::lower_bound(c.keys, c.keys + c.size, target, KeyLess{compare_}) - c.keys;
  }
  int64_t UpperBound(const Cursor& c, Key target) const {
    return std::upper_bound(c.keys, c.keys + c.size, target, KeyLess{compare_}) - c.keys;
  }
  // Whether cursor a's key comes out before cursor b's in the current direction.
  bool Before(uint32_t a, uint32_t b) const {
    const int c = compare_(At(a), At(b));
    return forward_ ? c < 0 : c > 0;
  }
  void Rebuild(bool forward) {
    forward_ = forward;
    heap_.clear();
    for (uint32_t i = 0; i < cursors_.size(); ++i) {
      if (cursors_[i].pos >= 0 && cursors_[i].pos < cursors_[i].size) heap_.push_back(i);
    }
    for (size_t i = heap_.size() / 2; i-- > 0;) SiftDown(i);
  }
  void PopTop() {
    heap_[0] = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) SiftDown(0);
  }
  void SiftDown(size_t i) {
    const size_t n = heap_.size();
    const uint32_t x = heap_[i];
    for (;;) {
      size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && Before(heap_[child + 1], heap_[child])) ++child;
      if (!Before(heap_[child], x)) break;
      heap_[i] = heap_[child];
      i = child;
    }
    heap_[i] = x;
  }

  const Compare& compare_;
  std::vector<Cursor> cursors_;
  std::vector<uint32_t> heap_;
  bool forward_ = true;
};

class SortedRunsRep final : public rocksdb::MemTableRep {
 public:
  SortedRunsRep(const Compare& compare, rocksdb::Allocator* allocator)
      : MemTableRep(allocator), compare_(compare), writing_(new View) {
    bytes_.store(sizeof(View), std::memory_order_relaxed);
    current_.store(writing_);
  }

  ~SortedRunsRep() override {
    FreeRetired();
    for (Run& r : writing_->closed) delete[] r.keys;
    delete[] writing_->open;
    delete writing_;
  }

  void Insert(rocksdb::KeyHandle handle) override {
    const Key key = static_cast<Key>(handle);
    View* v = writing_;
    size_t n = v->open_size.load(std::memory_order_relaxed);
    if (n > 0 && compare_(v->open[n - 1], key) >= 0) {
      v = CloseRun(v, n);
      n = 0;
    } else if (n == v->capacity) {
      v = Grow(v, n);
    }
    v->open[n] = key;
    v->open_size.store(n + 1, std::memory_order_release);
  }

  bool Contains(const char* key) const override {
    ReaderGuard guard(this);
    RunMerger m(compare_, guard.runs());
    m.Seek(key);
    return m.Valid() && compare_(m.key(), key) == 0;
  }

  size_t ApproximateMemoryUsage() override { return bytes_.load(std::memory_order_relaxed); }

  Iterator* GetIterator(rocksdb::Arena* arena) override {
    if (arena == nullptr) return new RunsIterator(this);
    // The caller destroys it and frees the arena.
    static_assert(alignof(RunsIterator) <= alignof(std::max_align_t));
    return new (arena->AllocateAligned(sizeof(RunsIterator))) RunsIterator(this);
  }

 private:
  // Registers a reader and takes the runs it may read, until it is destroyed.
  class ReaderGuard {
   public:
    explicit ReaderGuard(const SortedRunsRep* rep) : rep_(rep) {
      rep_->readers_.fetch_add(1, std::memory_order_seq_cst);
      const View* v = rep_->current_.load(std::memory_order_seq_cst);
      runs_.reserve(v->closed.size() + 1);
      runs_ = v->closed;
      const size_t n = v->open_size.load(std::memory_order_acquire);
      if (n > 0) runs_.push_back(Run{v->open, n, 0});
    }
    ~ReaderGuard() { rep_->readers_.fetch_sub(1, std::memory_order_seq_cst); }
    ReaderGuard(const ReaderGuard&) = delete;
    ReaderGuard& operator=(const ReaderGuard&) = delete;
    const std::vector<Run>& runs() const { return runs_; }

   private:
    const SortedRunsRep* rep_;
    std::vector<Run> runs_;
  };

  class RunsIterator final : public Iterator {
   public:
    explicit RunsIterator(const SortedRunsRep* rep)
        : guard_(rep), merger_(rep->compare_, guard_.runs()) {}

    bool Valid() const override { return merger_.Valid(); }
    const char* key() const override { return merger_.key(); }
    void Next() override { merger_.Next(); }
    void Prev() override { merger_.Prev(); }
    void Seek(const rocksdb::Slice& internal_key, const char* memtable_key) override {
      merger_.Seek(Target(internal_key, memtable_key));
    }
    void SeekForPrev(const rocksdb::Slice& internal_key, const char* memtable_key) override {
      merger_.SeekForPrev(Target(internal_key, memtable_key));
    }
    void SeekToFirst() override { merger_.SeekToFirst(); }
    void SeekToLast() override { merger_.SeekToLast(); }

   private:
    // The target as an entry (length-prefixed), which the comparator's char* form takes.
    Key Target(const rocksdb::Slice& internal_key, const char* memtable_key) {
      if (memtable_key != nullptr) return memtable_key;
      target_.clear();
      PutVarint32(&target_, static_cast<uint32_t>(internal_key.size()));
      target_.append(internal_key.data(), internal_key.size());
      return target_.data();
    }

    ReaderGuard guard_;
    RunMerger merger_;
    std::string target_;
  };

  Key* NewArray(size_t capacity) {
    bytes_.fetch_add(capacity * sizeof(Key), std::memory_order_relaxed);
    return new Key[capacity];
  }
  void Retire(Key* keys, size_t capacity) {
    if (keys != nullptr) retired_keys_.push_back(Run{keys, 0, capacity});
  }

  // The open run (n keys) becomes the newest closed run; a new, empty open run follows.
  View* CloseRun(View* v, size_t n) {
    auto* next = new View;
    next->closed = v->closed;
    next->closed.push_back(Run{v->open, n, v->capacity});
    MergeRuns(&next->closed);
    next->capacity = std::max(kFirstCapacity, std::bit_ceil(n));  // Batches tend to be alike.
    next->open = NewArray(next->capacity);
    return Publish(next, v);
  }

  // The open run moves to an array twice as large.
  View* Grow(View* v, size_t n) {
    auto* next = new View;
    next->closed = v->closed;
    next->capacity = std::max(kFirstCapacity, 2 * v->capacity);
    next->open = NewArray(next->capacity);
    std::copy(v->open, v->open + n, next->open);
    next->open_size.store(n, std::memory_order_relaxed);
    Retire(v->open, v->capacity);
    return Publish(next, v);
  }

  void MergeRuns(std::vector<Run>* runs) {
    while (runs->size() >= 2) {
      const Run a = (*runs)[runs->size() - 2];
      const Run b = runs->back();
      if (a.size >= kSmallRun || a.size > 2 * b.size) break;
      Run merged{NewArray(a.size + b.size), a.size + b.size, a.size + b.size};
      std::merge(a.keys, a.keys + a.size, b.keys, b.keys + b.size, merged.keys, KeyLess{compare_});
      Retire(a.keys, a.capacity);
      Retire(b.keys, b.capacity);
      runs->pop_back();
      runs->back() = merged;
    }
  }

  View* Publish(View* next, View* old) {
    bytes_.fetch_add(sizeof(View) + next->closed.capacity() * sizeof(Run),
                     std::memory_order_relaxed);
    current_.store(next, std::memory_order_seq_cst);
    writing_ = next;
    retired_views_.push_back(old);
    if (readers_.load(std::memory_order_seq_cst) == 0) FreeRetired();
    return next;
  }

  void FreeRetired() {
    size_t freed = 0;
    for (const Run& r : retired_keys_) {
      delete[] r.keys;
      freed += r.capacity * sizeof(Key);
    }
    for (const View* v : retired_views_) {
      freed += sizeof(View) + v->closed.capacity() * sizeof(Run);
      delete v;
    }
    retired_keys_.clear();
    retired_views_.clear();
    bytes_.fetch_sub(freed, std::memory_order_relaxed);
  }

  const Compare& compare_;
  View* writing_;  // The writer's View (== current_).
  std::atomic<View*> current_{nullptr};
  mutable std::atomic<int64_t> readers_{0};
  std::atomic<size_t> bytes_{0};
  // The writer's alone (inserts are serialised).
  std::vector<Run> retired_keys_;
  std::vector<View*> retired_views_;
};

class SortedRunsFactory final : public rocksdb::MemTableRepFactory {
 public:
  const char* Name() const override { return "smartcar.SortedRuns"; }
  using MemTableRepFactory::CreateMemTableRep;
  rocksdb::MemTableRep* CreateMemTableRep(const Compare& compare, rocksdb::Allocator* allocator,
                                          const rocksdb::SliceTransform*,
                                          rocksdb::Logger*) override {
    return new SortedRunsRep(compare, allocator);
  }
};

}  // namespace

std::shared_ptr<rocksdb::MemTableRepFactory> NewSortedRunsMemTableFactory() {
  return std::make_shared<SortedRunsFactory>();
}

std::unique_ptr<rocksdb::MemTableRep> NewSortedRunsMemTable(const Compare& compare,
                                                            rocksdb::Allocator* allocator) {
  return std::make_unique<SortedRunsRep>(compare, allocator);
}

}  // namespace smartcar::table::rocks
