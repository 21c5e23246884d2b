// Hive tables as DuckDB views: text files through read_csv with Hive's text semantics, Parquet
// through read_parquet, HBase-handler tables over the table store's snapshot. Internal.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "hive/metastore.h"

namespace smartcar::hive {

// The data files of a folder as Hive reads them: regular files, not hidden ('.' or '_' first),
// not in use (the hdfs sink's `.tmp`), sorted. None for a missing folder.
std::vector<std::string> DataFiles(const std::string& folder);

// The SELECT that reads `table`: its columns (typed), then its partition columns.
Result<std::string> TableSql(const Metastore& metastore, const StoredTable& table);

}  // namespace smartcar::hive
