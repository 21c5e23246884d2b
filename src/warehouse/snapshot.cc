// ExportSnapshot: another store's rows -> one Parquet file, swapped in with rename(2).
#include <duckdb.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "warehouse/duck.h"
#include "warehouse/partition_store.h"
#include "warehouse/warehouse.h"

namespace fs = std::filesystem;

namespace smartcar::warehouse {
namespace {

constexpr const char* kSnapshotTable = "__smartcar_snapshot";
std::atomic<uint64_t> g_snapshot_counter{0};

class AppenderGuard {
 public:
  ~AppenderGuard() {
    if (a_ != nullptr) duckdb_appender_destroy(&a_);
  }
  duckdb_appender* out() { return &a_; }
  duckdb_appender get() { return a_; }
  std::string error() {
    const char* e = duckdb_appender_error(a_);
    return e != nullptr ? e : "unknown error";
  }

 private:
  duckdb_appender a_ = nullptr;
};

// Appends every row of `next_row` to the snapshot table.
Status AppendRows(duck::Session* session, size_t columns, const SnapshotRowSource& next_row) {
  AppenderGuard app;
  if (duckdb_appender_create_ext(session->connection(), "temp", "main", kSnapshotTable,
                                 app.out()) == DuckDBError) {
    return Status::IOError("DuckDB appender: " + app.error());
  }
  std::vector<std::optional<std::string>> row;
  uint64_t n = 0;
  while (true) {
    row.clear();
    if (!next_row(&row)) break;
    ++n;
    if (row.size() != columns) {
      return Status::InvalidArgument("snapshot row " + std::to_string(n) + " has " +
                                     std::to_string(row.size()) + " values, want " +
                                     std::to_string(columns));
    }
    for (const auto& v : row) {
      const duckdb_state st = v ? duckdb_append_varchar_length(app.get(), v->data(), v->size())
                                : duckdb_append_null(app.get());
      if (st == DuckDBError) return Status::IOError("DuckDB append: " + app.error());
    }
    if (duckdb_appender_end_row(app.get()) == DuckDBError) {
      return Status::IOError("DuckDB append: " + app.error());
    }
  }
  if (duckdb_appender_close(app.get()) == DuckDBError) {
    return Status::IOError("DuckDB append: " + app.error());
  }
  return Status::OK();
}

}  // namespace

Result<ViewDefinition> ExportSnapshot(const SnapshotSpec& spec, const SnapshotRowSource& next_row) {
  if (Status s = ValidateTableName(spec.name); !s.ok()) return Err(s);
  if (spec.columns.empty()) return Err(Status::InvalidArgument("snapshot with no columns"));
  WarehouseOptions options;
  options.data_dir = spec.data_dir;
  options.threads = 1;
  auto session = duck::Session::Open(options);
  if (!session) return Err(session.error());
  std::string ddl = "CREATE OR REPLACE TEMP TABLE " + std::string(kSnapshotTable) + " (";
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    ddl += (i ? ", " : "") + duck::QuoteIdent(spec.columns[i]) + " VARCHAR";
  }
  if (Status s = (*session)->Exec(ddl + ")"); !s.ok()) return Err(s);
  if (Status s = AppendRows(session->get(), spec.columns.size(), next_row); !s.ok()) {
    return Err(s);
  }

  const std::string dir = fs::absolute(spec.data_dir).lexically_normal().string() +
                          "/warehouse/_snapshots/" + spec.name;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Err(Status::IOError("create " + dir + ": " + ec.message()));
  const std::string path = dir + "/part-0.parquet";
  const std::string tmp = dir + "/.part-0.parquet." + std::to_string(::getpid()) + "." +
                          std::to_string(g_snapshot_counter.fetch_add(1));
  Status s = (*session)->Exec("COPY " + std::string(kSnapshotTable) + " TO " + duck::Quote(tmp) +
                              " (FORMAT parquet)");
  if (s.ok()) {
    fs::rename(tmp, path, ec);
    if (ec) s = Status::IOError("rename " + tmp + ": " + ec.message());
  }
  if (!s.ok()) {
    fs::remove(tmp, ec);
    return Err(s);
  }
  return ViewDefinition{spec.name, "SELECT * FROM read_parquet(" + duck::Quote(path) + ")"};
}

}  // namespace smartcar::warehouse
