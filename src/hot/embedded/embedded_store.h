// The embedded hot store: RocksDB in options.data_dir, no server needed (the default engine).
//
// Layout (one RocksDB database, default column family):
//   'm' + key                       -> type ('s' set | 'v' value) + fixed64 expire-at (ms, wall
//                                      clock, little endian) + the value for 'v'
//   's' + fixed32be(len key) + key + member -> ""   (one entry per set member)
// Expiry is enforced on every read (an expired key reads as absent); expired keys are removed
// lazily when a read or Keys() meets them, and all at once when the store opens.
#pragma once

#include <memory>

#include "hot/hot_store.h"

namespace smartcar::hot {

// Opens (creating if missing) the store in options.data_dir. IOError naming the folder when
// RocksDB cannot open it (e.g. another process holds its lock).
Result<std::unique_ptr<HotStore>> OpenEmbeddedStore(const HotOptions& options);

}  // namespace smartcar::hot
