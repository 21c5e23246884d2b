// GroupTable: per-group state of one statement (or one open batch), keyed by the encoded
// GROUP BY values. Open addressing over a flat slot array, and the groups in one array in
// first-arrival order, each group's entry (key, event count, newest event) followed by its
// aggregate states: a lookup touches one slot and one contiguous entry, and iteration order is
// first-arrival order. Indexes (not pointers) stay valid until Erase or Clear.
//
// A group takes 48 bytes plus 16 per aggregate state (the shipped rule: 96), and 8 bytes per
// hash slot at a load of at most 4/5 (10-20 bytes per group).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "cep/functions/aggregate.h"
#include "cep/stored_event.h"

namespace smartcar::cep {

class GroupTable {
 public:
  // `aggs_per_group` states per group, zeroed when the group is added; the states at
  // `extra_slots` are of aggregates that UsesExtra, whose AggExtra the table frees.
  explicit GroupTable(size_t aggs_per_group = 0, std::vector<uint16_t> extra_slots = {});
  ~GroupTable();
  GroupTable(GroupTable&& other) noexcept;
  GroupTable& operator=(GroupTable&& other) noexcept;
  GroupTable(const GroupTable&) = delete;
  GroupTable& operator=(const GroupTable&) = delete;

  // REQUIRES: empty().
  void set_layout(size_t aggs_per_group, std::vector<uint16_t> extra_slots);

  // The index of the group for `key`, added (no events, zeroed aggregates) if absent.
  uint32_t FindOrAdd(std::string_view key, bool* inserted);
  // The index of the group for `key`, or -1.
  int64_t Find(std::string_view key) const;
  // Removes group `index`; the last group moves into its place.
  void Erase(uint32_t index);
  // Removes every group, keeping the arrays.
  void Clear();
  // Room for `groups` groups and 1/32 more, allocated at once. An empty table more than a
  // quarter larger than that shrinks, so a batch table reused for a fleet of steady size holds
  // what the fleet needs and allocates nothing.
  void Reserve(size_t groups);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view key(uint32_t i) const { return KeyView(entry(i)->key); }
  // Events in group i.
  int64_t count(uint32_t i) const { return entry(i)->count; }
  // Event `e` joins group i: counted, and kept as the group's newest event.
  void Add(uint32_t i, const StoredEvent& e);
  // An event leaves group i.
  void Remove(uint32_t i) { --entry(i)->count; }
  // Group i's newest event (its window time is not kept: 0). REQUIRES: count(i) > 0 once.
  StoredEvent Last(uint32_t i) const;
  AggState* aggs(uint32_t i) { return reinterpret_cast<AggState*>(at(i) + sizeof(Entry)); }
  const AggState* aggs(uint32_t i) const {
    return reinterpret_cast<const AggState*>(at(i) + sizeof(Entry));
  }
  // Approximate bytes held.
  size_t MemoryBytes() const;

 private:
  // A key of up to 11 bytes is held inline, bytes[11] its size; a longer one is a heap
  // std::string whose pointer is in bytes[0..7], bytes[11] = kHeapKey.
  struct Key {
    char bytes[12];
  };
  static constexpr unsigned char kHeapKey = 0xFF;
  struct Entry {
    Key key;
    uint32_t count;    // events in the group
    DriverEvent last;  // the newest event, when the stream carries driver events
  };
  static_assert(sizeof(Entry) == 48);
  struct Slot {
    uint32_t hash = 0;  // low 32 bits of the key's hash (the home slot's bits included)
    uint32_t index = kEmpty;
  };
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;

  static uint32_t Hash(std::string_view key);
  static std::string_view KeyView(const Key& k);
  static void SetKey(Key* k, std::string_view key);

  std::byte* at(uint32_t i) { return data_.get() + static_cast<size_t>(i) * stride_; }
  const std::byte* at(uint32_t i) const { return data_.get() + static_cast<size_t>(i) * stride_; }
  Entry* entry(uint32_t i) { return reinterpret_cast<Entry*>(at(i)); }
  const Entry* entry(uint32_t i) const { return reinterpret_cast<const Entry*>(at(i)); }
  size_t SlotOf(std::string_view key, uint32_t h) const;  // slot holding key, or empty slot
  void Rehash(size_t slots);                              // into `slots` slots (a power of two)
  void Reallocate(size_t groups);  // the entries' array, with room for `groups`
  void Free(uint32_t i);           // what group i owns: a heap key, extra aggregate states
  void FreeAll();

  size_t naggs_;
  std::vector<uint16_t> extra_slots_;
  size_t stride_;  // bytes per group: the entry and its aggregate states
  // Entries and aggregate states are trivially copyable (what they own is freed by Free), so
  // the array moves them with memcpy.
  std::unique_ptr<std::byte[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
  std::vector<Slot> slots_;  // size is a power of two (or 0)
  // A derived stream's rows: each group's newest row, by index (empty until a row arrives).
  std::vector<std::shared_ptr<const Row>> rows_;
};

}  // namespace smartcar::cep
