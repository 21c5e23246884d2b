// BaseRocksOptions (with a WAL replay that never skips damage silently) and RepairRocksDb
// (RocksDB's RepairDB, reporting what it moved to lost/).
#include "storage/rocks_repair.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "storage/rocks_logger.h"

namespace smartcar::storage {
namespace {

std::set<std::string> LostFiles(const std::string& db_path) {
  std::set<std::string> files;
  std::error_code ec;
  const std::filesystem::path lost = std::filesystem::path(db_path) / "lost";
  if (!std::filesystem::is_directory(lost, ec)) return files;
  for (const auto& f : std::filesystem::recursive_directory_iterator(lost, ec)) {
    if (f.is_regular_file()) files.insert(std::filesystem::relative(f.path(), db_path).string());
  }
  return files;
}

}  // namespace

rocksdb::BlockBasedTableOptions BaseTableOptions() {
  static const std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(kBlockCacheBytes);
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  t.cache_index_and_filter_blocks = true;
  t.cache_index_and_filter_blocks_with_high_priority = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  // Partitioned: a file's index and filter are split into 4 KiB blocks under a small top level
  // (pinned), so a read loads the partitions it needs into the cache, not the file's whole index
  // and filter (hundreds of KiB each for a 64 MiB file; with whole blocks, ten days of data
  // thrashed the cache).
  t.index_type = rocksdb::BlockBasedTableOptions::IndexType::kTwoLevelIndexSearch;
  t.partition_filters = true;
  t.metadata_block_size = 4096;
  t.pin_top_level_index_and_filter = true;
  return t;
}

bool DirectIoSupported(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string probe = dir + "/.direct-io-probe";
  const int fd = ::open(probe.c_str(), O_CREAT | O_WRONLY | O_DIRECT | O_CLOEXEC, 0644);
  if (fd < 0) {
    ::unlink(probe.c_str());  // Some file systems create the file, then refuse O_DIRECT.
    return false;
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return true;
}

rocksdb::Options BaseRocksOptions(const std::string& name) {
  rocksdb::Options o;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(BaseTableOptions()));
  o.info_log = NewStderrInfoLog(name);  // No LOG file on the data disk.
  o.allow_fallocate = false;            // See rocks_logger.h: space used is space written.
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  return o;
}

std::string RepairHint() {
  return " (a file is damaged: `smartcar repair --data DIR` on this data folder rebuilds the "
         "store from what is readable and keeps the rest in lost/)";
}

Result<RepairResult> RepairRocksDb(const std::string& db_path, const std::string& name,
                                   const rocksdb::Options& base) {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(db_path) / "CURRENT", ec) &&
      !std::filesystem::exists(std::filesystem::path(db_path) / "IDENTITY", ec)) {
    return Err(Status::NotFound(name + ": no RocksDB database at '" + db_path + "'"));
  }
  const std::set<std::string> before = LostFiles(db_path);
  rocksdb::Options o = base;
  o.info_log = NewStderrInfoLog(name);
  o.allow_fallocate = false;
  const rocksdb::Status s = rocksdb::RepairDB(db_path, o);
  if (!s.ok()) {
    return Err(Status::IOError(name + ": repair of '" + db_path + "' failed: " + s.ToString()));
  }
  RepairResult r;
  for (const std::string& f : LostFiles(db_path)) {
    if (!before.count(f)) r.lost.push_back(f);
  }
  return r;
}

}  // namespace smartcar::storage
