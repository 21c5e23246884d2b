// The wide-column table store: HBase's data model (tables, column families, rows sorted by key,
// cells with versions) on an embedded engine (RocksDB, hidden in table/rocks/).
//
// Shape follows leveldb/db.h: a TableStore (HBase's Admin + Connection) opened on a data folder
// hands out Table handles; Table::Scan returns a RowIterator. Everything returns Status/Result.
//
//   auto store = TableStore::Open({.data_dir = "data"});
//   (*store)->CreateTable({.name = "DriverCarInfo", .families = {{.name = "cf1"}}});
//   auto t = (*store)->OpenTable("DriverCarInfo");
//   Put p("00016062402202-O0010");
//   p.Add("cf1", "speed", "81");
//   (*t)->Put({}, p);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "storage/rocks_repair.h"
#include "table/cell.h"

namespace smartcar::table {

// ---------------------------------------------------------------- schema

// A column family's options (HBase's ColumnFamilyDescriptor).
struct FamilyOptions {
  std::string name;
  // Versions kept per column (HBase VERSIONS). Reads never return more. Default 1.
  int max_versions = 1;
  // Cells older than this many seconds are invisible and dropped at compaction. 0 = FOREVER.
  int64_t ttl_seconds = 0;
};

// What CreateTable needs (HBase's TableDescriptor plus pre-split keys).
struct TableDescriptor {
  std::string name;
  std::vector<FamilyOptions> families;
  // Region boundaries, sorted, distinct, non-empty: N keys make N + 1 regions.
  std::vector<std::string> split_keys;
};

// One region: rows in [start_key, end_key) ("" = unbounded), with its size now and the writes
// it took since the store was opened (hot spots show here).
struct RegionStats {
  std::string start_key;
  std::string end_key;
  uint64_t rows = 0;
  uint64_t bytes = 0;   // Bytes of keys and values stored in the region.
  uint64_t writes = 0;  // Rows written into the region since open.
};

// What Describe returns.
struct TableDescription {
  TableDescriptor descriptor;
  bool enabled = true;
  std::vector<RegionStats> regions;
};

// ---------------------------------------------------------------- operations

// Options for one write (leveldb::WriteOptions).
struct WriteOptions {
  // fsync the write-ahead log before returning. Off by default: a process crash never loses an
  // acknowledged write (the WAL is in the OS cache); a machine crash may lose the last ones.
  bool sync = false;
  // Each put replaces what earlier puts wrote to its row and family at the same timestamp,
  // instead of joining it as HBase's puts do (cells of other qualifiers at that timestamp are
  // gone; versions at other timestamps stay). Cheaper to flush and compact (a RocksDB Put instead
  // of a Merge: a pilot day's run took 0.92 of the CPU). For a writer whose puts always carry the
  // whole row, stamped with the row's own event time, so that a rewrite is a replay of the same
  // cells: the pipeline's DriverCarInfo rows.
  bool replace = false;
};

// A Put: cells of one row applied atomically (HBase's Put).
struct Put {
  explicit Put(std::string row_key) : row(std::move(row_key)) {}
  // Adds a cell. `timestamp` kLatestTimestamp means "now" (the store's clock).
  Put& Add(std::string family, std::string qualifier, std::string value,
           int64_t timestamp = kLatestTimestamp) {
    cells.push_back({std::move(family), std::move(qualifier), timestamp, std::move(value)});
    return *this;
  }
  std::string row;
  std::vector<Cell> cells;
};

// A Delete (HBase's Delete): a whole row, a family of a row, every version of a column up to a
// timestamp, or one exact version.
struct Delete {
  enum class Scope { kRow, kFamily, kColumn, kVersion };
  std::string row;
  Scope scope = Scope::kRow;
  std::string family;     // kFamily, kColumn, kVersion.
  std::string qualifier;  // kColumn, kVersion.
  // kColumn/kRow/kFamily: versions with timestamp <= this go; kVersion: exactly this one.
  int64_t timestamp = kLatestTimestamp;
};

// A column selection: a whole family (`qualifier` empty and `whole_family`) or one column.
struct ColumnRef {
  std::string family;
  std::string qualifier;
  bool whole_family = false;
  // Parses "cf" (whole family) or "cf:qualifier".
  static ColumnRef Parse(std::string_view text);
};

// Timestamps in [min, max), as HBase's TimeRange.
struct TimeRange {
  int64_t min = 0;
  int64_t max = kLatestTimestamp;
};

// What Get reads (HBase's Get).
struct GetSpec {
  std::string row;
  std::vector<ColumnRef> columns;  // Empty = every family.
  int max_versions = 1;            // Capped by each family's VERSIONS.
  TimeRange time_range;
  std::string filter;  // HBase filter language, e.g. "ValueFilter(=,'binary:81')". Empty = none.
};

// What Scan reads (HBase's Scan).
struct ScanSpec {
  std::string start_row;  // Inclusive; "" = first row (last row when reversed).
  std::string stop_row;   // Exclusive; "" = past the last row (before the first when reversed).
  bool reversed = false;  // Highest key first; then start_row >= stop_row.
  std::vector<ColumnRef> columns;  // Empty = every family.
  int max_versions = 1;
  TimeRange time_range;
  int64_t limit = -1;  // At most this many rows; -1 = all.
  // At most this many cells per returned Row; a wider row comes back as several Rows with the
  // same key (HBase setBatch). 0 = whole rows.
  int batch = 0;
  // Rows read ahead per engine round trip (HBase setCaching). A hint; results do not change.
  int caching = 100;
  std::string filter;  // HBase filter language. Empty = none.
};

// Iterates rows in scan order (leveldb::Iterator shape). Not thread-safe. Must not outlive the
// Table that made it.
class RowIterator {
 public:
  virtual ~RowIterator() = default;
  // True while positioned on a row.
  virtual bool Valid() const = 0;
  // Moves to the next row. REQUIRES: Valid().
  virtual void Next() = 0;
  // The current row. REQUIRES: Valid(). Valid until Next() or destruction.
  virtual const Row& row() const = 0;
  // OK, or the engine error that ended the scan early.
  virtual Status status() const = 0;
};

// Puts checked and encoded as they are added, then written as one atomic batch by Table::Write:
// a writer that fills one Put at a time (the pipeline's table bolt) keeps no cells around, only
// their encoding (~100 bytes a driving row), made while the cells are still in the cache. Made
// by Table::NewPutBatch and written by that table only. Not thread-safe.
class PutBatch {
 public:
  virtual ~PutBatch() = default;
  // Adds `put`. InvalidArgument (an empty row key, no cells, an unknown family, a negative
  // timestamp) leaves the batch as it was. kLatestTimestamp is the clock when it is added.
  virtual Status Add(const Put& put) = 0;
  // Puts added since the batch was made or cleared.
  virtual size_t size() const = 0;
  virtual void Clear() = 0;
};

// A table handle. Safe for concurrent use by many threads. Handles stay usable after the table
// is disabled or dropped, but then every call fails with Aborted.
class Table {
 public:
  virtual ~Table() = default;
  virtual const TableDescriptor& descriptor() const = 0;

