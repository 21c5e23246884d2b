// Internal RAII wrappers over DuckDB's C API, returning Status. Only src/warehouse/*.cc include
// this header; it names DuckDB's handle types by their struct tags so that duckdb.h itself stays
// inside the .cc files.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "warehouse/warehouse.h"

struct _duckdb_database;
struct _duckdb_connection;

namespace smartcar::warehouse::duck {

// An in-memory DuckDB instance with one connection. Extensions are never downloaded
// (autoinstall off); Parquet support is built into libduckdb. Every session also has
// java_string_hash(VARCHAR) → INTEGER (Hive's hash() of a string, for the Hive front end).
// Not thread-safe.
class Session {
 public:
  static Result<std::unique_ptr<Session>> Open(const WarehouseOptions& options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs `sql` (one or more statements), discarding rows. Errors carry DuckDB's message.
  Status Exec(std::string_view sql);
  // Runs `sql` and returns the last statement's rows rendered as text.
  Result<QueryResult> Query(std::string_view sql);
  // The first column of the first row as an integer; NotFound if there is no row.
  Result<int64_t> QueryInt(std::string_view sql);

  _duckdb_connection* connection() { return con_; }

 private:
  Session() = default;
  _duckdb_database* db_ = nullptr;
  _duckdb_connection* con_ = nullptr;
};

// `text` as a SQL string literal: single quotes doubled.
std::string Quote(std::string_view text);
// `name` as a SQL identifier: double quotes doubled.
std::string QuoteIdent(std::string_view name);

}  // namespace smartcar::warehouse::duck
