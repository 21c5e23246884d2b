// Warehouse: the pilot's HDFS + Hive batch path on one machine. Day-partitioned tables stored as
// Apache Parquet in Hive-style folders
// (`<data>/warehouse/<table>/wrk_date=<yyyyMMdd>/part-0.parquet`) and SQL over them through an
// embedded DuckDB (docs/WAREHOUSE.md).
//
// A Warehouse object is not thread-safe: use one per thread. Several processes may share one
// data folder: loads and drops of the same table are serialised by a lock file, and readers see
// each partition either before or after a load, never half of one (partitions are swapped in
// with one atomic rename).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace smartcar::warehouse {

// The status log's table: the 13 fields of the pilot's status log (Hive names) + `wrk_date`.
inline constexpr std::string_view kStatusTable = "SmartCar_Status_Info";

struct WarehouseOptions {
  // The data folder; the warehouse lives in `<data_dir>/warehouse/`. Created on first load.
  std::string data_dir = "smartcar-data";
  // DuckDB worker threads; 0 lets DuckDB pick (all cores). Fewer threads, less memory.
  int threads = 0;
  // DuckDB's memory limit, e.g. "2GB"; empty keeps DuckDB's default (80% of RAM).
  std::string memory_limit;
};

// What one load did. `rows + rejects + headers + blank == lines`.
struct LoadReport {
  std::string table;
  std::string date;              // yyyyMMdd of the partition.
  uint64_t lines = 0;            // Lines read from the file.
  uint64_t rows = 0;             // Rows stored in the partition.
  uint64_t headers = 0;          // Header lines recognised and skipped.
  uint64_t blank = 0;            // Empty lines skipped.
  uint64_t rejects = 0;          // Lines written to the dead-letter file instead.
  uint64_t input_bytes = 0;      // Size of the input file on disk.
  uint64_t parquet_bytes = 0;    // Size of the committed partition.
  std::string partition_path;    // The committed partition folder.
  std::string dead_letter_path;  // Where rejects went ("" when there were none).
  std::string first_reject;      // The first reject's message, for the report ("" if none).
};

struct LoadSpec {
  std::string table = std::string(kStatusTable);
  std::string date;  // yyyyMMdd: the partition to replace.
  std::string path;  // The input file (plain or .gz).
};

// One query's answer, all values rendered as text by DuckDB.
struct QueryResult {
  enum class Kind { kNumber, kBool, kText };
  std::vector<std::string> columns;
  std::vector<std::string> types;  // DuckDB type names, e.g. "BIGINT".
  std::vector<Kind> kinds;
  std::vector<std::vector<std::optional<std::string>>> rows;  // nullopt = NULL.
};

struct PartitionInfo {
  std::string date;  // yyyyMMdd.
  uint64_t rows = 0;
  uint64_t bytes = 0;  // Parquet bytes on disk.
  std::string path;
};

// A partition whose Parquet data DuckDB cannot read (Warehouse::CheckPartitions).
struct DamagedPartition {
  std::string table;
  std::string date;          // yyyyMMdd.
  std::string path;          // The partition folder.
  std::string error;         // DuckDB's message, naming the file.
  std::string set_aside_to;  // Where it was moved ("" when only checked).
};

enum class ReportPeriod { kDay, kWeek, kMonth, kYear };
std::string_view ReportPeriodName(ReportPeriod p);  // "day", "week", "month", "year"
Result<ReportPeriod> ParseReportPeriod(std::string_view name);

struct ReportOptions {
  ReportPeriod by = ReportPeriod::kDay;
  std::string from = "00000101";  // yyyyMMdd, inclusive, on wrk_date.
  std::string to = "99991231";    // yyyyMMdd, inclusive.
  int top_cars = 3;               // Cars listed per period, most faults first.
  // Where to write a copy: `.csv`, `.parquet` or `.html` (self-contained, inline SVG charts).
  // Empty: no copy. The report is always stored as table SmartCar_Status_Report_<period>.
  std::string out;
};

// The name of the table a report is stored as: "SmartCar_Status_Report_<period>".
std::string ReportTableName(ReportPeriod p);

// A read-only SQL view that another stage contributes (e.g. the table store's DriverCarInfo).
// `select_sql` is a SELECT DuckDB can run without extensions that need downloading, e.g. over a
// Parquet snapshot the provider wrote: "SELECT * FROM read_parquet('<file>')".
struct ViewDefinition {
  std::string name;
  std::string select_sql;
  // The DuckDB schema the view goes in ("" = main), created if needed: the Hive front end puts
  // its tables in `hive` so that they do not replace a warehouse table of the same name.
  std::string schema;
};
// Called each time a Warehouse refreshes its views, with the data folder.
using ViewProvider =
    std::function<Result<std::vector<ViewDefinition>>(const std::string& data_dir)>;
// Registers a provider under `name` (replacing one of the same name). Call before queries run,
// e.g. from main(). Thread-safe.
void RegisterViewProvider(const std::string& name, ViewProvider provider);

