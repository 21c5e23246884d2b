// GroupTable: linear probing over FNV-1a hashes (load factor at most 4/5) with backward-shift
// deletion; Erase moves the last group into the freed index so the array stays dense.
#include "cep/runtime/group_table.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>
#include <utility>

namespace smartcar::cep {

namespace {

// Hash slots for `groups` groups at a load of at most 4/5.
size_t SlotsFor(size_t groups) {
  size_t n = 16;
  while (n * 4 < groups * 5) n *= 2;
  return n;
}

}  // namespace

GroupTable::GroupTable(size_t aggs_per_group, std::vector<uint16_t> extra_slots)
    : naggs_(aggs_per_group),
      extra_slots_(std::move(extra_slots)),
      stride_(sizeof(Entry) + aggs_per_group * sizeof(AggState)) {}

GroupTable::~GroupTable() { FreeAll(); }

GroupTable::GroupTable(GroupTable&& other) noexcept
    : naggs_(other.naggs_),
      extra_slots_(std::move(other.extra_slots_)),
      stride_(other.stride_),
      data_(std::move(other.data_)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)),
      slots_(std::move(other.slots_)),
      rows_(std::move(other.rows_)) {}

GroupTable& GroupTable::operator=(GroupTable&& other) noexcept {
  if (this == &other) return *this;
  FreeAll();
  naggs_ = other.naggs_;
  extra_slots_ = std::move(other.extra_slots_);
  stride_ = other.stride_;
  data_ = std::move(other.data_);
  size_ = std::exchange(other.size_, 0);
  capacity_ = std::exchange(other.capacity_, 0);
  slots_ = std::move(other.slots_);
  rows_ = std::move(other.rows_);
  return *this;
}

void GroupTable::set_layout(size_t aggs_per_group, std::vector<uint16_t> extra_slots) {
  const size_t stride = sizeof(Entry) + aggs_per_group * sizeof(AggState);
  if (stride != stride_) {
    // The array's bytes hold a different number of groups now.
    data_.reset();
    capacity_ = 0;
  }
  naggs_ = aggs_per_group;
  extra_slots_ = std::move(extra_slots);
  stride_ = stride;
}

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

std::string_view GroupTable::KeyView(const Key& k) {
  const auto tag = static_cast<unsigned char>(k.bytes[11]);
  if (tag != kHeapKey) return {k.bytes, tag};
  const std::string* s;
  std::memcpy(&s, k.bytes, sizeof(s));
  return *s;
}

void GroupTable::SetKey(Key* k, std::string_view key) {
  if (key.size() < sizeof(k->bytes)) {
    std::memcpy(k->bytes, key.data(), key.size());
    k->bytes[11] = static_cast<char>(key.size());
    return;
  }
  const std::string* s = new std::string(key);  // freed by Free
  std::memcpy(k->bytes, &s, sizeof(s));
  k->bytes[11] = static_cast<char>(kHeapKey);
}

size_t GroupTable::SlotOf(std::string_view key, uint32_t h) const {
  const size_t mask = slots_.size() - 1;
  size_t i = static_cast<size_t>(h) & mask;
  while (true) {
    const Slot& s = slots_[i];
    if (s.index == kEmpty) return i;
    if (s.hash == h && KeyView(entry(s.index)->key) == key) return i;
    i = (i + 1) & mask;
  }
}

void GroupTable::Reallocate(size_t groups) {
  std::unique_ptr<std::byte[]> data = std::make_unique_for_overwrite<std::byte[]>(groups * stride_);
  if (size_ > 0) std::memcpy(data.get(), data_.get(), size_ * stride_);
  data_ = std::move(data);
  capacity_ = groups;
}

void GroupTable::Reserve(size_t groups) {
  const size_t want = std::max<size_t>(groups + groups / 32, 16);
  if (capacity_ < groups || (size_ == 0 && capacity_ > want + want / 4)) {
    Reallocate(std::max(want, size_));
  }
  const size_t slots = SlotsFor(std::max(groups, size_));
  if (slots > slots_.size() || (size_ == 0 && slots_.size() > 2 * slots)) Rehash(slots);
}

