// The acker: tracks the tuple tree of every message one spout task emitted (Storm's XOR trick).
//
// Each tuple edge gets a random 64-bit id. A root's value starts as the XOR of its first edges;
// acking a tuple XORs in its own edge id and the ids of the children anchored to it. Every edge
// enters the XOR twice (once when created by the parent's ack, once at its own ack), so the value
// returns to zero exactly when the whole tree is acked (false zero: probability 2^-64).
// A Fail anywhere or a timeout completes the root as failed; later updates for it are ignored.
// Timeouts use Storm's rotating buckets: roots start in the newest of kBuckets maps and Rotate(),
// called every timeout/(kBuckets-1), fails the oldest map's roots; a root is failed between
// timeout and timeout*kBuckets/(kBuckets-1) after it started. Memory is bounded by the roots in
// flight.
// Thread-safe: bolts on any thread update it; the owning spout thread takes completions.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "topology/thread_annotations.h"
#include "topology/tuple.h"

namespace smartcar::topology {

class Acker {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Completion {
    MessageId id;
    bool acked;          // false: failed or timed out.
    int64_t latency_us;  // From Start to completion.
  };

  // Starts tracking `root` for message `id`. `initial_xor` is the XOR of the edge ids of the
  // tuples emitted for it; 0 (no subscribers) completes it as acked at once.
  void Start(uint64_t root, MessageId id, uint64_t initial_xor, TimePoint now) EXCLUDES(mu_);
  // XORs `value` into the root; completes it as acked when the result is 0.
  void Update(uint64_t root, uint64_t value) EXCLUDES(mu_);
  struct AckUpdate {
    uint64_t root;
    uint64_t value;
  };
  // Update() for each of `n` updates, under one lock acquisition.
  void UpdateMany(const AckUpdate* updates, size_t n) EXCLUDES(mu_);
  // Completes the root as failed (no-op if already complete).
  void Fail(uint64_t root) EXCLUDES(mu_);
  static constexpr int kBuckets = 3;
  // Fails every root in the oldest bucket and starts a new bucket. Returns how many failed.
  size_t Rotate() EXCLUDES(mu_);
  // Moves completions into `out`; waits up to `wait` for one when there are none.
  void TakeCompletions(std::vector<Completion>* out, std::chrono::microseconds wait) EXCLUDES(mu_);
  // Wakes a TakeCompletions waiter.
  void Wake() EXCLUDES(mu_);
  // Roots started and not completed.
  size_t pending() const EXCLUDES(mu_);
  // Completions not yet taken.
  size_t undelivered() const EXCLUDES(mu_);

 private:
  struct Entry {
    uint64_t value;
    MessageId id;
    TimePoint started;
  };
  // Roots of one timeout bucket: an open-addressing hash table (linear probing, backward-shift
  // erase), one probe sequence in a flat array instead of a heap node per root.
  class Bucket {
   public:
    Entry* Find(uint64_t root);
    // Inserts `root`; false (and no change) if it is already there.
    bool Insert(uint64_t root, const Entry& e);
    void Erase(Entry* e);
    size_t size() const { return size_; }
    // Calls f(entry) for each root, then empties the bucket (keeping its capacity).
    template <class F>
    void Drain(F f);

   private:
    struct Slot {
      Entry entry;  // First: an Entry* from Find() is its Slot's address.
      uint64_t root;
      bool used;
    };
    size_t Home(uint64_t root) const {
      return static_cast<size_t>((root * 0x9e3779b97f4a7c15ULL) >> shift_);
    }
    void Grow();
    std::vector<Slot> slots_;
    size_t size_ = 0;
    int shift_ = 64;
  };
  // Finds `root` in any bucket; sets *bucket. nullptr if absent.
  Entry* Find(uint64_t root, Bucket** bucket) REQUIRES(mu_);
  void Complete(const Entry& e, bool acked, TimePoint now) REQUIRES(mu_);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Bucket> buckets_ GUARDED_BY(mu_) = std::deque<Bucket>(kBuckets);  // front: newest.
  size_t pending_ GUARDED_BY(mu_) = 0;
  // Mirrors of pending_ and completions_.size() for lock-free reads by the spout loop.
  std::atomic<size_t> pending_mirror_{0};
  std::atomic<size_t> undelivered_mirror_{0};
  std::vector<Completion> completions_ GUARDED_BY(mu_);
  bool woken_ GUARDED_BY(mu_) = false;
};

}  // namespace smartcar::topology
