// PartitionStore: the on-disk layout of the warehouse and its atomic partition commits.
//
//   <root>/<table>/wrk_date=<yyyyMMdd>/part-0.parquet   a committed partition
//   <root>/_staging/<table>.<date>.<pid>.<n>/           a partition being written
//   <root>/_rejects/<table>/wrk_date=<yyyyMMdd>.txt     dead-letter lines of the last load
//   <root>/_locks/<table>.lock                          serialises writers of one table
//   <root>/_lost/<table>/wrk_date=<yyyyMMdd>[.<n>]/     damaged partitions set aside by repair
//
// Names starting with `_` are ignored by Hive, Spark and Trino, and by our views. A commit swaps
// the staged folder with the live one in one renameat2(RENAME_EXCHANGE), so readers and crashes
// see the old partition or the new one; the old one is then deleted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/file.h"
#include "core/status.h"

namespace smartcar::warehouse {

// Table names: a letter then letters, digits or `_` (at most 128). InvalidArgument otherwise.
Status ValidateTableName(std::string_view table);
// Dates: 8 digits naming a real day. InvalidArgument otherwise.
Status ValidateDate(std::string_view date);

class PartitionStore {
 public:
  explicit PartitionStore(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string TableDir(std::string_view table) const;
  std::string PartitionDir(std::string_view table, std::string_view date) const;
  // The glob of every partition file of `table`, for read_parquet().
  std::string Glob(std::string_view table) const;
  std::string RejectsPath(std::string_view table, std::string_view date) const;

  // Creates a fresh, empty staging folder for `table`.
  Result<std::string> NewStagingDir(std::string_view table, std::string_view date);
  // Removes staging folders of `table` that crashed writers left. REQUIRES: the table lock.
  void CleanStaging(std::string_view table);
  // Makes the folder `staged` partition `date` of `table` (fsyncing it first) atomically,
  // replacing any old partition. REQUIRES: the table lock.
  Status Commit(std::string_view table, std::string_view date, const std::string& staged);
  // Removes partition `date` atomically. NotFound if absent. REQUIRES: the table lock.
  Status Drop(std::string_view table, std::string_view date);
  // Moves partition `date` to `<root>/_lost/<table>/` (a free name) and returns where it went.
  // NotFound if absent. REQUIRES: the table lock.
  Result<std::string> SetAside(std::string_view table, std::string_view date);
  // The Parquet files of partition `date`, sorted.
  std::vector<std::string> Files(std::string_view table, std::string_view date) const;

  // yyyyMMdd of each committed partition of `table`, sorted. Empty if the table has no folder.
  std::vector<std::string> ListDates(std::string_view table) const;
  // Tables with a folder under root, sorted.
  std::vector<std::string> ListTables() const;

 private:
  std::string root_;
};

// The exclusive lock of `table`'s loads and drops: `<root>/_locks/<table>.lock`.
Result<FileLock> LockTable(const std::string& root, std::string_view table);

}  // namespace smartcar::warehouse
