// OffsetTracker: per partition, the set of pending offsets and the next offset; the committable
// offset is the lowest pending one, or the next when none is pending.
#include "topology/offset_tracker.h"

#include <algorithm>

namespace smartcar::topology {

void OffsetTracker::Reset(int32_t partition, int64_t offset) {
  partitions_[partition] = Partition{offset, {}};
}

void OffsetTracker::Emitted(int32_t partition, int64_t offset) {
  auto [it, inserted] = partitions_.try_emplace(partition, Partition{offset, {}});
  Partition& p = it->second;
  if (offset < p.next && !p.pending.count(offset)) return;  // Already acked: a stale replay.
  p.pending.insert(offset);
  p.next = std::max(p.next, offset + 1);
}

void OffsetTracker::Acked(int32_t partition, int64_t offset) {
  auto it = partitions_.find(partition);
  if (it != partitions_.end()) it->second.pending.erase(offset);
}

std::optional<int64_t> OffsetTracker::Committable(int32_t partition) const {
  auto it = partitions_.find(partition);
  if (it == partitions_.end()) return std::nullopt;
  const Partition& p = it->second;
  return p.pending.empty() ? p.next : *p.pending.begin();
}

size_t OffsetTracker::Pending(int32_t partition) const {
  auto it = partitions_.find(partition);
  return it == partitions_.end() ? 0 : it->second.pending.size();
}

size_t OffsetTracker::TotalPending() const {
  size_t n = 0;
  for (const auto& [id, p] : partitions_) n += p.pending.size();
  return n;
}

}  // namespace smartcar::topology
