// Entries for the memtable of sorted runs outside RocksDB (its unit test and fuzz target): the
// entry's shape RocksDB gives a memtable (varint32 length, then the key; no value here) and a
// bytewise comparator of such entries.
#pragma once

#include <rocksdb/memtablerep.h>
#include <rocksdb/slice.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/coding.h"

namespace smartcar::table::rocks {

inline std::string EncodeEntry(std::string_view key) {
  std::string out;
  PutVarint32(&out, static_cast<uint32_t>(key.size()));
  out.append(key);
  return out;
}

// The key of an entry EncodeEntry made (or RocksDB gave the memtable).
inline rocksdb::Slice DecodeEntry(const char* entry) {
  return rocksdb::GetLengthPrefixedSlice(entry);
}

class BytewiseEntries final : public rocksdb::MemTableRep::KeyComparator {
 public:
  int operator()(const char* a, const char* b) const override {
    return DecodeEntry(a).compare(DecodeEntry(b));
  }
  int operator()(const char* a, const rocksdb::Slice& b) const override {
    return DecodeEntry(a).compare(b);
  }
};

}  // namespace smartcar::table::rocks