  // Applies every cell of `put` atomically. Other columns of the row stay as they are.
  // InvalidArgument for an empty row key, no cells, or an unknown family.
  virtual Status Apply(const WriteOptions& options, const Put& put) = 0;
  // Applies many puts as one atomic batch (a RocksDB WriteBatch): the fast path for loading.
  virtual Status ApplyBatch(const WriteOptions& options, const std::vector<Put>& puts) = 0;
  // An empty batch for Write.
  virtual std::unique_ptr<PutBatch> NewPutBatch() = 0;
  // Writes every put of `batch` atomically, as ApplyBatch would; `batch` keeps them (Clear it to
  // reuse it). InvalidArgument for a batch another table made.
  virtual Status Write(const WriteOptions& options, PutBatch* batch) = 0;
  // Deletes what `del` names. Deleting something absent is OK.
  virtual Status Remove(const WriteOptions& options, const Delete& del) = 0;

  // The row as `spec` selects it; an absent row gives a Row with no cells.
  // InvalidArgument for a bad filter string or an unknown family.
  virtual Result<Row> Get(const GetSpec& spec) = 0;
  // An iterator over the rows `spec` selects. InvalidArgument for a bad filter or family.
  virtual Result<std::unique_ptr<RowIterator>> Scan(const ScanSpec& spec) = 0;
  // Number of rows `spec` selects (HBase count uses FirstKeyOnlyFilter; so do we when no
  // filter is given).
  virtual Result<uint64_t> Count(const ScanSpec& spec) = 0;
};

// Options for opening a store.
struct StoreOptions {
  // The data folder. Tables live under <data_dir>/table/<name>/.
  std::string data_dir = "data";
  // Read-only: tables open as RocksDB secondary instances, which take no lock, so another process
  // (`smartcar run`) may be writing them. Each table reads as of the moment it was opened.
  // Writes and every schema change fail with InvalidArgument.
  bool read_only = false;
};

// The set of tables in a data folder (HBase's Admin). Safe for concurrent use. Tables stay open
// while the store lives.
class TableStore {
 public:
  // Opens (creating the folders if needed) the store in options.data_dir.
  static Result<std::unique_ptr<TableStore>> Open(const StoreOptions& options);
  virtual ~TableStore() = default;

