// The Hive front end: the pilot's HiveQL (wikibook/bigdata2nd, CH06/CH07) runs unchanged on the
// warehouse's embedded DuckDB (docs/HIVE.md). Tables, partitions and locations live in a
// metastore in the data folder; table data lives under `<data>/hdfs/…`, where the collector's
// hdfs sink writes, in Hive's own layouts (text files with `\N` for NULL, or Parquet).
//
//   auto session = hive::Session::Open({.data_dir = "smartcar-data"});
//   (*session)->RunScript("select * from SmartCar_Status_Info limit 5", print);
//
// A Session is not thread-safe. Several processes may share a data folder, as several Hive CLIs
// share a metastore: each statement's metastore update is atomic, nothing more.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "warehouse/warehouse.h"

namespace smartcar::hive {

struct Options {
  std::string data_dir = "smartcar-data";
  std::map<std::string, std::string> hivevar;   // --hivevar / --define / -d k=v.
  std::map<std::string, std::string> hiveconf;  // --hiveconf k=v (settings, ${hiveconf:k}).
};

// What one statement did.
struct Output {
  int line = 1;           // The script line where the statement begins.
  bool has_rows = false;  // A query, SHOW or DESCRIBE: `rows` holds the answer.
  warehouse::QueryResult rows;
  std::vector<std::string> messages;  // What Hive's CLI prints on stderr ("Loading data to…").
};

class Session {
 public:
  static Result<std::unique_ptr<Session>> Open(const Options& options);
  virtual ~Session() = default;

  // Runs the statements of `script` in order (variables substituted, `set` applied as it comes),
  // calling `out` after each. Stops at the first failing statement, as `hive -f` does, and
  // returns its error, which says where: "line 3:14 not supported: CLUSTERED BY".
  virtual Status RunScript(std::string_view script,
                           const std::function<void(const Output&)>& out) = 0;

  // hive.cli.print.header (set with `set hive.cli.print.header=true;`).
  virtual bool PrintHeader() const = 0;
};

// Makes every metastore table a read-only view in the `hive` schema of each Warehouse's DuckDB
// (`SELECT * FROM hive.smartcar_status_info` in `smartcar sql`). Call before queries run.
void RegisterHiveViews();

// One partition of a Hive table as `smartcar warehouse partitions --hive` lists it.
struct PartitionSummary {
  std::string name;    // "k1=v1/k2=v2"; "" for an unpartitioned table's one folder.
  uint64_t files = 0;  // Data files (hidden and in-use files left out, as queries do).
  uint64_t bytes = 0;
  std::string folder;  // Local path.
};
// The partitions of Hive table `table` in the metastore of `data_dir`, in order. NotFound when
// there is no such table; an HBase-handler table has none.
Result<std::vector<PartitionSummary>> ListPartitions(const std::string& data_dir,
                                                     const std::string& table);

// Rows as Hive's CLI prints them: fields separated by a tab, NULL as "NULL", the column names
// first when `header`.
std::string FormatRows(const warehouse::QueryResult& rows, bool header);

}  // namespace smartcar::hive
