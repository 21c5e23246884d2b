#include "rdbms/pg.h"

#include <libpq-fe.h>

#include <fstream>
#include <sstream>

namespace smartcar::rdbms {
namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string Field(const PGresult* r, int code) {
  const char* v = PQresultErrorField(r, code);
  return v == nullptr ? std::string() : std::string(v);
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

void FillError(pg_conn* conn, const PGresult* r, PgError* error) {
  if (error == nullptr) return;
  if (r != nullptr) {
    error->sqlstate = Field(r, PG_DIAG_SQLSTATE);
    error->message = Field(r, PG_DIAG_MESSAGE_PRIMARY);
    error->context = Field(r, PG_DIAG_CONTEXT);
  }
  if (error->message.empty()) error->message = Trimmed(PQerrorMessage(conn));
  error->connection_lost = PQstatus(conn) != CONNECTION_OK;
}

}  // namespace

Status StatusFromPgError(const PgError& error, std::string_view doing) {
  std::string msg = std::string(doing) + ": " + error.message;
  if (!error.context.empty()) msg += " (" + error.context + ")";
  if (!error.sqlstate.empty()) msg += " [SQLSTATE " + error.sqlstate + "]";
  if (error.connection_lost || error.sqlstate.rfind("08", 0) == 0 ||
      error.sqlstate.rfind("57", 0) == 0) {
    return Status::IOError(msg);
  }
  if (error.sqlstate.rfind("22", 0) == 0 || error.sqlstate.rfind("23", 0) == 0) {
    return Status::Corruption(msg);
  }
  return Status::InvalidArgument(msg);
}

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const ConnectionOptions& options) {
  auto params = ParseJdbcUrl(options.connect);
  if (!params) return Err(params.error());
  std::string password = options.password;
  if (password.empty() && !options.password_file.empty()) {
    std::ifstream in(options.password_file, std::ios::binary);
    if (!in) {
      return Err(Status::IOError("--password-file " + options.password_file + ": cannot be read"));
    }
    std::stringstream ss;
    ss << in.rdbuf();
    password = ss.str();
    if (!password.empty() && password.back() == '\n') password.pop_back();
    if (!password.empty() && password.back() == '\r') password.pop_back();
  }
  if (!options.username.empty()) params->emplace_back("user", options.username);
  if (!password.empty()) params->emplace_back("password", password);
  bool has_timeout = false;
  for (const auto& [k, v] : *params) has_timeout |= k == "connect_timeout";
  if (!has_timeout) {
    params->emplace_back("connect_timeout", std::to_string(options.connect_timeout_seconds));
  }
  params->emplace_back("application_name", "smartcar sqoop");
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : *params) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  std::unique_ptr<PgConnection> c(new PgConnection());
  c->conn_ = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (c->conn_ == nullptr) return Err(Status::IOError("libpq could not allocate a connection"));
  if (PQstatus(c->conn_) != CONNECTION_OK) {
    return Err(Status::IOError("cannot connect to " + options.connect + ": " +
                               Trimmed(PQerrorMessage(c->conn_))));
  }
  // Server NOTICEs ("relation already exists, skipping") are not the user's business.
  PQsetNoticeProcessor(
      c->conn_, [](void*, const char*) {}, nullptr);
  const char* host = PQhost(c->conn_);
  const char* port = PQport(c->conn_);
  const char* db = PQdb(c->conn_);
  c->where_ = std::string(host ? host : "") + ":" + (port ? port : "") + "/" + (db ? db : "");
  return c;
}

PgConnection::~PgConnection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

bool PgConnection::connection_ok() const { return PQstatus(conn_) == CONNECTION_OK; }

namespace {
// Runs one statement with text parameters; the result of a command or a SELECT, or the Status
// of its failure (details in *error when given).
Result<ResultPtr> ExecParams(pg_conn* conn, const std::string& where, const std::string& sql,
                             const std::vector<std::string>& params, PgError* error) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  ResultPtr r(PQexecParams(conn, sql.c_str(), static_cast<int>(params.size()), nullptr,
                           values.data(), nullptr, nullptr, 0));
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    PgError local;
    PgError* e = error != nullptr ? error : &local;
    FillError(conn, r.get(), e);
    return Err(StatusFromPgError(*e, "on " + where));
  }
  return r;
}
}  // namespace

