// GroupTable: per-group state of one statement (or one open batch), keyed by the encoded
// GROUP BY values. Open addressing over a flat slot array plus dense group and aggregate
// arrays in insertion order, so a lookup touches one slot and the group's contiguous state,
// and iteration order is first-arrival order. Indexes (not pointers) stay valid until Erase or
// Clear.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cep/functions/aggregate.h"
#include "cep/stored_event.h"

namespace smartcar::cep {

class GroupTable {
 public:
  struct Group {
    std::string key;
    StoredEvent last;   // the group's newest event
    int64_t count = 0;  // events currently in the group
  };

  explicit GroupTable(size_t aggs_per_group = 0) : naggs_(aggs_per_group) {}

  // The index of the group for `key`, added (with zeroed aggregates) if absent.
  uint32_t FindOrAdd(std::string_view key, bool* inserted);
  // The index of the group for `key`, or -1.
  int64_t Find(std::string_view key) const;
  // Removes group `index`; the last group moves into its place.
  void Erase(uint32_t index);
  // Removes every group, keeping the arrays' capacity.
  void Clear();
  // Makes room for `groups` groups at once (one allocation per array, no rehash until more).
  void Reserve(size_t groups);

  // REQUIRES: empty().
  void set_aggs_per_group(size_t n) { naggs_ = n; }

  size_t size() const { return groups_.size(); }
  bool empty() const { return groups_.empty(); }
  Group& group(uint32_t i) { return groups_[i]; }
  const Group& group(uint32_t i) const { return groups_[i]; }
  AggState* aggs(uint32_t i) { return aggs_.data() + static_cast<size_t>(i) * naggs_; }
  const AggState* aggs(uint32_t i) const { return aggs_.data() + static_cast<size_t>(i) * naggs_; }
  // Approximate bytes held.
  size_t MemoryBytes() const;

 private:
  struct Slot {
    uint32_t hash = 0;  // low 32 bits of the key's hash (the home slot's bits included)
    uint32_t index = kEmpty;
  };
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;

  static uint32_t Hash(std::string_view key);
  size_t SlotOf(std::string_view key, uint32_t h) const;  // slot holding key, or empty slot
  void Grow(size_t slots);  // rehash into `slots` slots (a power of two)

  size_t naggs_;
  std::vector<Slot> slots_;  // size is a power of two (or 0)
  std::vector<Group> groups_;
  std::vector<AggState> aggs_;
};

}  // namespace smartcar::cep
