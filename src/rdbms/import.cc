// Import: one PostgreSQL table or query → a delimited file (`--target-dir`) or a warehouse
// partition (`--hive-import`), written aside and renamed into place.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "rdbms/pg.h"
#include "rdbms/sqoop.h"
#include "warehouse/warehouse.h"

namespace smartcar::rdbms {
namespace {

namespace fs = std::filesystem;

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != nullptr) std::fclose(f);
  }
};

// The DuckDB type a warehouse column gets for a PostgreSQL type (Sqoop's Hive mapping: numbers
// and booleans keep their type; dates, times and everything else become text).
std::string DuckType(const PgColumn& c) {
  const std::string& t = c.type_name;
  if (t == "int2") return "SMALLINT";
  if (t == "int4") return "INTEGER";
  if (t == "int8") return "BIGINT";
  if (t == "float4") return "FLOAT";
  if (t == "float8" || t == "numeric") return "DOUBLE";
  if (t == "bool") return "BOOLEAN";
  return "VARCHAR";
}

std::string CharLiteral(char c) {
  if (c == '\'') return "''''";
  return std::string("'") + c + "'";
}

Status Validate(const ImportOptions& o) {
  if (auto url = ParseJdbcUrl(o.connection.connect); !url) return url.error();
  if (o.table.empty() == o.query.empty()) {
    return Status::InvalidArgument("name exactly one of --table and --query");
  }
  if (!o.query.empty() && o.query.find("$CONDITIONS") == std::string::npos) {
    return Status::InvalidArgument(
        "--query must contain $CONDITIONS in its WHERE clause (as in Sqoop), e.g. "
        "\"SELECT * FROM t WHERE $CONDITIONS\"");
  }
  if (!o.query.empty() && (!o.columns.empty() || !o.where.empty())) {
    return Status::InvalidArgument("--columns and --where go with --table, not --query");
  }
  if (o.hive_import) {
    if (o.hive_table.empty() && o.table.empty()) {
      return Status::InvalidArgument("--hive-import with --query needs --hive-table");
    }
    if (o.hive_partition_key != "wrk_date") {
      return Status::InvalidArgument(
          "--hive-partition-key must be wrk_date (the warehouse's "
          "day partitions)");
    }
    if (o.hive_partition_value.empty()) {
      return Status::InvalidArgument(
          "--hive-import needs --hive-partition-value yyyyMMdd (warehouse tables are "
          "day-partitioned)");
    }
  } else if (o.target_dir.empty()) {
    return Status::InvalidArgument("name --target-dir, or --hive-import");
  }
  if (o.output.fields_terminated_by == '\0' || o.output.fields_terminated_by == '\n' ||
      o.output.fields_terminated_by == '"') {
    return Status::InvalidArgument("--fields-terminated-by cannot be NUL, a newline or '\"'");
  }
  return Status::OK();
}

}  // namespace

