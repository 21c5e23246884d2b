// PgConnection: RAII over one libpq connection, returning Status (internal to rdbms/).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "rdbms/sqoop.h"

struct pg_conn;

namespace smartcar::rdbms {

// What the server said about a failed statement.
struct PgError {
  std::string sqlstate;  // e.g. "22P02"; "" for a client-side or connection failure.
  std::string message;   // The primary message.
  std::string context;   // e.g. "COPY t, line 3, column a: \"x\"".
  bool connection_lost = false;
};

// One column of a table or a query's result.
struct PgColumn {
  std::string name;
  uint32_t type_oid = 0;
  std::string type_name;   // e.g. "varchar", "int4".
  bool is_string = false;  // Type category 'S' (text, varchar, char...).
};

using PgRow = std::vector<std::optional<std::string>>;

class PgConnection {
 public:
  // Connects (the password from options, else its file, else libpq's own sources). IOError
  // naming the server and libpq's reason (refused, bad password...).
  static Result<std::unique_ptr<PgConnection>> Connect(const ConnectionOptions& options);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with text parameters ($1...). *error (may be null) gets the details of
  // a failure. Returns the rows of a SELECT (empty for a command).
  Result<std::vector<PgRow>> Query(const std::string& sql, const std::vector<std::string>& params,
                                   PgError* error = nullptr);
  // Runs one statement; returns the number of rows it affected (PQcmdTuples; 0 if none).
  Result<uint64_t> Exec(const std::string& sql, const std::vector<std::string>& params = {},
                        PgError* error = nullptr);

  // `COPY ... FROM STDIN`: sends chunks from `next` (false = no more) and finishes the COPY.
  Status CopyIn(const std::string& copy_sql,
                const std::function<bool(std::string_view* chunk)>& next, PgError* error);
  // `COPY ... TO STDOUT`: hands each data row (with its '\n') to `sink`, which may fail.
  Result<uint64_t> CopyOut(const std::string& copy_sql,
                           const std::function<Status(std::string_view)>& sink);

  // The columns of `table` (resolved like SQL: unquoted names fold to lower case; a schema
  // prefix is allowed), in order. NotFound naming the table and database when it does not exist.
  Result<std::vector<PgColumn>> TableColumns(std::string_view table);
  // `table` as the server names it, quoted where needed (from regclass), e.g. public."T".
  Result<std::string> QualifiedName(std::string_view table);
  // The result columns of a SELECT, without running it to completion.
  Result<std::vector<PgColumn>> QueryColumns(const std::string& select_sql);

  // `name` quoted as an identifier.
  std::string QuoteIdent(std::string_view name) const;
  // `text` as a string literal.
  std::string QuoteLiteral(std::string_view text) const;
  // "host:port/database", for messages.
  const std::string& where() const { return where_; }
  bool connection_ok() const;

 private:
  PgConnection() = default;
  pg_conn* conn_ = nullptr;
  std::string where_;
};

// Status for a failed statement: IOError when the connection was lost, InvalidArgument for
// errors in what was asked (undefined table/column, syntax), Corruption for data errors.
Status StatusFromPgError(const PgError& error, std::string_view doing);

}  // namespace smartcar::rdbms