// Writes a Parquet snapshot of another store's rows for a ViewProvider to expose, replacing the
// previous one atomically (a query sees the old snapshot or the new one). The file is
// `<data_dir>/warehouse/_snapshots/<name>/part-0.parquet`; every column is VARCHAR (a wide-column
// store's cells are bytes); `next_row` fills *row with one value per column (nullopt = NULL) and
// returns false after the last row. Returns the view `name` over the snapshot. InvalidArgument
// for a bad name, no columns, or a row of the wrong width.
struct SnapshotSpec {
  std::string data_dir = "smartcar-data";
  std::string name;                  // The view's name, e.g. "DriverCarInfo".
  std::vector<std::string> columns;  // Column names, in order.
};
using SnapshotRowSource = std::function<bool(std::vector<std::optional<std::string>>* row)>;
Result<ViewDefinition> ExportSnapshot(const SnapshotSpec& spec, const SnapshotRowSource& next_row);

// A partition from a delimited text file written by another system (e.g. a database import):
// RFC 4180 CSV with `delimiter`, '"' quotes, no header, an unquoted empty field = NULL.
struct DelimitedLoadSpec {
  std::string table;  // Not a declared table (those load from logs).
  std::string date;   // yyyyMMdd: the partition to replace.
  std::string path;
  // (name, DuckDB type) of each field, in order, e.g. {"car_number", "VARCHAR"}.
  std::vector<std::pair<std::string, std::string>> columns;
  char delimiter = ',';
};

class Warehouse {
 public:
  // Opens an embedded DuckDB for `options.data_dir`. Nothing is written until a load.
  static Result<std::unique_ptr<Warehouse>> Open(const WarehouseOptions& options);
  virtual ~Warehouse() = default;

  // Parses `spec.path` with core's codecs and replaces partition `spec.date` of `spec.table`.
  // Rejected lines go to the dead-letter file (line number + reason). InvalidArgument for an
  // unknown table or bad date; IOError if the file cannot be read or the partition written. The
  // partition is committed atomically: a crash leaves the old one or the new one.
  virtual Result<LoadReport> Load(const LoadSpec& spec) = 0;

  // Replaces partition `spec.date` of `spec.table` with the file's rows, atomically. A value
  // that does not fit its column's type fails the load (nothing changes), naming line and column.
  // InvalidArgument for a declared table, a bad name, date or column list.
  virtual Result<LoadReport> LoadDelimited(const DelimitedLoadSpec& spec) = 0;

  // Stores the rows of `select_sql` (a SELECT over the warehouse's views) as partition `date` of
  // `table`, replacing it atomically: a derived table such as a day's analysis (the pilot's
  // `insert overwrite ... partition`). No rows: the partition is removed. InvalidArgument for a
  // declared table or a bad name or date; DuckDB's error for the query.
  virtual Result<LoadReport> StoreQuery(const std::string& table, const std::string& date,
                                        const std::string& select_sql) = 0;

  // Runs DuckDB SQL (several statements allowed; the last one's rows are returned) with every
  // warehouse table as a view. Errors carry DuckDB's message, with its `LINE n:` caret.
  virtual Result<QueryResult> Query(std::string_view sql) = 0;

  // Runs DuckDB SQL like Query() without refreshing the views first: for statements that read
  // no table (e.g. `SELECT json_serialize_sql(…)`) or that read the views Query() just made.
  virtual Result<QueryResult> QueryWithoutRefresh(std::string_view sql) = 0;

  // The table's partitions, oldest first. NotFound for a table with no folder.
  virtual Result<std::vector<PartitionInfo>> Partitions(std::string_view table) = 0;
  // Removes one partition atomically. NotFound if it does not exist.
  virtual Status DropPartition(std::string_view table, std::string_view date) = 0;
  // Tables with at least one partition, plus SmartCar_Status_Info, sorted.
  virtual Result<std::vector<std::string>> Tables() = 0;

  // Reads every value of every partition file (a footer-only count does not notice damage) and
  // returns the partitions DuckDB cannot read. `set_aside`: each of them is moved, under its
  // table's lock, to `<root>/_lost/<table>/` — queries no longer see it, and the day can be
  // loaded again. Query() runs the check (without moving) when DuckDB reports a damaged Parquet
  // file, and names the partitions in its error.
  virtual Result<std::vector<DamagedPartition>> CheckPartitions(bool set_aside) = 0;

  // Computes the status report, stores it as SmartCar_Status_Report_<period> (one partition per
  // period, named by the period's first day), writes `options.out` if set, returns the rows.
  virtual Result<QueryResult> StatusReport(const ReportOptions& options) = 0;

  // The data folder's warehouse root, `<data_dir>/warehouse`.
  virtual const std::string& root() const = 0;
};

// The spool sink: if `path`'s name is `SmartCarStatusInfo_<yyyyMMdd>.txt` (or `.txt.gz`), loads
// it as that day's SmartCar_Status_Info partition and, only after the partition is committed,
// renames the file to `<path>.COMPLETED`. InvalidArgument for any other name.
Result<LoadReport> LoadSpoolFile(Warehouse* warehouse, const std::string& path);

// True if `name` is a spool file LoadSpoolFile accepts; sets *date to its yyyyMMdd.
bool IsSpoolFileName(std::string_view name, std::string* date);

}  // namespace smartcar::warehouse
