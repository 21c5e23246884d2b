// WarehouseImpl: loads and drops under the table lock; views refreshed before each query
// (read_parquet over a table's partitions, an empty SELECT for a declared table without any, and
// the registered providers' views); partition row counts from Parquet footers; StorePartitioned.
#include "warehouse/warehouse.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>

#include "warehouse/loader.h"
#include "warehouse/schema.h"
#include "warehouse/warehouse_impl.h"

namespace fs = std::filesystem;

namespace smartcar::warehouse {
namespace {

std::mutex& ProvidersMu() {
  static std::mutex mu;
  return mu;
}
std::map<std::string, ViewProvider>& Providers() {
  static std::map<std::string, ViewProvider> providers;
  return providers;
}

}  // namespace

void RegisterViewProvider(const std::string& name, ViewProvider provider) {
  std::lock_guard<std::mutex> lock(ProvidersMu());
  Providers()[name] = std::move(provider);
}

Result<std::unique_ptr<Warehouse>> Warehouse::Open(const WarehouseOptions& options) {
  if (options.data_dir.empty()) return Err(Status::InvalidArgument("empty data folder"));
  auto session = duck::Session::Open(options);
  if (!session) return Err(session.error());
  return std::unique_ptr<Warehouse>(new WarehouseImpl(options, std::move(*session)));
}

WarehouseImpl::WarehouseImpl(const WarehouseOptions& options,
                             std::unique_ptr<duck::Session> session)
    : options_(options),
      session_(std::move(session)),
      store_(fs::absolute(options.data_dir).lexically_normal().string() + "/warehouse") {}

Result<LoadReport> WarehouseImpl::Load(const LoadSpec& spec) {
  if (Status s = ValidateTableName(spec.table); !s.ok()) return Err(s);
  if (Status s = ValidateDate(spec.date); !s.ok()) return Err(s);
  if (FindSchema(spec.table) != &StatusTableSchema()) {
    return Err(Status::InvalidArgument(
        "table " + spec.table +
        " cannot be loaded from a log file (loadable: " + std::string(kStatusTable) + ")"));
  }
  auto lock = LockTable(store_.root(), spec.table);
  if (!lock) return Err(lock.error());
  store_.CleanStaging(spec.table);
  return LoadStatusLog(session_.get(), &store_, spec);
}

Status WarehouseImpl::RefreshViews() {
  std::set<std::string> wanted;
  std::vector<std::string> tables = store_.ListTables();
  for (const TableSchema* s : DeclaredSchemas()) tables.emplace_back(s->name);
  std::sort(tables.begin(), tables.end());
  tables.erase(std::unique(tables.begin(), tables.end()), tables.end());
  for (const std::string& t : tables) {
    std::string select;
    if (!store_.ListDates(t).empty()) {
      select = "SELECT * FROM read_parquet(" + duck::Quote(store_.Glob(t)) +
               ", hive_partitioning = true, hive_types = {'wrk_date': VARCHAR})";
    } else if (const TableSchema* schema = FindSchema(t); schema != nullptr) {
      select = EmptySelectSql(*schema);
    } else {
      continue;
    }
    SMARTCAR_RETURN_IF_ERROR(
        session_->Exec("CREATE OR REPLACE VIEW " + duck::QuoteIdent(t) + " AS " + select));
    wanted.insert(duck::QuoteIdent(t));
  }
  std::map<std::string, ViewProvider> providers;
  {
    std::lock_guard<std::mutex> lock(ProvidersMu());
    providers = Providers();
  }
  for (const auto& [name, provider] : providers) {
    auto views = provider(options_.data_dir);
    if (!views) return views.error().WithPrefix("view provider " + name + ": ");
    for (const ViewDefinition& v : *views) {
      std::string qualified = duck::QuoteIdent(v.name);
      if (!v.schema.empty()) {
        SMARTCAR_RETURN_IF_ERROR(
            session_->Exec("CREATE SCHEMA IF NOT EXISTS " + duck::QuoteIdent(v.schema)));
        qualified = duck::QuoteIdent(v.schema) + "." + qualified;
      }
      SMARTCAR_RETURN_IF_ERROR(
          session_->Exec("CREATE OR REPLACE VIEW " + qualified + " AS " + v.select_sql));
      wanted.insert(qualified);
    }
  }
  for (const std::string& old : views_) {
    if (wanted.count(old) == 0) {
      SMARTCAR_RETURN_IF_ERROR(session_->Exec("DROP VIEW IF EXISTS " + old));
    }
  }
  views_ = std::move(wanted);
  return Status::OK();
}

Result<QueryResult> WarehouseImpl::Query(std::string_view sql) {
  if (Status s = RefreshViews(); !s.ok()) return Err(s);
  auto r = session_->Query(sql);
  if (r || !LooksLikeDamagedParquet(r.error().message())) return r;
  // DuckDB's message does not always name the file: find the damaged partitions.
  auto damaged = CheckPartitions(/*set_aside=*/false);
  if (!damaged || damaged->empty()) return r;
  return Err(Status::Corruption(r.error().message() + DamageHint(*damaged)));
}

Result<QueryResult> WarehouseImpl::QueryWithoutRefresh(std::string_view sql) {
  return session_->Query(sql);
}

Result<std::vector<PartitionInfo>> WarehouseImpl::Partitions(std::string_view table) {
  if (Status s = ValidateTableName(table); !s.ok()) return Err(s);
  std::error_code ec;
  if (!fs::is_directory(store_.TableDir(table), ec)) {
    return Err(Status::NotFound("no table " + std::string(table) + " in " + store_.root()));
  }
  std::vector<PartitionInfo> out;
  const std::vector<std::string> dates = store_.ListDates(table);
  if (dates.empty()) return out;
  // Row counts from the Parquet footers, without reading data.
  auto meta =
      session_->Query("SELECT file_name, sum(num_rows)::BIGINT FROM parquet_file_metadata(" +
                      duck::Quote(store_.Glob(table)) + ") GROUP BY file_name");
  if (!meta) return Err(meta.error());
  std::map<std::string, uint64_t> rows_by_dir;
  for (const auto& row : meta->rows) {
    if (!row[0] || !row[1]) continue;
    rows_by_dir[fs::path(*row[0]).parent_path().filename().string()] += std::stoull(*row[1]);
  }
  for (const std::string& d : dates) {
    PartitionInfo p;
    p.date = d;
    p.path = store_.PartitionDir(table, d);
    p.rows = rows_by_dir["wrk_date=" + d];
    for (const auto& e : fs::directory_iterator(p.path, ec)) {
      if (e.is_regular_file()) p.bytes += e.file_size(ec);
    }
    out.push_back(std::move(p));
  }
  return out;
}

Status WarehouseImpl::DropPartition(std::string_view table, std::string_view date) {
  SMARTCAR_RETURN_IF_ERROR(ValidateTableName(table));
  SMARTCAR_RETURN_IF_ERROR(ValidateDate(date));
  auto lock = LockTable(store_.root(), table);
  if (!lock) return lock.error();
  return store_.Drop(table, date);
}

Result<std::vector<std::string>> WarehouseImpl::Tables() {
  std::vector<std::string> tables;
  for (const std::string& t : store_.ListTables()) {
    if (!store_.ListDates(t).empty()) tables.push_back(t);
  }
  for (const TableSchema* s : DeclaredSchemas()) tables.emplace_back(s->name);
  std::sort(tables.begin(), tables.end());
  tables.erase(std::unique(tables.begin(), tables.end()), tables.end());
  return tables;
}

Status WarehouseImpl::StorePartitioned(std::string_view table, const std::string& select_sql) {
  auto lock = LockTable(store_.root(), table);
  if (!lock) return lock.error();
  store_.CleanStaging(table);
  auto staged = store_.NewStagingDir(table, "all");
  if (!staged) return staged.error();
  std::error_code ec;
  Status s = session_->Exec("COPY (" + select_sql + ") TO " + duck::Quote(*staged) +
                            " (FORMAT parquet, PARTITION_BY (wrk_date), OVERWRITE_OR_IGNORE)");
  // DuckDB writes <staged>/wrk_date=<d>/data_<n>.parquet; commit each folder as a partition.
  std::vector<std::pair<std::string, std::string>> parts;  // (date, folder)
  if (s.ok()) {
    for (const auto& e : fs::directory_iterator(*staged, ec)) {
      const std::string name = e.path().filename().string();
      if (!e.is_directory() || name.rfind("wrk_date=", 0) != 0) continue;
      parts.emplace_back(name.substr(9), e.path().string());
    }
    std::sort(parts.begin(), parts.end());
  }
  for (const auto& [date, dir] : parts) {
    if (!s.ok()) break;
    s = ValidateDate(date);
    if (!s.ok()) break;
    // Name the files as a load does: part-<n>.parquet.
    int n = 0;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      fs::rename(f, fs::path(dir) / ("part-" + std::to_string(n++) + ".parquet"), ec);
    }
    s = store_.Commit(table, date, dir);
  }
  fs::remove_all(*staged, ec);
  return s;
}

}  // namespace smartcar::warehouse
