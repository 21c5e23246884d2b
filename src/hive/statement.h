// HiveQL statements other than queries, parsed into plain structs; a query (SELECT/WITH) is kept
// as text for translate.h. Internal to src/hive/.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/status.h"

namespace smartcar::hive {

struct Column {
  std::string name;
  std::string type;  // Hive's type, lower case: "string", "int", "decimal(10,2)"...
};

enum class StorageFormat { kText, kParquet, kHBase };

// A table as the metastore keeps it (metastore.h).
struct TableDef {
  std::string name;  // As created (case kept); looked up ignoring case.
  bool external = false;
  std::vector<Column> columns;
  std::vector<Column> partition_columns;
  StorageFormat format = StorageFormat::kText;
  std::string field_delimiter = "\x01";           // Hive's default, Ctrl-A.
  std::string location;                           // The Hive path as written; "" = the default.
  std::string hbase_table;                        // hbase.table.name (kHBase).
  std::vector<std::string> hbase_mapping;         // hbase.columns.mapping, one entry per column.
  std::map<std::string, std::string> properties;  // TBLPROPERTIES.
};

// (column, value); value is nullopt for a dynamic partition column (`partition(biz_date)`).
using PartitionSpec = std::vector<std::pair<std::string, std::optional<std::string>>>;

struct CreateTableStmt {
  TableDef table;
  bool if_not_exists = false;
  std::string as_select;  // CREATE TABLE … AS SELECT: the query (text before it blanked); "".
  size_t as_select_offset = 0;
};
struct DropTableStmt {
  std::string table;
  bool if_exists = false;
};
struct AlterPartitionsStmt {
  std::string table;
  bool add = true;         // ADD or DROP.
  bool if_clause = false;  // ADD IF NOT EXISTS / DROP IF EXISTS.
  std::vector<PartitionSpec> specs;
  std::vector<std::string> locations;  // Per spec, "" = the default (ADD only).
};
struct MsckStmt {
  std::string table;
};
struct ShowStmt {
  enum class Kind { kTables, kPartitions, kDatabases, kCreateTable };
  Kind kind = Kind::kTables;
  std::string table;
  std::string like;  // SHOW TABLES [LIKE] 'pattern' (Hive's * and | wildcards).
};
struct DescribeStmt {
  std::string table;
  bool formatted = false;
};
struct SetStmt {
  std::string key;  // "" for a bare `set` (lists the settings).
  std::string value;
  bool has_value = false;
};
struct UseStmt {
  std::string database;
};
struct InsertStmt {
  bool overwrite = false;
  bool directory = false;  // INSERT OVERWRITE [LOCAL] DIRECTORY.
  bool local = false;
  std::string target;  // The table, or the directory.
  PartitionSpec partition;
  std::string field_delimiter = "\x01";
  std::string select;  // The statement with everything before the query blanked (positions kept).
  size_t select_offset = 0;
};
struct LoadDataStmt {
  bool local = false;
  std::string path;
  bool overwrite = false;
  std::string table;
  PartitionSpec partition;
};
struct QueryStmt {
  std::string select;  // The statement with anything before SELECT/WITH blanked.
};

using Statement =
    std::variant<CreateTableStmt, DropTableStmt, AlterPartitionsStmt, MsckStmt, ShowStmt,
                 DescribeStmt, SetStmt, UseStmt, InsertStmt, LoadDataStmt, QueryStmt>;

// Parses one statement (no ';'). Errors say where and why: "line 3:14 not supported: CLUSTERED
// BY" (NotSupported) for HiveQL this product does not run, "line 1:8 expected TABLE" otherwise.
// `first_line`: the script line where `text` begins.
Result<Statement> ParseStatement(std::string_view text, int first_line = 1);

// The DuckDB type for a Hive type ("string" → VARCHAR); NotSupported for complex types.
Result<std::string> DuckType(std::string_view hive_type);

}  // namespace smartcar::hive
