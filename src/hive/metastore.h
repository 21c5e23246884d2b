// The metastore: every Hive table's definition and partitions, one JSON file per table under
// `<data>/warehouse/_metastore/<lower-case name>.json`, written atomically. Hive paths resolve
// inside the data folder's HDFS namespace, `<data>/hdfs/…` (where the collector's hdfs sink
// writes). Internal to src/hive/ (docs/HIVE.md describes the layout).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/file.h"
#include "core/status.h"
#include "hive/statement.h"

namespace smartcar::hive {

struct Partition {
  std::vector<std::string> values;  // One per partition column, in order.
  std::string location;             // Hive path; "" = `<table location>/k1=v1/k2=v2`.
};

struct StoredTable {
  TableDef def;
  std::vector<Partition> partitions;  // Sorted by values.
};

// Hive's name for a NULL or empty dynamic partition value.
inline constexpr std::string_view kDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

// The metastore's lock (core/file.h), held while a statement that changes tables runs, so that
// two `smartcar hive` processes adding partitions to one table do not lose one of the updates:
// `<data>/warehouse/_metastore/.lock`.
Result<FileLock> LockMetastore(const std::string& data_dir);

class Metastore {
 public:
  explicit Metastore(std::string data_dir);

  // Every table, sorted by lower-case name. A damaged file is an error naming it.
  Result<std::vector<StoredTable>> Tables() const;
  // The table named `name` (any case); nullopt if there is none.
  Result<std::optional<StoredTable>> Find(std::string_view name) const;
  Status Put(const StoredTable& table) const;
  Status Remove(std::string_view name) const;

  // A Hive path as a local path: "/a/b" and "hdfs://host:port/a/b" → `<data>/hdfs/a/b`,
  // "file:///x" → "/x".
  std::string Resolve(std::string_view hive_path) const;
  // The table's folder: its LOCATION, or `/user/hive/warehouse/<lower-case name>` (resolved).
  std::string TableFolder(const TableDef& table) const;
  // A partition's folder.
  std::string PartitionFolder(const StoredTable& table, const Partition& partition) const;
  // "k1=v1/k2=v2" with Hive's escaping of values (e.g. '/' → %2F).
  static std::string PartitionPath(const TableDef& table, const std::vector<std::string>& values);
  // Parses one "k=v" folder name (unescaping the value); false if it is not one for `key`.
  static bool ParsePartitionFolder(std::string_view folder, std::string_view key,
                                   std::string* value);

  const std::string& data_dir() const { return data_dir_; }

 private:
  std::string FilePath(std::string_view name) const;
  std::string data_dir_;
};

}  // namespace smartcar::hive
