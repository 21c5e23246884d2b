// Conversions between RocksDB's Status and Slice and ours, shared by the files of table/rocks/.
// Internal to table/rocks/.
#pragma once

#include <rocksdb/slice.h>
#include <rocksdb/status.h>

#include <string_view>

#include "core/status.h"

namespace smartcar::table::rocks {

// RocksDB's status as ours: NotFound, Corruption and InvalidArgument keep their code, the rest
// become IOError.
inline Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound(s.ToString());
  if (s.IsCorruption()) return Status::Corruption(s.ToString());
  if (s.IsInvalidArgument()) return Status::InvalidArgument(s.ToString());
  return Status::IOError(s.ToString());
}

// Views of the same bytes, no copy.
inline rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

}  // namespace smartcar::table::rocks
