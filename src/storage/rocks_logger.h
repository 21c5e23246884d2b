// RocksDB's info log for the embedded engines (durable log, table store, hot store): errors go
// to stderr as "rocksdb <name>: <message>"; nothing is written into the data folder. RocksDB's
// default file logger (DIR/LOG) writes on every flush and compaction and, on a full disk, trips an
// assertion inside Debian's librocksdb (abort, exit 134) the moment it reports the write error;
// with this logger a full disk is only the write error itself.
//
// The engines also open RocksDB with allow_fallocate = false: otherwise every new WAL reserves
// 1.1 x write_buffer_size (70 MB) at once, so a disk with less free space than that fails
// writes long before it is full, and the intake watermark (pipeline/session.h) would read
// space as free that RocksDB has already claimed. Debian's librocksdb keeps its assertions, and
// after a failed WAL write the next write to that WAL aborts the process: never reaching a
// full disk (the watermark) is the defence, not recovering from one.
#pragma once

#include <memory>
#include <string>

namespace rocksdb {
class Logger;
}

namespace smartcar::storage {

std::shared_ptr<rocksdb::Logger> NewStderrInfoLog(std::string name);

}  // namespace smartcar::storage
