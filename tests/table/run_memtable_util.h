// Entries for the memtable of sorted runs outside RocksDB (its unit test and fuzz target): the
// entry's shape RocksDB gives a memtable (varint32 length, then the key; no value here) and a
// bytewise comparator of such entries.
#pragma once

#include <rocksdb/memtablerep.h>
#include <rocksdb/slice.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace smartcar::table::rocks {

inline std::string EncodeEntry(std::string_view key) {
  std::string out;
  uint32_t n = static_cast<uint32_t>(key.size());
  while (n >= 0x80) {
    out.push_back(static_cast<char>(n | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
  out.append(key);
  return out;
}

inline rocksdb::Slice DecodeEntry(const char* entry) {
  uint32_t n = 0;
  int shift = 0;
  while (static_cast<unsigned char>(*entry) & 0x80) {
    n |= (static_cast<unsigned char>(*entry++) & 0x7fu) << shift;
    shift += 7;
  }
  n |= static_cast<uint32_t>(static_cast<unsigned char>(*entry++)) << shift;
  return {entry, n};
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