Result<std::vector<PgRow>> PgConnection::Query(const std::string& sql,
                                               const std::vector<std::string>& params,
                                               PgError* error) {
  auto r = ExecParams(conn_, where_, sql, params, error);
  if (!r) return Err(r.error());
  const PGresult* res = r->get();
  std::vector<PgRow> rows;
  if (PQresultStatus(res) == PGRES_TUPLES_OK) {
    const int n = PQntuples(res);
    const int cols = PQnfields(res);
    rows.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      PgRow row;
      for (int j = 0; j < cols; ++j) {
        if (PQgetisnull(res, i, j)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(
              std::string(PQgetvalue(res, i, j), static_cast<size_t>(PQgetlength(res, i, j))));
        }
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

Result<uint64_t> PgConnection::Exec(const std::string& sql, const std::vector<std::string>& params,
                                    PgError* error) {
  auto r = ExecParams(conn_, where_, sql, params, error);
  if (!r) return Err(r.error());
  const char* n = PQcmdTuples(r->get());
  return n == nullptr || *n == '\0' ? 0 : std::strtoull(n, nullptr, 10);
}

Status PgConnection::CopyIn(const std::string& copy_sql,
                            const std::function<bool(std::string_view* chunk)>& next,
                            PgError* error) {
  PgError local;
  PgError* e = error != nullptr ? error : &local;
  ResultPtr r(PQexec(conn_, copy_sql.c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_COPY_IN) {
    FillError(conn_, r.get(), e);
    return StatusFromPgError(*e, "COPY on " + where_);
  }
  std::string_view chunk;
  bool send_failed = false;
  while (next(&chunk)) {
    if (chunk.empty()) continue;
    if (PQputCopyData(conn_, chunk.data(), static_cast<int>(chunk.size())) != 1) {
      send_failed = true;
      break;
    }
  }
  if (!send_failed) send_failed = PQputCopyEnd(conn_, nullptr) != 1;
  // The COPY's own result, then nothing; an error in the data shows here.
  Status s;
  while (PGresult* raw = PQgetResult(conn_)) {
    ResultPtr res(raw);
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK && s.ok()) {
      FillError(conn_, res.get(), e);
      s = StatusFromPgError(*e, "COPY on " + where_);
    }
    if (PQstatus(conn_) != CONNECTION_OK) break;
  }
  if (s.ok() && (send_failed || PQstatus(conn_) != CONNECTION_OK)) {
    FillError(conn_, nullptr, e);
    e->connection_lost = true;
    s = StatusFromPgError(*e, "COPY on " + where_);
  }
  return s;
}

Result<uint64_t> PgConnection::CopyOut(const std::string& copy_sql,
                                       const std::function<Status(std::string_view)>& sink) {
  PgError e;
  ResultPtr r(PQexec(conn_, copy_sql.c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_COPY_OUT) {
    FillError(conn_, r.get(), &e);
    return Err(StatusFromPgError(e, "COPY on " + where_));
  }
  uint64_t rows = 0;
  Status sink_status;
  for (;;) {
    char* buf = nullptr;
    const int n = PQgetCopyData(conn_, &buf, 0);
    if (n < 0) break;  // -1: done; -2: error (reported by PQgetResult below).
    if (sink_status.ok()) sink_status = sink(std::string_view(buf, static_cast<size_t>(n)));
    PQfreemem(buf);
    ++rows;
  }
  Status s;
  while (PGresult* raw = PQgetResult(conn_)) {
    ResultPtr res(raw);
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK && s.ok()) {
      FillError(conn_, res.get(), &e);
      s = StatusFromPgError(e, "COPY on " + where_);
    }
    if (PQstatus(conn_) != CONNECTION_OK) break;
  }
  if (s.ok() && PQstatus(conn_) != CONNECTION_OK) {
    FillError(conn_, nullptr, &e);
    e.connection_lost = true;
    s = StatusFromPgError(e, "COPY on " + where_);
  }
  if (!s.ok()) return Err(s);
  if (!sink_status.ok()) return Err(sink_status);
  return rows;
}

Result<std::string> PgConnection::QualifiedName(std::string_view table) {
  PgError e;
  auto rows = Query("SELECT to_regclass($1)::text", {std::string(table)}, &e);
  if (!rows) return Err(rows.error());
  if (rows->empty() || !(*rows)[0][0].has_value()) {
    return Err(Status::NotFound("table " + std::string(table) + " does not exist in " + where_));
  }
  return *(*rows)[0][0];
}

Result<std::vector<PgColumn>> PgConnection::TableColumns(std::string_view table) {
  auto name = QualifiedName(table);
  if (!name) return Err(name.error());
  auto rows = Query(
      "SELECT a.attname, a.atttypid::int8, t.typname, t.typcategory = 'S' "
      "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
      "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped "
      "ORDER BY a.attnum",
      {*name});
  if (!rows) return Err(rows.error());
  std::vector<PgColumn> cols;
  for (const PgRow& r : *rows) {
    PgColumn c;
    c.name = r[0].value_or("");
    c.type_oid = static_cast<uint32_t>(std::strtoul(r[1].value_or("0").c_str(), nullptr, 10));
    c.type_name = r[2].value_or("");
    c.is_string = r[3].value_or("f") == "t";
    cols.push_back(std::move(c));
  }
  return cols;
}

Result<std::vector<PgColumn>> PgConnection::QueryColumns(const std::string& select_sql) {
  const std::string sql = "SELECT * FROM (" + select_sql + ") AS smartcar_q LIMIT 0";
  ResultPtr r(PQexec(conn_, sql.c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    PgError e;
    FillError(conn_, r.get(), &e);
    return Err(StatusFromPgError(e, "on " + where_));
  }
  std::vector<PgColumn> cols;
  std::vector<std::string> oids;
  for (int j = 0; j < PQnfields(r.get()); ++j) {
    PgColumn c;
    c.name = PQfname(r.get(), j);
    c.type_oid = PQftype(r.get(), j);
    cols.push_back(std::move(c));
  }
  for (PgColumn& c : cols) {
    auto t = Query("SELECT typname, typcategory = 'S' FROM pg_type WHERE oid = $1::oid",
                   {std::to_string(c.type_oid)});
    if (!t) return Err(t.error());
    if (!t->empty()) {
      c.type_name = (*t)[0][0].value_or("");
      c.is_string = (*t)[0][1].value_or("f") == "t";
    }
  }
  return cols;
}

namespace {
// `text` between `quote`s, each `quote` inside doubled (identifiers and, with
// standard_conforming_strings on in every supported PostgreSQL, string literals).
std::string Quoted(std::string_view text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    if (c == quote) out.push_back(quote);
    out.push_back(c);
  }
  out.push_back(quote);
  return out;
}
}  // namespace

std::string PgConnection::QuoteIdent(std::string_view name) const { return Quoted(name, '"'); }

std::string PgConnection::QuoteLiteral(std::string_view text) const { return Quoted(text, '\''); }

}  // namespace smartcar::rdbms
