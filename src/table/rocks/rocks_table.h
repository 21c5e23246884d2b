// The RocksDB-backed Table (one RocksDB instance per table folder). Internal to table/.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "table/table.h"

namespace rocksdb {
class DB;
}

namespace smartcar::table::rocks {

class RocksPutBatch;

class RocksTable final : public Table, public std::enable_shared_from_this<RocksTable> {
 public:
  // Opens (creating if missing) the RocksDB folder `db_path` for `desc`. With `read_only`, opens
  // it as a RocksDB secondary instance (no lock, so another process may hold it for writing):
  // reads see the table as of the open; writes fail with InvalidArgument.
  static Result<std::shared_ptr<RocksTable>> Open(const std::string& db_path,
                                                  const TableDescriptor& desc,
                                                  bool read_only = false);
  RocksTable(std::shared_ptr<rocksdb::DB> db, TableDescriptor desc, bool read_only = false);
  ~RocksTable() override;

  const TableDescriptor& descriptor() const override { return desc_; }
  Status Apply(const WriteOptions& options, const Put& put) override;
  Status ApplyBatch(const WriteOptions& options, const std::vector<Put>& puts) override;
  std::unique_ptr<PutBatch> NewPutBatch() override;
  Status Write(const WriteOptions& options, PutBatch* batch) override;
  Status Remove(const WriteOptions& options, const Delete& del) override;
  Result<Row> Get(const GetSpec& spec) override;
  Result<std::unique_ptr<RowIterator>> Scan(const ScanSpec& spec) override;
  Result<uint64_t> Count(const ScanSpec& spec) override;

  // Per-region rows and bytes (read from the data) and writes since open.
  Result<std::vector<RegionStats>> RegionStatsNow();
  void SetSplitKeys(std::vector<std::string> keys);
  // Closes the engine; later calls fail with Aborted. Waits for no iterator.
  void Close(std::string_view why);

 private:
  std::shared_ptr<rocksdb::DB> db() const;
  Status Closed() const;
  // Counts a write of each of the batch's rows (region_writes_).
  void CountWrites(const RocksPutBatch& batch);

  Status ReadOnlyError() const;

  TableDescriptor desc_;
  const bool read_only_;
  mutable std::mutex db_mu_;
  std::shared_ptr<rocksdb::DB> db_;  // Null once closed.
  std::string closed_why_;
  std::shared_mutex write_mu_;  // Puts shared, read-modify-write deletes exclusive.
  std::mutex regions_mu_;
  std::vector<uint64_t> region_writes_;  // One per region of desc_.split_keys.
};

}  // namespace smartcar::table::rocks
