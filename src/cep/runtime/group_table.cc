// GroupTable: linear probing over FNV-1a hashes (load factor at most 1/2) with backward-shift
// deletion; Erase moves the last group into the freed index so the arrays stay dense.
#include "cep/runtime/group_table.h"

#include <cstring>

namespace smartcar::cep {

uint32_t GroupTable::Hash(std::string_view key) {
  // FNV-1a, then a final mix so the low bits (the slot) depend on every byte.
  uint64_t h = 1469598103934665603ULL;
  for (const char c : key) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return static_cast<uint32_t>(h);
}

size_t GroupTable::SlotOf(std::string_view key, uint32_t h) const {
  const size_t mask = slots_.size() - 1;
  size_t i = static_cast<size_t>(h) & mask;
  while (true) {
    const Slot& s = slots_[i];
    if (s.index == kEmpty) return i;
    if (s.hash == h && groups_[s.index].key == key) return i;
    i = (i + 1) & mask;
  }
}

void GroupTable::Reserve(size_t groups) {
  groups_.reserve(groups);
  aggs_.reserve(groups * naggs_);
  size_t n = slots_.empty() ? 16 : slots_.size();
  while (n < groups * 2) n *= 2;
  if (n > slots_.size()) Grow(n);
}

void GroupTable::Grow(size_t n) {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(n, Slot{});
  for (const Slot& s : old) {
    if (s.index == kEmpty) continue;
    size_t i = static_cast<size_t>(s.hash) & (n - 1);
    while (slots_[i].index != kEmpty) i = (i + 1) & (n - 1);
    slots_[i] = s;
  }
}

uint32_t GroupTable::FindOrAdd(std::string_view key, bool* inserted) {
  if ((groups_.size() + 1) * 2 > slots_.size()) {  // load factor ≤ 1/2
    Grow(slots_.empty() ? 16 : slots_.size() * 2);
  }
  const uint32_t h = Hash(key);
  const size_t i = SlotOf(key, h);
  if (slots_[i].index != kEmpty) {
    *inserted = false;
    return slots_[i].index;
  }
  const uint32_t index = static_cast<uint32_t>(groups_.size());
  slots_[i] = Slot{h, index};
  groups_.emplace_back();
  groups_.back().key.assign(key.data(), key.size());
  aggs_.resize(aggs_.size() + naggs_);
  *inserted = true;
  return index;
}

int64_t GroupTable::Find(std::string_view key) const {
  if (slots_.empty()) return -1;
  const size_t i = SlotOf(key, Hash(key));
  return slots_[i].index == kEmpty ? -1 : static_cast<int64_t>(slots_[i].index);
}

void GroupTable::Erase(uint32_t index) {
  const size_t mask = slots_.size() - 1;
  // Remove the slot with backward-shift deletion (keeps probe chains intact).
  size_t i = SlotOf(groups_[index].key, Hash(groups_[index].key));
  size_t j = i;
  while (true) {
    j = (j + 1) & mask;
    if (slots_[j].index == kEmpty) break;
    const size_t home = static_cast<size_t>(slots_[j].hash) & mask;
    // Move j into the hole at i if its home is not in the cyclic range (i, j].
    const bool in_range = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!in_range) {
      slots_[i] = slots_[j];
      i = j;
    }
  }
  slots_[i] = Slot{};
  // Move the last group into `index`.
  const uint32_t last = static_cast<uint32_t>(groups_.size() - 1);
  if (index != last) {
    const size_t s = SlotOf(groups_[last].key, Hash(groups_[last].key));
    slots_[s].index = index;
    groups_[index] = std::move(groups_[last]);
    for (size_t k = 0; k < naggs_; ++k) {
      aggs_[index * naggs_ + k] = std::move(aggs_[last * naggs_ + k]);
    }
  }
  groups_.pop_back();
  aggs_.resize(aggs_.size() - naggs_);
}

void GroupTable::Clear() {
  groups_.clear();
  aggs_.clear();
  std::fill(slots_.begin(), slots_.end(), Slot{});
}

size_t GroupTable::MemoryBytes() const {
  size_t b = sizeof(*this) + slots_.capacity() * sizeof(Slot) + groups_.capacity() * sizeof(Group) +
             aggs_.capacity() * sizeof(AggState);
  for (const Group& g : groups_) {
    if (g.key.size() > 15) b += g.key.capacity();
  }
  for (const AggState& a : aggs_) b += AggExtraBytes(a);
  return b;
}

}  // namespace smartcar::cep
