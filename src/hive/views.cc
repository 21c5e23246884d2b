// TableSql and the warehouse view provider that exposes the metastore.
#include "hive/views.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "core/ascii.h"
#include "hive/hive.h"
#include "hive/lexer.h"
#include "hive/translate.h"
#include "warehouse/duck.h"

namespace fs = std::filesystem;

namespace smartcar::hive {

using warehouse::duck::Quote;
using warehouse::duck::QuoteIdent;
namespace {

std::string FileList(const std::vector<std::string>& files) {
  std::string out = "[";
  for (size_t i = 0; i < files.size(); ++i) out += (i ? ", " : "") + Quote(files[i]);
  return out + "]";
}

// `value` read as column `c`'s type, NULL where it does not convert (Hive's text semantics).
std::string Convert(const std::string& value_sql, const Column& c) {
  auto type = DuckType(c.type);
  if (!type || *type == "VARCHAR") return value_sql;
  return "TRY_CAST(" + value_sql + " AS " + *type + ")";
}

std::string EmptySql(const StoredTable& t) {
  std::string sql = "SELECT ";
  bool first = true;
  for (const auto* cols : {&t.def.columns, &t.def.partition_columns}) {
    for (const Column& c : *cols) {
      sql += (first ? "" : ", ") + std::string("CAST(NULL AS ") +
             DuckType(c.type).value_or("VARCHAR") + ") AS " + QuoteIdent(c.name);
      first = false;
    }
  }
  return sql + " WHERE false";
}

// One folder of a text or Parquet table, with the partition's values as constants.
std::string FolderSql(const StoredTable& t, const std::vector<std::string>& files,
                      const std::vector<std::string>& partition_values) {
  std::string select = "SELECT ";
  for (size_t i = 0; i < t.def.columns.size(); ++i) {
    const Column& c = t.def.columns[i];
    const std::string source =
        t.def.format == StorageFormat::kParquet ? QuoteIdent(c.name) : "c" + std::to_string(i);
    select += (i ? ", " : "") + Convert(source, c) + " AS " + QuoteIdent(c.name);
  }
  for (size_t i = 0; i < t.def.partition_columns.size(); ++i) {
    const Column& c = t.def.partition_columns[i];
    const std::string& v = i < partition_values.size() ? partition_values[i] : std::string();
    const std::string value = v == kDefaultPartition ? std::string("NULL") : Quote(v);
    select += ", " + Convert(value, c) + " AS " + QuoteIdent(c.name);
  }
  if (t.def.format == StorageFormat::kParquet) {
    return select + " FROM read_parquet(" + FileList(files) + ", union_by_name = true)";
  }
  std::string columns = "{";
  for (size_t i = 0; i < t.def.columns.size(); ++i) {
    columns += (i ? ", " : "") + Quote("c" + std::to_string(i)) + ": 'VARCHAR'";
  }
  columns += "}";
  // Hive's text semantics: no quoting or escaping, \N is NULL, a short line's missing fields
  // are NULL, extra fields are ignored, an empty field is an empty string. TBLPROPERTIES
  // ("skip.header.line.count"="n") skips each file's first n lines.
  std::string skip;
  if (auto it = t.def.properties.find("skip.header.line.count"); it != t.def.properties.end()) {
    int n = 0;
    for (char ch : it->second) {
      if (std::isdigit(static_cast<unsigned char>(ch)) != 0 && n < 100000) n = n * 10 + (ch - '0');
    }
    if (n > 0) skip = ", skip = " + std::to_string(n);
  }
  return select + " FROM read_csv(" + FileList(files) +
         ", delim = " + Quote(t.def.field_delimiter) +
         ", header = false, quote = '', escape = '', columns = " + columns +
         ", nullstr = '\\N', null_padding = true, strict_mode = false, auto_detect = false" + skip +
         ")";
}

std::string HBaseSql(const Metastore& ms, const StoredTable& t) {
  const fs::path snapshot = fs::absolute(fs::path(ms.data_dir()) / "warehouse" / "_snapshots" /
                                         t.def.hbase_table / "part-0.parquet");
  std::error_code ec;
  if (!fs::exists(snapshot, ec)) return EmptySql(t);
  std::string sql = "SELECT ";
  for (size_t i = 0; i < t.def.columns.size(); ++i) {
    const std::string& entry = t.def.hbase_mapping[i];
    const std::string source =
        entry == ":key" ? std::string("row_key") : entry.substr(entry.find(':') + 1);
    sql += (i ? ", " : "") + Convert(QuoteIdent(source), t.def.columns[i]) + " AS " +
           QuoteIdent(t.def.columns[i].name);
  }
  return sql + " FROM read_parquet(" + Quote(snapshot.lexically_normal().string()) + ")";
}

}  // namespace

std::vector<std::string> DataFiles(const std::string& folder) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.' || name[0] == '_') continue;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) continue;
    if (!e.is_regular_file(ec)) continue;
    out.push_back(fs::absolute(e.path()).lexically_normal().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string> TableSql(const Metastore& ms, const StoredTable& t) {
  if (t.def.format == StorageFormat::kHBase) return HBaseSql(ms, t);
  std::vector<std::string> parts;
  if (t.def.partition_columns.empty()) {
    const auto files = DataFiles(ms.TableFolder(t.def));
    if (!files.empty()) parts.push_back(FolderSql(t, files, {}));
  } else {
    for (const Partition& p : t.partitions) {
      const auto files = DataFiles(ms.PartitionFolder(t, p));
      if (!files.empty()) parts.push_back(FolderSql(t, files, p.values));
    }
  }
  if (parts.empty()) return EmptySql(t);
  std::string sql;
  for (size_t i = 0; i < parts.size(); ++i) sql += (i ? " UNION ALL " : "") + parts[i];
  return sql;
}

Result<std::vector<PartitionSummary>> ListPartitions(const std::string& data_dir,
                                                     const std::string& table) {
  Metastore ms(data_dir);
  auto t = ms.Find(table);
  if (!t) return Err(t.error());
  if (!*t) return Err(Status::NotFound("no Hive table " + table + " in " + data_dir));
  std::vector<PartitionSummary> out;
  auto summarize = [](const std::string& name, const std::string& folder) {
    PartitionSummary p{name, 0, 0, folder};
    for (const std::string& f : DataFiles(folder)) {
      std::error_code ec;
      const auto size = fs::file_size(f, ec);
      ++p.files;
      if (!ec) p.bytes += size;
    }
    return p;
  };
  if ((*t)->def.format == StorageFormat::kHBase) return out;
  if ((*t)->def.partition_columns.empty()) {
    out.push_back(summarize("", ms.TableFolder((*t)->def)));
    return out;
  }
  for (const Partition& p : (*t)->partitions) {
    out.push_back(
        summarize(Metastore::PartitionPath((*t)->def, p.values), ms.PartitionFolder(**t, p)));
  }
  return out;
}

void RegisterHiveViews() {
  warehouse::RegisterViewProvider(
      "hive", [](const std::string& data_dir) -> Result<std::vector<warehouse::ViewDefinition>> {
        Metastore ms(data_dir);
        auto tables = ms.Tables();
        if (!tables) return Err(tables.error());
        std::vector<warehouse::ViewDefinition> views;
        for (const StoredTable& t : *tables) {
          auto sql = TableSql(ms, t);
          if (!sql) return Err(sql.error());
          views.push_back({AsciiLower(t.def.name), *sql, "hive"});
        }
        return views;
      });
}

}  // namespace smartcar::hive
