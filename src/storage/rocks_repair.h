// What every embedded engine's RocksDB (durable log, table store, hot store) does about damage:
// how its write-ahead log is replayed after a crash, and how a damaged database is repaired
// (`smartcar repair`).
//
// Replay: a crash may leave the last WAL record half written; it was never acknowledged, so it
// is dropped (kTolerateCorruptedTailRecords). A record damaged anywhere else (a bad disk, a
// stray write) is not skipped: RocksDB's default, kPointInTimeRecovery, would stop there and
// silently drop every later record. Opening fails instead with Corruption naming the file, and
// the message says to run `smartcar repair`.
//
// Repair: RocksDB's RepairDB rebuilds the database from the files present: it replays each WAL
// skipping only the damaged records, keeps every readable entry of each table file, and moves the
// files it replaced or could not read into `<db>/lost/`. What was in damaged records is lost;
// everything else is kept.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace rocksdb {
struct BlockBasedTableOptions;
struct Options;
}  // namespace rocksdb

namespace smartcar::storage {

// The options every embedded engine opens (and repairs) its RocksDB with, before its own tuning:
// the info log to stderr as `name` (storage/rocks_logger.h), no WAL preallocation, the WAL
// replay described above, and block-based tables as BaseTableOptions().
rocksdb::Options BaseRocksOptions(const std::string& name);

// Whether files in `dir` (created if missing) can be opened with O_DIRECT. tmpfs before Linux 6.6
// and some FUSE file systems refuse it, and a RocksDB told to flush and compact with direct I/O
// there fails every flush; an engine asks before it sets use_direct_io_for_flush_and_compaction.
bool DirectIoSupported(const std::string& dir);

// The table format every store starts from: data blocks, index and filter blocks all in one
// block cache shared by every RocksDB of the process (kBlockCacheBytes), so the memory they take
// is bounded however much data the stores hold. Without it each open table file keeps its index
// and filter in memory outside any cache: ~20 bytes per row of DriverCarInfo, +170 MiB over ten
// days of 100 cars. The newest (level-0) files keep theirs pinned (not a table's: see
// table/rocks/rocks_table.cc).
rocksdb::BlockBasedTableOptions BaseTableOptions();
inline constexpr size_t kBlockCacheBytes = 32 << 20;

// The hint an engine appends to an open error that is a Corruption (RocksDB's message names the
// damaged file): " (a file is damaged: `smartcar repair --data DIR` ...)".
std::string RepairHint();

struct RepairResult {
  std::vector<std::string> lost;  // Files now in <db>/lost/ (relative names).
};

// Repairs the database at `db_path` (`name` for messages: "table DriverCarInfo") with the
// options its engine opens it with (`base`: at least its merge operator, or merge entries cannot
// be rebuilt and RepairDB drops them). The database must be closed; IOError when a process holds
// it (its lock) or RepairDB fails.
Result<RepairResult> RepairRocksDb(const std::string& db_path, const std::string& name,
                                   const rocksdb::Options& base);

}  // namespace smartcar::storage
