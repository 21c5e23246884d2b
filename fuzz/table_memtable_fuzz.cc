// libFuzzer target for the table's memtable of sorted runs (table/rocks/run_memtable.h): the
// bytes are a program of inserts (batches sorted or as given, so runs of every length, merges and
// array growth) and reads (Seek, SeekForPrev, Next, Prev, direction changes, Contains), each read
// checked against a std::set of the same keys.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "table/rocks/run_memtable.h"
#include "table/run_memtable_util.h"

namespace rocks = smartcar::table::rocks;

namespace {

struct Input {
  const uint8_t* p;
  const uint8_t* end;
  bool empty() const { return p == end; }
  uint8_t Byte() { return p == end ? 0 : *p++; }
};

// A key from one or two bytes, made unique by a serial number (RocksDB's keys carry theirs).
std::string NewKey(Input* in, uint32_t serial) {
  std::string k(1 + in->Byte() % 2, '\0');
  for (char& c : k) c = static_cast<char>(in->Byte() % 16);
  for (int s = 24; s >= 0; s -= 8) k.push_back(static_cast<char>(serial >> s));
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in{data, data + size};
  rocks::BytewiseEntries compare;
  std::unique_ptr<rocksdb::MemTableRep> rep = rocks::NewSortedRunsMemTable(compare, nullptr);
  std::deque<std::string> entries;
  std::set<std::string> model;
  uint32_t serial = 0;
  std::unique_ptr<rocksdb::MemTableRep::Iterator> it;
  std::set<std::string>::const_iterator at;  // Where `it` should be, when it is valid.
  std::set<std::string> seen;                // What `it` was made over.
  auto check = [&](bool valid) {
    if (it->Valid() != valid) __builtin_trap();
    if (valid && rocks::DecodeEntry(it->key()).ToString() != *at) __builtin_trap();
  };
  while (!in.empty()) {
    switch (in.Byte() % 8) {
      case 0:
      case 1: {  // A batch of 1 to 64 keys, sorted or not.
        const bool sorted = in.Byte() % 2 == 0;
        std::vector<std::string> batch(1 + in.Byte() % 64);
        for (std::string& k : batch) k = NewKey(&in, serial++);
        if (sorted) std::sort(batch.begin(), batch.end());
        for (const std::string& k : batch) {
          entries.push_back(rocks::EncodeEntry(k));
          rep->Insert(entries.back().data());
          model.insert(k);
        }
        break;
      }
      case 2: {  // A new iterator over what is there now, at a Seek or SeekForPrev.
        it.reset(rep->GetIterator(nullptr));
        seen = model;
        const std::string target = NewKey(&in, in.Byte() << 16);
        const std::string entry = rocks::EncodeEntry(target);
        const char* memtable_key = in.Byte() % 2 ? entry.data() : nullptr;
        if (in.Byte() % 2) {
          it->Seek(target, memtable_key);
          at = seen.lower_bound(target);
          check(at != seen.end());
        } else {
          it->SeekForPrev(target, memtable_key);
          at = seen.upper_bound(target);
          const bool valid = at != seen.begin();
          if (valid) --at;
          check(valid);
        }
        if (!it->Valid()) it.reset();
        break;
      }
      case 3:
      case 4: {  // Next (what was inserted since the iterator began stays unseen).
        if (!it) break;
        it->Next();
        ++at;
        check(at != seen.end());
        if (!it->Valid()) it.reset();
        break;
      }
      case 5: {  // Prev.
        if (!it) break;
        it->Prev();
        const bool valid = at != seen.begin();
        if (valid) --at;
        check(valid);
        if (!it->Valid()) it.reset();
        break;
      }
      case 6: {  // Both ends.
        std::unique_ptr<rocksdb::MemTableRep::Iterator> ends(rep->GetIterator(nullptr));
        ends->SeekToFirst();
        if (ends->Valid() != !model.empty()) __builtin_trap();
        if (ends->Valid() && rocks::DecodeEntry(ends->key()).ToString() != *model.begin()) {
          __builtin_trap();
        }
        ends->SeekToLast();
        if (ends->Valid() != !model.empty()) __builtin_trap();
        if (ends->Valid() && rocks::DecodeEntry(ends->key()).ToString() != *model.rbegin()) {
          __builtin_trap();
        }
        break;
      }
      case 7: {  // Contains, of a key that is there and of one that is not.
        const std::string k = NewKey(&in, in.Byte());
        const bool there = model.count(k) > 0;
        if (rep->Contains(rocks::EncodeEntry(k).data()) != there) __builtin_trap();
        break;
      }
    }
  }
  // Everything, both ways.
  std::unique_ptr<rocksdb::MemTableRep::Iterator> all(rep->GetIterator(nullptr));
  auto m = model.begin();
  for (all->SeekToFirst(); all->Valid(); all->Next(), ++m) {
    if (m == model.end() || rocks::DecodeEntry(all->key()).ToString() != *m) __builtin_trap();
  }
  if (m != model.end()) __builtin_trap();
  auto r = model.rbegin();
  for (all->SeekToLast(); all->Valid(); all->Prev(), ++r) {
    if (r == model.rend() || rocks::DecodeEntry(all->key()).ToString() != *r) __builtin_trap();
  }
  if (r != model.rend()) __builtin_trap();
  return 0;
}
