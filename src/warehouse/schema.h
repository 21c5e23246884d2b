// Declared table schemas. A table with a schema can be loaded from a log file; its view exists
// (empty) even before the first load, so queries and reports over an empty warehouse work.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smartcar::warehouse {

// Name of the Hive-style partition column every warehouse table has (VARCHAR, yyyyMMdd).
inline constexpr std::string_view kPartitionColumn = "wrk_date";

struct ColumnDef {
  std::string_view name;
  std::string_view type;  // A DuckDB type that maps to a Hive type (TIMESTAMP, INTEGER, VARCHAR).
};

struct TableSchema {
  std::string_view name;
  std::vector<ColumnDef> columns;  // Stored in the Parquet files, in order; not wrk_date.
};

// The schema of SmartCar_Status_Info: the status log's 13 fields with the pilot's Hive names.
const TableSchema& StatusTableSchema();
// The declared schema named `table` (case-sensitive), or nullptr.
const TableSchema* FindSchema(std::string_view table);
// All declared schemas.
std::vector<const TableSchema*> DeclaredSchemas();

// "(reg_date TIMESTAMP, car_number VARCHAR, ...)" for CREATE TABLE.
std::string ColumnListSql(const TableSchema& schema);
// A SELECT of zero rows with the table's columns and wrk_date, for the view of an empty table.
std::string EmptySelectSql(const TableSchema& schema);

}  // namespace smartcar::warehouse