  // Creates an enabled table. AlreadyExists is reported as InvalidArgument
  // "Table already exists: NAME"; also InvalidArgument for a bad name, no families, a duplicate
  // family, VERSIONS < 1, or unsorted split keys.
  virtual Status CreateTable(const TableDescriptor& desc) = 0;
  // Table names, sorted.
  virtual Result<std::vector<std::string>> ListTables() = 0;
  virtual bool Exists(std::string_view name) = 0;
  // Schema, state and per-region stats (counts by reading the table). NotFound if absent.
  virtual Result<TableDescription> Describe(std::string_view name) = 0;
  // NotFound if absent; InvalidArgument "Table NAME is disabled." if already disabled.
  virtual Status DisableTable(std::string_view name) = 0;
  // NotFound if absent; InvalidArgument "Table NAME is enabled." if already enabled.
  virtual Status EnableTable(std::string_view name) = 0;
  // Deletes the table and its data. As HBase: InvalidArgument
  // "Table NAME is enabled. Disable it first." unless disabled.
  virtual Status DropTable(std::string_view name) = 0;
  // Removes every row, keeping the schema and split keys; the table ends up enabled.
  virtual Status TruncateTable(std::string_view name) = 0;
  // Replaces the region boundaries (RegionSplitter). Rows are not moved: regions are
  // bookkeeping over one sorted keyspace. NotFound if absent.
  virtual Status SetSplitKeys(std::string_view name, std::vector<std::string> split_keys) = 0;
  // A handle on an enabled table. NotFound if absent; Aborted "Table NAME is disabled." if so.
  virtual Result<std::shared_ptr<Table>> OpenTable(std::string_view name) = 0;
};

// ---------------------------------------------------------------- region splits

// HBase RegionSplitter's HexStringSplit: n regions over "00000000".."ffffffff".
// InvalidArgument if n < 2.
// Rebuilds the RocksDB database of one table at `db_path` (DATA/table/<name>/db) from what is
// readable, with the options the table is opened with (storage/rocks_repair.h). Closed only.
Result<storage::RepairResult> RepairTableDb(const std::string& db_path, const std::string& name);

Result<std::vector<std::string>> HexStringSplit(int n);
// HBase RegionSplitter's UniformSplit: n regions over 8-byte keys 0x00.. to 0xff...
Result<std::vector<std::string>> UniformSplit(int n);

}  // namespace smartcar::table
