// The declared warehouse schemas (SmartCar_Status_Info with the pilot's Hive column names) and
// their SQL: a CREATE TABLE column list, and an empty SELECT for a table not loaded yet.
#include "warehouse/schema.h"

#include "warehouse/warehouse.h"

namespace smartcar::warehouse {
namespace {

std::string Ident(std::string_view name) { return "\"" + std::string(name) + "\""; }

}  // namespace

const TableSchema& StatusTableSchema() {
  static const TableSchema kSchema{
      kStatusTable,
      {
          {"reg_date", "TIMESTAMP"},
          {"car_number", "VARCHAR"},
          {"tire_fl", "INTEGER"},
          {"tire_fr", "INTEGER"},
          {"tire_bl", "INTEGER"},
          {"tire_br", "INTEGER"},
          {"light_fl", "INTEGER"},
          {"light_fr", "INTEGER"},
          {"light_bl", "INTEGER"},
          {"light_br", "INTEGER"},
          {"engine", "VARCHAR"},
          {"break", "VARCHAR"},  // (sic), the pilot's name for the brake.
          {"battery", "INTEGER"},
      }};
  return kSchema;
}

const TableSchema* FindSchema(std::string_view table) {
  for (const TableSchema* s : DeclaredSchemas()) {
    if (s->name == table) return s;
  }
  return nullptr;
}

std::vector<const TableSchema*> DeclaredSchemas() { return {&StatusTableSchema()}; }

std::string ColumnListSql(const TableSchema& schema) {
  std::string sql = "(";
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += Ident(schema.columns[i].name) + " " + std::string(schema.columns[i].type);
  }
  return sql + ")";
}

std::string EmptySelectSql(const TableSchema& schema) {
  std::string sql = "SELECT ";
  for (const ColumnDef& c : schema.columns) {
    sql += "CAST(NULL AS " + std::string(c.type) + ") AS " + Ident(c.name) + ", ";
  }
  return sql + "CAST(NULL AS VARCHAR) AS " + Ident(kPartitionColumn) + " WHERE false";
}

}  // namespace smartcar::warehouse
