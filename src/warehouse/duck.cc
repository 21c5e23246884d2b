// duck::Session over DuckDB's C API: an in-memory database with extension autoinstall and
// autoload off, results materialised as text rows with column types, errors as InvalidArgument.
#include "warehouse/duck.h"

#include <duckdb.h>

#include <string>

namespace smartcar::warehouse::duck {
namespace {

// Owns a duckdb_result.
class ResultGuard {
 public:
  ResultGuard() = default;
  ~ResultGuard() { duckdb_destroy_result(&r_); }
  ResultGuard(const ResultGuard&) = delete;
  ResultGuard& operator=(const ResultGuard&) = delete;
  duckdb_result* get() { return &r_; }

 private:
  duckdb_result r_ = {};
};

// Owns a duckdb_config.
class ConfigGuard {
 public:
  ~ConfigGuard() {
    if (c_ != nullptr) duckdb_destroy_config(&c_);
  }
  duckdb_config* out() { return &c_; }
  duckdb_config get() { return c_; }

 private:
  duckdb_config c_ = nullptr;
};

QueryResult::Kind KindOf(duckdb_type t) {
  switch (t) {
    case DUCKDB_TYPE_BOOLEAN:
      return QueryResult::Kind::kBool;
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UTINYINT:
    case DUCKDB_TYPE_USMALLINT:
    case DUCKDB_TYPE_UINTEGER:
    case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UHUGEINT:
    case DUCKDB_TYPE_FLOAT:
    case DUCKDB_TYPE_DOUBLE:
    case DUCKDB_TYPE_DECIMAL:
      return QueryResult::Kind::kNumber;
    default:
      return QueryResult::Kind::kText;
  }
}

std::string TypeName(duckdb_result* r, idx_t col) {
  duckdb_logical_type lt = duckdb_column_logical_type(r, col);
  char* s = duckdb_logical_type_get_alias(lt);
  std::string name;
  if (s != nullptr) {
    name = s;
    duckdb_free(s);
  } else {
    // The C API has no type-to-string; DuckDB's own names for the common ids.
    switch (duckdb_get_type_id(lt)) {
      case DUCKDB_TYPE_BOOLEAN:
        name = "BOOLEAN";
        break;
      case DUCKDB_TYPE_TINYINT:
        name = "TINYINT";
        break;
      case DUCKDB_TYPE_SMALLINT:
        name = "SMALLINT";
        break;
      case DUCKDB_TYPE_INTEGER:
        name = "INTEGER";
        break;
      case DUCKDB_TYPE_BIGINT:
        name = "BIGINT";
        break;
      case DUCKDB_TYPE_HUGEINT:
        name = "HUGEINT";
        break;
      case DUCKDB_TYPE_FLOAT:
        name = "FLOAT";
        break;
      case DUCKDB_TYPE_DOUBLE:
        name = "DOUBLE";
        break;
      case DUCKDB_TYPE_DECIMAL:
        name = "DECIMAL";
        break;
      case DUCKDB_TYPE_VARCHAR:
        name = "VARCHAR";
        break;
      case DUCKDB_TYPE_DATE:
        name = "DATE";
        break;
      case DUCKDB_TYPE_TIMESTAMP:
        name = "TIMESTAMP";
        break;
      case DUCKDB_TYPE_LIST:
        name = "LIST";
        break;
      case DUCKDB_TYPE_STRUCT:
        name = "STRUCT";
        break;
      default:
        name = "OTHER";
        break;
    }
  }
  duckdb_destroy_logical_type(&lt);
  return name;
}

Status ErrorOf(duckdb_result* r) {
  const char* raw = duckdb_result_error(r);
  std::string msg = raw != nullptr ? raw : "DuckDB error";
  // DuckDB 1.4's C API can repeat the "LINE n:" caret block; keep one copy.
  const size_t p = msg.find("\n\nLINE ");
  if (p != std::string::npos) {
    const std::string tail = msg.substr(p);
    const size_t half = tail.size() / 2;
    if (tail.size() % 2 == 0 && tail.compare(0, half, tail, half, half) == 0) {
      msg.resize(p + half);
    }
  }
  while (!msg.empty() && msg.back() == '\n') msg.pop_back();
  return Status::InvalidArgument(msg);
}

}  // namespace

namespace {

// java_string_hash(VARCHAR) → INTEGER: Hive's hash() of a string (ObjectInspectorUtils.hashCode:
// r = r * 31 + byte over the UTF-8 bytes as signed bytes, 32-bit wrap-around; String.hashCode
// for ASCII). NULL in, NULL out (the caller turns it into Hive's 0).
void JavaStringHash(duckdb_function_info, duckdb_data_chunk input, duckdb_vector output) {
  const idx_t n = duckdb_data_chunk_get_size(input);
  duckdb_vector in = duckdb_data_chunk_get_vector(input, 0);
  auto* strings = static_cast<duckdb_string_t*>(duckdb_vector_get_data(in));
  uint64_t* validity = duckdb_vector_get_validity(in);
  auto* out = static_cast<int32_t*>(duckdb_vector_get_data(output));
  duckdb_vector_ensure_validity_writable(output);
  uint64_t* out_validity = duckdb_vector_get_validity(output);
  for (idx_t row = 0; row < n; ++row) {
    if (validity != nullptr && !duckdb_validity_row_is_valid(validity, row)) {
      duckdb_validity_set_row_invalid(out_validity, row);
      continue;
    }
    const uint32_t len = duckdb_string_t_length(strings[row]);
    const char* data = duckdb_string_t_data(&strings[row]);
    uint32_t r = 0;
    for (uint32_t i = 0; i < len; ++i) {
      r = r * 31u + static_cast<uint32_t>(static_cast<int32_t>(static_cast<signed char>(data[i])));
    }
    out[row] = static_cast<int32_t>(r);
  }
}

Status RegisterFunctions(duckdb_connection con) {
  duckdb_scalar_function f = duckdb_create_scalar_function();
  duckdb_scalar_function_set_name(f, "java_string_hash");
  duckdb_logical_type varchar = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
  duckdb_logical_type integer = duckdb_create_logical_type(DUCKDB_TYPE_INTEGER);
  duckdb_scalar_function_add_parameter(f, varchar);
  duckdb_scalar_function_set_return_type(f, integer);
  duckdb_scalar_function_set_function(f, JavaStringHash);
  const duckdb_state state = duckdb_register_scalar_function(con, f);
  duckdb_destroy_logical_type(&varchar);
  duckdb_destroy_logical_type(&integer);
  duckdb_destroy_scalar_function(&f);
  if (state == DuckDBError) return Status::IOError("DuckDB: cannot register java_string_hash");
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<Session>> Session::Open(const WarehouseOptions& options) {
  std::unique_ptr<Session> s(new Session());
  ConfigGuard config;
  if (duckdb_create_config(config.out()) == DuckDBError) {
    return Err(Status::IOError("DuckDB: cannot create a configuration"));
  }
  // No network: never download extensions; parquet is built into libduckdb.
  duckdb_set_config(config.get(), "autoinstall_known_extensions", "false");
  duckdb_set_config(config.get(), "autoload_known_extensions", "false");
  if (options.threads > 0) {
    duckdb_set_config(config.get(), "threads", std::to_string(options.threads).c_str());
  }
  if (!options.memory_limit.empty()) {
    duckdb_set_config(config.get(), "memory_limit", options.memory_limit.c_str());
  }
  char* error = nullptr;
  if (duckdb_open_ext(nullptr, &s->db_, config.get(), &error) == DuckDBError) {
    std::string msg = error != nullptr ? error : "unknown error";
    duckdb_free(error);
    return Err(Status::IOError("DuckDB: cannot open: " + msg));
  }
  if (duckdb_connect(s->db_, &s->con_) == DuckDBError) {
    return Err(Status::IOError("DuckDB: cannot connect"));
  }
  if (Status st = RegisterFunctions(s->con_); !st.ok()) return Err(st);
  return s;
}

Session::~Session() {
  if (con_ != nullptr) duckdb_disconnect(&con_);
  if (db_ != nullptr) duckdb_close(&db_);
}

Status Session::Exec(std::string_view sql) {
  ResultGuard r;
  const std::string text(sql);
  if (duckdb_query(con_, text.c_str(), r.get()) == DuckDBError) return ErrorOf(r.get());
  return Status::OK();
}

Result<QueryResult> Session::Query(std::string_view sql) {
  ResultGuard r;
  const std::string text(sql);
  if (duckdb_query(con_, text.c_str(), r.get()) == DuckDBError) return Err(ErrorOf(r.get()));
  QueryResult out;
  const idx_t cols = duckdb_column_count(r.get());
  for (idx_t c = 0; c < cols; ++c) {
    out.columns.emplace_back(duckdb_column_name(r.get(), c));
    out.types.push_back(TypeName(r.get(), c));
    out.kinds.push_back(KindOf(duckdb_column_type(r.get(), c)));
  }
  // Materialised results: the value accessors render any type the way DuckDB prints it.
  const idx_t rows = duckdb_row_count(r.get());
  out.rows.reserve(rows);
  for (idx_t i = 0; i < rows; ++i) {
    std::vector<std::optional<std::string>> row(cols);
    for (idx_t c = 0; c < cols; ++c) {
      if (duckdb_value_is_null(r.get(), c, i)) continue;
      char* v = duckdb_value_varchar(r.get(), c, i);
      row[c] = std::string(v != nullptr ? v : "");
      duckdb_free(v);
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

Result<int64_t> Session::QueryInt(std::string_view sql) {
  ResultGuard r;
  const std::string text(sql);
  if (duckdb_query(con_, text.c_str(), r.get()) == DuckDBError) return Err(ErrorOf(r.get()));
  if (duckdb_row_count(r.get()) == 0 || duckdb_column_count(r.get()) == 0) {
    return Err(Status::NotFound("query returned no rows"));
  }
  return duckdb_value_int64(r.get(), 0, 0);
}

std::string Quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace smartcar::warehouse::duck