Result<ImportReport> Import(const ImportOptions& o) {
  SMARTCAR_RETURN_IF_ERROR(Validate(o));
  if (!o.hive_import) {
    std::error_code ec;
    if (fs::exists(o.target_dir, ec) && !o.delete_target_dir) {
      return Err(
          Status::InvalidArgument("--target-dir " + o.target_dir +
                                  " already exists (add --delete-target-dir to replace it)"));
    }
  }
  auto conn_or = PgConnection::Connect(o.connection);
  if (!conn_or) return Err(conn_or.error());
  PgConnection& conn = **conn_or;

  std::string select;
  std::vector<PgColumn> cols;
  if (!o.table.empty()) {
    auto name = conn.QualifiedName(o.table);
    if (!name) return Err(name.error());
    auto all = conn.TableColumns(*name);
    if (!all) return Err(all.error());
    if (o.columns.empty()) {
      cols = *all;
    } else {
      for (const std::string& want : o.columns) {
        bool found = false;
        for (const PgColumn& c : *all) {
          if (!found && c.name == want) {
            cols.push_back(c);
            found = true;
          }
        }
        if (!found) {
          return Err(
              Status::InvalidArgument("--columns: " + want + " is not a column of " + *name));
        }
      }
    }
    std::string list;
    for (const PgColumn& c : cols) list += (list.empty() ? "" : ", ") + conn.QuoteIdent(c.name);
    select = "SELECT " + list + " FROM " + *name;
    if (!o.where.empty()) select += " WHERE (" + o.where + ")";
  } else {
    select = o.query;
    for (size_t at; (at = select.find("$CONDITIONS")) != std::string::npos;) {
      select.replace(at, 11, "(1 = 1)");
    }
    auto described = conn.QueryColumns(select);
    if (!described) return Err(described.error());
    cols = *described;
  }

  ImportReport report;
  for (const PgColumn& c : cols) report.columns.push_back(c.name);

  // The file: CSV as COPY writes it (values holding the delimiter, a quote or a newline are
  // enclosed in double quotes). NULL is written as null_string; non-string columns use
  // null_non_string when it differs.
  const bool hive = o.hive_import;
  const char delim = hive ? ',' : o.output.fields_terminated_by;
  const std::string null_text = hive ? "" : o.null_string;
  std::string outer = "SELECT ";
  for (size_t i = 0; i < cols.size(); ++i) {
    const std::string q = "smartcar_q." + conn.QuoteIdent(cols[i].name);
    if (i > 0) outer += ", ";
    if (!hive && !cols[i].is_string && o.null_non_string != o.null_string) {
      outer += "COALESCE(" + q + "::text, " + conn.QuoteLiteral(o.null_non_string) + ")";
    } else {
      outer += q;
    }
  }
  outer += " FROM (" + select + ") AS smartcar_q";
  std::string copy = "COPY (" + outer + ") TO STDOUT WITH (FORMAT csv, DELIMITER " +
                     CharLiteral(delim) + ", NULL " + conn.QuoteLiteral(null_text);
  if (!hive && o.output.enclosed_by != '\0') {
    copy += ", QUOTE " + CharLiteral(o.output.enclosed_by);
    if (!o.output.enclosure_optional) copy += ", FORCE_QUOTE *";
  }
  copy += ")";

  std::string staging_dir;
  std::string file;
  if (hive) {
    char path[] = "/tmp/smartcar-sqoop-import-XXXXXX";
    if (::mkdtemp(path) == nullptr) return Err(Status::IOError("cannot create a folder in /tmp"));
    staging_dir = path;
  } else {
    staging_dir = o.target_dir + ".importing-" + std::to_string(::getpid());
    std::error_code ec;
    fs::remove_all(staging_dir, ec);
    fs::create_directories(staging_dir, ec);
    if (ec) {
      return Err(Status::IOError("cannot create " + staging_dir + ": " + ec.message()));
    }
  }
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      if (!dir.empty()) fs::remove_all(dir, ec);
    }
  } cleanup{staging_dir};
  file = staging_dir + "/part-m-00000";
  std::unique_ptr<std::FILE, FileCloser> out(std::fopen(file.c_str(), "wb"));
  if (!out) return Err(Status::IOError("cannot write " + file));
  auto rows = conn.CopyOut(copy, [&](std::string_view data) -> Status {
    if (std::fwrite(data.data(), 1, data.size(), out.get()) != data.size()) {
      return Status::IOError("cannot write " + file + " (disk full?)");
    }
    return Status::OK();
  });
  if (!rows) return Err(rows.error());
  if (std::fflush(out.get()) != 0 || ::fsync(::fileno(out.get())) != 0) {
    return Err(Status::IOError("cannot write " + file + " (disk full?)"));
  }
  out.reset();
  report.rows = *rows;

  if (hive) {
    warehouse::WarehouseOptions wo;
    wo.data_dir = o.data_dir;
    wo.threads = 2;
    auto w = warehouse::Warehouse::Open(wo);
    if (!w) return Err(w.error());
    warehouse::DelimitedLoadSpec spec;
    spec.table = o.hive_table.empty() ? o.table : o.hive_table;
    if (const size_t dot = spec.table.rfind('.'); dot != std::string::npos) {
      spec.table = spec.table.substr(dot + 1);  // A schema prefix names no warehouse table.
    }
    spec.date = o.hive_partition_value;
    spec.path = file;
    spec.delimiter = ',';
    for (const PgColumn& c : cols) spec.columns.emplace_back(c.name, DuckType(c));
    auto loaded = (*w)->LoadDelimited(spec);
    if (!loaded) return Err(loaded.error());
    report.path = loaded->partition_path;
    return report;
  }
  std::error_code ec;
  if (fs::exists(o.target_dir, ec)) {
    // --delete-target-dir: the old folder goes only once the new one is complete.
    const std::string old = o.target_dir + ".old-" + std::to_string(::getpid());
    fs::rename(o.target_dir, old, ec);
    if (ec) return Err(Status::IOError("cannot replace " + o.target_dir + ": " + ec.message()));
    fs::rename(staging_dir, o.target_dir, ec);
    fs::remove_all(old, ec);
  } else {
    fs::rename(staging_dir, o.target_dir, ec);
  }
  if (ec) return Err(Status::IOError("cannot rename into " + o.target_dir + ": " + ec.message()));
  cleanup.dir.clear();
  report.path = o.target_dir + "/part-m-00000";
  return report;
}

}  // namespace smartcar::rdbms
