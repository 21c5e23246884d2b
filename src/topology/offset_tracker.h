// OffsetTracker: which durable-log offset a spout may commit (Kafka-spout style).
//
// Per partition, offsets are marked emitted and later acked, in any order. The committable
// offset is the lowest offset not yet acked (or one past the highest emitted when all are):
// committing it says "everything below is processed", so after a crash the spout resumes there
// and replays only records that may not have been fully processed. A failed offset stays pending
// until the spout re-emits and acks it. Not thread-safe: owned by one spout task.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>

namespace smartcar::topology {

class OffsetTracker {
 public:
  // Starts (or restarts) `partition` at `offset`: the first offset the spout will read.
  void Reset(int32_t partition, int64_t offset);
  // `offset` was emitted. Offsets of a partition are emitted in increasing order, except that
  // replays may re-emit an offset that is still pending.
  void Emitted(int32_t partition, int64_t offset);
  // `offset` and everything derived from it was acked. Unknown offsets are ignored.
  void Acked(int32_t partition, int64_t offset);
  // The offset below which everything emitted is acked; nullopt for an unknown partition.
  std::optional<int64_t> Committable(int32_t partition) const;
  // Offsets emitted and not yet acked on `partition`.
  size_t Pending(int32_t partition) const;
  // Pending offsets over all partitions.
  size_t TotalPending() const;

 private:
  struct Partition {
    int64_t next = 0;           // One past the highest offset emitted (or the reset point).
    std::set<int64_t> pending;  // Emitted, not acked.
  };
  std::map<int32_t, Partition> partitions_;
};

}  // namespace smartcar::topology
