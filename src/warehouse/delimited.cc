// Derived partitions: WarehouseImpl::LoadDelimited (a delimited text file, e.g. a database
// import) and WarehouseImpl::StoreQuery (a query's rows) → one partition.
#include <algorithm>
#include <cctype>
#include <filesystem>

#include "warehouse/duck.h"
#include "warehouse/partition_store.h"
#include "warehouse/schema.h"
#include "warehouse/warehouse_impl.h"

namespace smartcar::warehouse {
namespace {

namespace fs = std::filesystem;

bool IsIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0])) && s[0] != '_') return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

bool IsTypeName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '(' && c != ')' && c != ',' &&
        c != ' ') {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<LoadReport> WarehouseImpl::LoadDelimited(const DelimitedLoadSpec& spec) {
  SMARTCAR_RETURN_IF_ERROR(ValidateTableName(spec.table));
  SMARTCAR_RETURN_IF_ERROR(ValidateDate(spec.date));
  if (FindSchema(spec.table) != nullptr) {
    return Err(Status::InvalidArgument("table " + spec.table +
                                       " is loaded from its log files (warehouse load), not "
                                       "from an import"));
  }
  if (spec.columns.empty()) return Err(Status::InvalidArgument("no columns to load"));
  std::string columns = "{";
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    const auto& [name, type] = spec.columns[i];
    if (!IsIdentifier(name) || name == kPartitionColumn) {
      return Err(Status::InvalidArgument("column name '" + name +
                                         "' cannot be a warehouse column (letters, digits, _; "
                                         "not wrk_date)"));
    }
    if (!IsTypeName(type)) {
      return Err(Status::InvalidArgument("column " + name + ": bad type '" + type + "'"));
    }
    if (i > 0) columns += ", ";
    columns += duck::Quote(name) + ": " + duck::Quote(type);
  }
  columns += "}";
  std::error_code ec;
  if (!fs::is_regular_file(spec.path, ec)) {
    return Err(Status::IOError(spec.path + ": no such file"));
  }
  auto lock = LockTable(store_.root(), spec.table);
  if (!lock) return Err(lock.error());
  store_.CleanStaging(spec.table);
  auto staged = store_.NewStagingDir(spec.table, spec.date);
  if (!staged) return Err(staged.error());
  const std::string file = *staged + "/part-0.parquet";
  const std::string select =
      "SELECT * FROM read_csv(" + duck::Quote(spec.path) +
      ", delim = " + duck::Quote(std::string(1, spec.delimiter)) +
      ", quote = '\"', escape = '\"', header = false, auto_detect = false, nullstr = '', "
      "allow_quoted_nulls = false, columns = " +
      columns + ")";
  Status s = session_->Exec("COPY (" + select + ") TO " + duck::Quote(file) + " (FORMAT parquet)");
  Result<int64_t> rows =
      s.ok() ? session_->QueryInt("SELECT count(*) FROM read_parquet(" + duck::Quote(file) + ")")
             : Result<int64_t>(0);
  if (s.ok() && !rows) s = rows.error();
  if (s.ok()) s = store_.Commit(spec.table, spec.date, *staged);
  if (!s.ok()) {
    fs::remove_all(*staged, ec);
    return Err(s);
  }
  LoadReport report;
  report.table = spec.table;
  report.date = spec.date;
  report.rows = static_cast<uint64_t>(*rows);
  report.lines = report.rows;
  report.input_bytes = fs::file_size(spec.path, ec);
  report.partition_path = store_.PartitionDir(spec.table, spec.date);
  for (const auto& e : fs::directory_iterator(report.partition_path, ec)) {
    report.parquet_bytes += e.file_size(ec);
  }
  return report;
}

Result<LoadReport> WarehouseImpl::StoreQuery(const std::string& table, const std::string& date,
                                             const std::string& select_sql) {
  SMARTCAR_RETURN_IF_ERROR(ValidateTableName(table));
  SMARTCAR_RETURN_IF_ERROR(ValidateDate(date));
  if (FindSchema(table) != nullptr) {
    return Err(Status::InvalidArgument("table " + table +
                                       " is loaded from its log files, not from a query"));
  }
  SMARTCAR_RETURN_IF_ERROR(RefreshViews());
  std::string body = select_sql;
  while (!body.empty() &&
         (body.back() == ';' || std::isspace(static_cast<unsigned char>(body.back())))) {
    body.pop_back();
  }
  // The query's own wrk_date (if any) gives way to the partition's.
  auto shape = session_->Query("SELECT * FROM (" + body + ") LIMIT 0");
  if (!shape) return Err(shape.error());
  const bool has_date = std::find(shape->columns.begin(), shape->columns.end(),
                                  std::string(kPartitionColumn)) != shape->columns.end();
  const std::string select = std::string("SELECT *") + (has_date ? " EXCLUDE (wrk_date)" : "") +
                             ", " + duck::Quote(date) + " AS wrk_date FROM (" + body + ") AS q";
  auto rows = session_->QueryInt("SELECT count(*) FROM (" + body + ")");
  if (!rows) return Err(rows.error());
  LoadReport report;
  report.table = table;
  report.date = date;
  report.rows = static_cast<uint64_t>(*rows);
  report.lines = report.rows;
  if (*rows == 0) {
    auto lock = LockTable(store_.root(), table);
    if (!lock) return Err(lock.error());
    Status s = store_.Drop(table, date);
    if (!s.ok() && !s.IsNotFound()) return Err(s);
    return report;
  }
  SMARTCAR_RETURN_IF_ERROR(StorePartitioned(table, select));
  report.partition_path = store_.PartitionDir(table, date);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(report.partition_path, ec)) {
    report.parquet_bytes += e.file_size(ec);
  }
  return report;
}

}  // namespace smartcar::warehouse