void GroupTable::Rehash(size_t n) {
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
  if ((size_ + 1) * 5 > slots_.size() * 4) Rehash(SlotsFor(size_ + 1));
  const uint32_t h = Hash(key);
  const size_t i = SlotOf(key, h);
  if (slots_[i].index != kEmpty) {
    *inserted = false;
    return slots_[i].index;
  }
  if (size_ == capacity_) Reallocate(std::max<size_t>(16, capacity_ * 2));
  const auto index = static_cast<uint32_t>(size_);
  slots_[i] = Slot{h, index};
  Entry* e = new (at(index)) Entry{};
  SetKey(&e->key, key);
  AggState* a = aggs(index);
  for (size_t k = 0; k < naggs_; ++k) new (a + k) AggState{};
  if (!rows_.empty()) rows_.emplace_back();
  ++size_;
  *inserted = true;
  return index;
}

int64_t GroupTable::Find(std::string_view key) const {
  if (slots_.empty()) return -1;
  const size_t i = SlotOf(key, Hash(key));
  return slots_[i].index == kEmpty ? -1 : static_cast<int64_t>(slots_[i].index);
}

void GroupTable::Add(uint32_t i, const StoredEvent& e) {
  Entry* g = entry(i);
  ++g->count;
  if (e.row != nullptr) {
    if (rows_.empty()) rows_.resize(size_);
    rows_[i] = e.row;
  } else {
    g->last = e.driver;
    if (!rows_.empty()) rows_[i].reset();
  }
}

StoredEvent GroupTable::Last(uint32_t i) const {
  StoredEvent e;
  if (!rows_.empty() && rows_[i] != nullptr) {
    e.row = rows_[i];
  } else {
    e.driver = entry(i)->last;
  }
  return e;
}

void GroupTable::Free(uint32_t i) {
  Entry* e = entry(i);
  if (static_cast<unsigned char>(e->key.bytes[11]) == kHeapKey) {
    const std::string* s;
    std::memcpy(&s, e->key.bytes, sizeof(s));
    delete s;
  }
  AggState* a = aggs(i);
  for (const uint16_t slot : extra_slots_) delete a[slot].x;
}

void GroupTable::FreeAll() {
  for (uint32_t i = 0; i < size_; ++i) Free(i);
  size_ = 0;
  rows_.clear();
}

void GroupTable::Erase(uint32_t index) {
  const size_t mask = slots_.size() - 1;
  // Remove the slot with backward-shift deletion (keeps probe chains intact).
  const std::string_view k = key(index);
  size_t i = SlotOf(k, Hash(k));
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
  Free(index);
  // Move the last group into `index`.
  const auto last = static_cast<uint32_t>(size_ - 1);
  if (index != last) {
    const std::string_view lk = key(last);
    slots_[SlotOf(lk, Hash(lk))].index = index;
    std::memcpy(at(index), at(last), stride_);
    if (!rows_.empty()) rows_[index] = std::move(rows_[last]);
  }
  if (!rows_.empty()) rows_.pop_back();
  --size_;
}

void GroupTable::Clear() {
  FreeAll();
  std::fill(slots_.begin(), slots_.end(), Slot{});
}

size_t GroupTable::MemoryBytes() const {
  size_t b = sizeof(*this) + capacity_ * stride_ + slots_.capacity() * sizeof(Slot) +
             rows_.capacity() * sizeof(rows_[0]);
  for (uint32_t i = 0; i < size_; ++i) {
    const Entry* e = entry(i);
    if (static_cast<unsigned char>(e->key.bytes[11]) == kHeapKey) b += KeyView(e->key).size() + 32;
    for (const uint16_t slot : extra_slots_) b += AggExtraBytes(aggs(i)[slot].x);
  }
  return b;
}

}  // namespace smartcar::cep
