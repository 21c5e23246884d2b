// SessionImpl: runs each parsed statement on the metastore and the warehouse's DuckDB.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <optional>
#include <set>

#include "core/ascii.h"
#include "core/file.h"
#include "hive/hive.h"
#include "hive/lexer.h"
#include "hive/metastore.h"
#include "hive/script.h"
#include "hive/statement.h"
#include "hive/translate.h"
#include "hive/views.h"
#include "warehouse/duck.h"

namespace fs = std::filesystem;

namespace smartcar::hive {

using warehouse::duck::Quote;
using warehouse::duck::QuoteIdent;
namespace {

std::atomic<uint64_t> g_staging_counter{0};

constexpr std::string_view kInsertTable = "__hive_insert";

std::string TypeOfDuck(const std::string& duck) {
  if (duck == "VARCHAR") return "string";
  if (duck == "BIGINT" || duck == "HUGEINT" || duck == "UBIGINT") return "bigint";
  if (duck == "INTEGER" || duck == "UINTEGER") return "int";
  if (duck == "SMALLINT" || duck == "USMALLINT") return "smallint";
  if (duck == "TINYINT" || duck == "UTINYINT") return "tinyint";
  if (duck == "DOUBLE") return "double";
  if (duck == "FLOAT") return "float";
  if (duck == "BOOLEAN") return "boolean";
  if (duck == "DATE") return "date";
  if (duck.rfind("TIMESTAMP", 0) == 0) return "timestamp";
  if (duck.rfind("DECIMAL", 0) == 0) return AsciiLower(duck);
  return "string";
}

bool IsIntegerDuck(const std::string& duck) {
  return duck == "TINYINT" || duck == "SMALLINT" || duck == "INTEGER" || duck == "BIGINT" ||
         duck == "HUGEINT" || duck == "UTINYINT" || duck == "USMALLINT" || duck == "UINTEGER" ||
         duck == "UBIGINT";
}

// SQL turning result column `source` (of DuckDB type `from`) into the value stored in a column
// of Hive type `to`, as Hive converts on insert (what does not convert is NULL).
std::string StoreAs(const std::string& source, const std::string& from, const std::string& to) {
  auto duck = DuckType(to);
  const std::string target = duck ? *duck : "VARCHAR";
  if (target == "VARCHAR") return "CAST(" + source + " AS VARCHAR)";
  if (IsIntegerDuck(target) && !IsIntegerDuck(from)) {
    return "TRY_CAST(trunc(TRY_CAST(" + source + " AS DOUBLE)) AS " + target + ")";
  }
  return "TRY_CAST(" + source + " AS " + target + ")";
}

std::string PartitionText(const TableDef& def, const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < def.partition_columns.size() && i < values.size(); ++i) {
    out += (i ? "," : "") + AsciiLower(def.partition_columns[i].name) + "=" + values[i];
  }
  return out;
}

warehouse::QueryResult TextRows(const std::vector<std::string>& columns,
                                const std::vector<std::vector<std::string>>& rows) {
  warehouse::QueryResult r;
  r.columns = columns;
  r.types.assign(columns.size(), "VARCHAR");
  r.kinds.assign(columns.size(), warehouse::QueryResult::Kind::kText);
  for (const auto& row : rows) {
    std::vector<std::optional<std::string>> out;
    for (const auto& v : row) out.emplace_back(v);
    r.rows.push_back(std::move(out));
  }
  return r;
}

// Hive's SHOW TABLES pattern: '*' any characters, '|' alternatives, case-insensitive.
bool LikeMatch(std::string_view pattern, std::string_view name) {
  size_t start = 0;
  while (true) {
    const size_t bar = pattern.find('|', start);
    const std::string alt =
        AsciiLower(pattern.substr(start, bar == std::string_view::npos ? bar : bar - start));
    // Glob match with '*'.
    const std::string n = AsciiLower(name);
    size_t p = 0, s = 0, star = std::string::npos, mark = 0;
    while (s < n.size()) {
      if (p < alt.size() && (alt[p] == n[s] || alt[p] == '.')) {
        ++p, ++s;
      } else if (p < alt.size() && alt[p] == '*') {
        star = p++;
        mark = s;
      } else if (star != std::string::npos) {
        p = star + 1;
        s = ++mark;
      } else {
        break;
      }
    }
    while (p < alt.size() && alt[p] == '*') ++p;
    if (s == n.size() && p == alt.size()) return true;
    if (bar == std::string_view::npos) return false;
    start = bar + 1;
  }
}

class SessionImpl final : public Session {
 public:
  SessionImpl(const Options& options, std::unique_ptr<warehouse::Warehouse> w)
      : ms_(options.data_dir), w_(std::move(w)) {
    vars_.hivevar = options.hivevar;
    vars_.hiveconf = options.hiveconf;
    settings_ = {{"hive.exec.dynamic.partition", "true"},
                 {"hive.exec.dynamic.partition.mode", "strict"},
                 {"hive.cli.print.header", "false"}};
    for (const auto& [k, v] : options.hiveconf) settings_[k] = v;
  }

  Status Init() {
    auto r = w_->QueryWithoutRefresh(std::string(MacroSql()) +
                                     "CREATE SCHEMA IF NOT EXISTS hive;\n"
                                     "SET search_path = 'hive,main';");
    return r ? Status::OK() : r.error();
  }

  Status RunScript(std::string_view script,
                   const std::function<void(const Output&)>& out) override {
    auto statements = SplitStatements(script);
    if (!statements) return statements.error();
    for (const ScriptStatement& st : *statements) {
      Output o;
      o.line = st.line;
      const std::string text = Substitute(st.text, vars_);
      if (Status s = Run(text, st.line, &o); !s.ok()) return s;
      out(o);
    }
    return Status::OK();
  }

  bool PrintHeader() const override {
    auto it = settings_.find("hive.cli.print.header");
    return it != settings_.end() && AsciiLower(it->second) == "true";
  }

 private:
  Status Run(const std::string& text, int line, Output* o) {
    auto parsed = ParseStatement(text, line);
    if (!parsed) return parsed.error();
    // Statements that change tables hold the metastore lock; queries, SHOW, DESCRIBE and SET
    // do not.
    std::optional<FileLock> lock;
    if (!std::holds_alternative<QueryStmt>(*parsed) && !std::holds_alternative<ShowStmt>(*parsed) &&
        !std::holds_alternative<DescribeStmt>(*parsed) &&
        !std::holds_alternative<SetStmt>(*parsed) && !std::holds_alternative<UseStmt>(*parsed)) {
      auto l = LockMetastore(ms_.data_dir());
      if (!l) return l.error();
      lock.emplace(std::move(*l));
    }
    return std::visit([&](auto& st) { return Do(st, text, line, o); }, *parsed);
  }

  // The tables by lower-case name, for TranslateQuery.
  Result<std::map<std::string, TableDef>> TableDefs() {
    auto tables = ms_.Tables();
    if (!tables) return Err(tables.error());
    std::map<std::string, TableDef> out;
    for (const StoredTable& t : *tables) out[AsciiLower(t.def.name)] = t.def;
    return out;
  }

  Result<std::string> Translate(std::string_view select, int line) {
    auto defs = TableDefs();
    if (!defs) return Err(defs.error());
    return TranslateQuery(select, line, *defs,
                          [this](const std::string& sql) -> Result<std::string> {
                            auto r = w_->QueryWithoutRefresh(sql);
                            if (!r) return Err(r.error());
                            if (r->rows.empty() || r->rows[0].empty() || !r->rows[0][0]) {
                              return Err(Status::Corruption("no value from: " + sql.substr(0, 80)));
                            }
                            return *r->rows[0][0];
                          });
  }

  Result<StoredTable> FindTable(const std::string& name, int line) {
    auto t = ms_.Find(name);
    if (!t) return Err(t.error());
    if (!*t) {
      return Err(
          Status::NotFound("line " + std::to_string(line) + " Table not found '" + name + "'"));
    }
    return **t;
  }

  // --- Queries -----------------------------------------------------------------------------
  Status Do(QueryStmt& st, const std::string&, int line, Output* o) {
    auto sql = Translate(st.select, line);
    if (!sql) return sql.error();
    auto r = w_->Query(*sql);
    if (!r) return r.error().WithPrefix(QueryLine(st.select, line) + ": ");
    o->has_rows = true;
    o->rows = std::move(*r);
    o->messages.push_back("Fetched: " + std::to_string(o->rows.rows.size()) + " row(s)");
    return Status::OK();
  }

  // --- DDL -----------------------------------------------------------------------------------
  Status Do(CreateTableStmt& st, const std::string&, int line, Output* o) {
    auto existing = ms_.Find(st.table.name);
    if (!existing) return existing.error();
    if (*existing) {
      if (st.if_not_exists) return Status::OK();
      return Status::InvalidArgument("line " + std::to_string(line) + " Table " + st.table.name +
                                     " already exists");
    }
    if (st.table.format == StorageFormat::kHBase &&
        AsciiLower(st.table.hbase_table) != "drivercarinfo") {
      return Status::NotSupported("line " + std::to_string(line) +
                                  " not supported: an HBase table other than DriverCarInfo ('" +
                                  st.table.hbase_table + "')");
    }
    if (st.table.format == StorageFormat::kHBase) st.table.hbase_table = "DriverCarInfo";
    StoredTable t;
    t.def = st.table;
    if (!st.as_select.empty()) return CreateAsSelect(std::move(t), st.as_select, line, o);
    if (t.def.format != StorageFormat::kHBase) {
      SMARTCAR_RETURN_IF_ERROR(CreateFolders(ms_.TableFolder(t.def)));
    }
    SMARTCAR_RETURN_IF_ERROR(ms_.Put(t));
    o->messages.push_back("OK");
    return Status::OK();
  }

  // "line N" of the first word of a query (DuckDB's own errors count lines of the rewritten SQL).
  static std::string QueryLine(std::string_view select, int line) {
    for (char c : select) {
      if (c == '\n') {
        ++line;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        break;
      }
    }
    return "line " + std::to_string(line);
  }

  Status CreateAsSelect(StoredTable t, const std::string& select, int line, Output* o) {
    auto sql = Translate(select, line);
    if (!sql) return sql.error();
    auto columns = Materialize(*sql, QueryLine(select, line));
    if (!columns) return columns.error();
    std::set<std::string> seen;
    for (size_t i = 0; i < columns->size(); ++i) {
      std::string name = (*columns)[i].first;
      const bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
      });
      if (!plain || seen.count(AsciiLower(name)) != 0) name = "_c" + std::to_string(i);
      seen.insert(AsciiLower(name));
      t.def.columns.push_back({name, TypeOfDuck((*columns)[i].second)});
    }
    SMARTCAR_RETURN_IF_ERROR(CreateFolders(ms_.TableFolder(t.def)));
    SMARTCAR_RETURN_IF_ERROR(ms_.Put(t));
    auto rows = WriteFolder(t, *columns, "", ms_.TableFolder(t.def), /*overwrite=*/true);
    (void)w_->QueryWithoutRefresh("DROP TABLE IF EXISTS " + std::string(kInsertTable));
    if (!rows) return rows.error();
    o->messages.push_back("Moving data to table default." + AsciiLower(t.def.name) + " (" +
                          std::to_string(*rows) + " rows)");
    return Status::OK();
  }

  Status Do(DropTableStmt& st, const std::string&, int line, Output* o) {
    auto t = ms_.Find(st.table);
    if (!t) return t.error();
    if (!*t) {
      if (st.if_exists) return Status::OK();
      return Status::NotFound("line " + std::to_string(line) + " Table not found '" + st.table +
                              "'");
    }
    if (!(*t)->def.external && (*t)->def.format != StorageFormat::kHBase) {
      std::error_code ec;
      fs::remove_all(ms_.TableFolder((*t)->def), ec);
      for (const Partition& p : (*t)->partitions) fs::remove_all(ms_.PartitionFolder(**t, p), ec);
    }
    SMARTCAR_RETURN_IF_ERROR(ms_.Remove(st.table));
    o->messages.push_back("OK");
    return Status::OK();
  }

  // The values of a full partition spec in the table's column order.
  Result<std::vector<std::string>> SpecValues(const StoredTable& t, const PartitionSpec& spec,
                                              int line, bool allow_partial) {
    const auto& cols = t.def.partition_columns;
    if (cols.empty()) {
      return Err(Status::InvalidArgument("line " + std::to_string(line) + " table " + t.def.name +
                                         " is not partitioned"));
    }
    std::vector<std::string> values(cols.size());
    std::vector<bool> set(cols.size(), false);
    for (const auto& [name, value] : spec) {
      size_t i = 0;
      while (i < cols.size() && !EqualsIgnoreAsciiCase(cols[i].name, name)) ++i;
      if (i == cols.size()) {
        return Err(Status::InvalidArgument("line " + std::to_string(line) + " " + name +
                                           " is not a partition column of " + t.def.name));
      }
      values[i] = value.value_or("");
      set[i] = true;
    }
    if (!allow_partial && std::find(set.begin(), set.end(), false) != set.end()) {
      return Err(Status::InvalidArgument(
          "line " + std::to_string(line) +
          " the partition spec must name every partition column of " + t.def.name));
    }
    return values;
  }

  Status Do(AlterPartitionsStmt& st, const std::string&, int line, Output* o) {
    auto t = FindTable(st.table, line);
    if (!t) return t.error();
    for (size_t i = 0; i < st.specs.size(); ++i) {
      auto values = SpecValues(*t, st.specs[i], line, /*allow_partial=*/!st.add);
      if (!values) return values.error();
      if (st.add) {
        auto it = std::find_if(t->partitions.begin(), t->partitions.end(),
                               [&](const Partition& p) { return p.values == *values; });
        if (it != t->partitions.end()) {
          if (st.if_clause) continue;
          return Status::InvalidArgument("line " + std::to_string(line) + " partition " +
                                         PartitionText(t->def, *values) + " of " + t->def.name +
                                         " already exists");
        }
        Partition p{*values, st.locations[i]};
        SMARTCAR_RETURN_IF_ERROR(CreateFolders(ms_.PartitionFolder(*t, p)));
        t->partitions.push_back(std::move(p));
      } else {
        // A partial spec drops every partition it matches.
        std::vector<bool> named(t->def.partition_columns.size(), false);
        for (const auto& [name, value] : st.specs[i]) {
          for (size_t c = 0; c < named.size(); ++c) {
            if (EqualsIgnoreAsciiCase(t->def.partition_columns[c].name, name)) named[c] = true;
          }
        }
        size_t dropped = 0;
        for (auto it = t->partitions.begin(); it != t->partitions.end();) {
          bool match = true;
          for (size_t c = 0; c < named.size(); ++c) {
            if (named[c] && it->values[c] != (*values)[c]) match = false;
          }
          if (!match) {
            ++it;
            continue;
          }
          if (!t->def.external) {
            std::error_code ec;
            fs::remove_all(ms_.PartitionFolder(*t, *it), ec);
          }
          o->messages.push_back("Dropped the partition " + PartitionText(t->def, it->values));
          it = t->partitions.erase(it);
          ++dropped;
        }
        if (dropped == 0 && !st.if_clause) {
          return Status::NotFound("line " + std::to_string(line) + " no partition of " +
                                  t->def.name + " matches the spec");
        }
      }
    }
    SMARTCAR_RETURN_IF_ERROR(ms_.Put(*t));
    o->messages.push_back("OK");
    return Status::OK();
  }

  // Folders k1=v1/k2=v2/… under `dir` for the partition columns from `depth` on.
  void FindPartitionFolders(const StoredTable& t, const fs::path& dir, size_t depth,
                            std::vector<std::string>* values,
                            std::vector<std::vector<std::string>>* out) {
    if (depth == t.def.partition_columns.size()) {
      out->push_back(*values);
      return;
    }
    std::error_code ec;
    std::vector<fs::path> children;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.is_directory(ec)) children.push_back(e.path());
    }
    std::sort(children.begin(), children.end());
    for (const fs::path& child : children) {
      std::string value;
      if (!Metastore::ParsePartitionFolder(child.filename().string(),
                                           t.def.partition_columns[depth].name, &value)) {
        continue;
      }
      values->push_back(value);
      FindPartitionFolders(t, child, depth + 1, values, out);
      values->pop_back();
    }
  }

  Status Do(MsckStmt& st, const std::string&, int line, Output* o) {
    auto t = FindTable(st.table, line);
    if (!t) return t.error();
    if (t->def.partition_columns.empty()) {
      o->messages.push_back("OK");
      return Status::OK();
    }
    std::vector<std::vector<std::string>> found;
    std::vector<std::string> values;
    FindPartitionFolders(*t, ms_.TableFolder(t->def), 0, &values, &found);
    std::string missing;
    for (const auto& v : found) {
      auto it = std::find_if(t->partitions.begin(), t->partitions.end(),
                             [&](const Partition& p) { return p.values == v; });
      if (it != t->partitions.end()) continue;
      t->partitions.push_back({v, ""});
      const std::string name = AsciiLower(t->def.name) + ":" + Metastore::PartitionPath(t->def, v);
      missing += (missing.empty() ? "" : "\t") + name;
      o->messages.push_back("Repair: Added partition to metastore " + name);
    }
    if (!missing.empty()) {
      o->messages.insert(o->messages.begin(), "Partitions not in metastore:\t" + missing);
      SMARTCAR_RETURN_IF_ERROR(ms_.Put(*t));
    }
    o->messages.push_back("OK");
    return Status::OK();
  }

  Status Do(ShowStmt& st, const std::string&, int line, Output* o) {
    o->has_rows = true;
    std::vector<std::vector<std::string>> rows;
    switch (st.kind) {
      case ShowStmt::Kind::kDatabases:
        o->rows = TextRows({"database_name"}, {{"default"}});
        return Status::OK();
      case ShowStmt::Kind::kTables: {
        auto tables = ms_.Tables();
        if (!tables) return tables.error();
        for (const StoredTable& t : *tables) {
          if (st.like.empty() || LikeMatch(st.like, t.def.name))
            rows.push_back({AsciiLower(t.def.name)});
        }
        o->rows = TextRows({"tab_name"}, rows);
        return Status::OK();
      }
      case ShowStmt::Kind::kPartitions: {
        auto t = FindTable(st.table, line);
        if (!t) return t.error();
        if (t->def.partition_columns.empty()) {
          return Status::InvalidArgument("line " + std::to_string(line) + " Table " + st.table +
                                         " is not a partitioned table");
        }
        for (const Partition& p : t->partitions) {
          rows.push_back({Metastore::PartitionPath(t->def, p.values)});
        }
        o->rows = TextRows({"partition"}, rows);
        return Status::OK();
      }
      case ShowStmt::Kind::kCreateTable: {
        auto t = FindTable(st.table, line);
        if (!t) return t.error();
        o->rows = TextRows({"createtab_stmt"}, {{CreateText(*t)}});
        return Status::OK();
      }
    }
    return Status::OK();
  }

  std::string CreateText(const StoredTable& t) {
    auto cols = [](const std::vector<Column>& columns) {
      std::string out;
      for (size_t i = 0; i < columns.size(); ++i) {
        out += std::string(i ? ",\n" : "") + "  `" + columns[i].name + "` " + columns[i].type;
      }
      return out;
    };
    std::string out = std::string("CREATE ") + (t.def.external ? "EXTERNAL " : "") + "TABLE `" +
                      t.def.name + "`(\n" + cols(t.def.columns) + ")\n";
    if (!t.def.partition_columns.empty()) {
      out += "PARTITIONED BY (\n" + cols(t.def.partition_columns) + ")\n";
    }
    if (t.def.format == StorageFormat::kHBase) {
      std::string mapping;
      for (size_t i = 0; i < t.def.hbase_mapping.size(); ++i) {
        mapping += (i ? "," : "") + t.def.hbase_mapping[i];
      }
      return out + "STORED BY 'org.apache.hadoop.hive.hbase.HBaseStorageHandler'\n" +
             "WITH SERDEPROPERTIES ('hbase.columns.mapping'='" + mapping + "')\n" +
             "TBLPROPERTIES ('hbase.table.name'='" + t.def.hbase_table + "')";
    }
    std::string delim;
    for (char c : t.def.field_delimiter) {
      if (static_cast<unsigned char>(c) < 0x20) {
        delim += "\\" + std::to_string(static_cast<int>(c) / 64) +
                 std::to_string(static_cast<int>(c) / 8 % 8) +
                 std::to_string(static_cast<int>(c) % 8);
      } else {
        delim += c;
      }
    }
    out += "ROW FORMAT DELIMITED\n  FIELDS TERMINATED BY '" + delim + "'\n";
    out += t.def.format == StorageFormat::kParquet ? "STORED AS PARQUET\n" : "STORED AS TEXTFILE\n";
    out += "LOCATION\n  '" +
           (t.def.location.empty() ? "/user/hive/warehouse/" + AsciiLower(t.def.name)
                                   : t.def.location) +
           "'";
    return out;
  }

  Status Do(DescribeStmt& st, const std::string&, int line, Output* o) {
    auto t = FindTable(st.table, line);
    if (!t) return t.error();
    std::vector<std::vector<std::string>> rows;
    for (const Column& c : t->def.columns) rows.push_back({c.name, c.type, ""});
    for (const Column& c : t->def.partition_columns) rows.push_back({c.name, c.type, ""});
    if (!t->def.partition_columns.empty()) {
      rows.push_back({"", "", ""});
      rows.push_back({"# Partition Information", "", ""});
      rows.push_back({"# col_name", "data_type", "comment"});
      for (const Column& c : t->def.partition_columns) rows.push_back({c.name, c.type, ""});
    }
    if (st.formatted) {
      rows.push_back({"", "", ""});
      rows.push_back({"# Detailed Table Information", "", ""});
      rows.push_back({"Database:", "default", ""});
      rows.push_back({"Table Type:", t->def.external ? "EXTERNAL_TABLE" : "MANAGED_TABLE", ""});
      if (t->def.format == StorageFormat::kHBase) {
        rows.push_back(
            {"Storage Handler:", "org.apache.hadoop.hive.hbase.HBaseStorageHandler", ""});
        rows.push_back({"hbase.table.name", t->def.hbase_table, ""});
      } else {
        rows.push_back({"Location:",
                        t->def.location.empty() ? "/user/hive/warehouse/" + AsciiLower(t->def.name)
                                                : t->def.location,
                        ""});
        rows.push_back({"Local folder:", ms_.TableFolder(t->def), ""});
        rows.push_back(
            {"Format:", t->def.format == StorageFormat::kParquet ? "parquet" : "textfile", ""});
        if (t->def.format == StorageFormat::kText) {
          std::string d = t->def.field_delimiter == "\x01" ? "\\001" : t->def.field_delimiter;
          rows.push_back({"field.delim", d, ""});
        }
      }
      rows.push_back({"Partitions:", std::to_string(t->partitions.size()), ""});
    }
    o->has_rows = true;
    o->rows = TextRows({"col_name", "data_type", "comment"}, rows);
    return Status::OK();
  }

  // --- Session ------------------------------------------------------------------------------
  Status Do(SetStmt& st, const std::string&, int, Output* o) {
    if (st.key.empty()) {
      std::vector<std::vector<std::string>> rows;
      for (const auto& [k, v] : settings_) rows.push_back({k + "=" + v});
      for (const auto& [k, v] : vars_.hivevar) rows.push_back({"hivevar:" + k + "=" + v});
      o->has_rows = true;
      o->rows = TextRows({"set"}, rows);
      return Status::OK();
    }
    std::string key = st.key;
    if (!st.has_value) {
      std::string shown;
      if (key.rfind("hivevar:", 0) == 0) {
        auto it = vars_.hivevar.find(key.substr(8));
        shown = it == vars_.hivevar.end() ? key + " is undefined" : key + "=" + it->second;
      } else {
        if (key.rfind("hiveconf:", 0) == 0) key = key.substr(9);
        auto it = settings_.find(key);
        shown = it == settings_.end() ? key + " is undefined" : key + "=" + it->second;
      }
      o->has_rows = true;
      o->rows = TextRows({"set"}, {{shown}});
      return Status::OK();
    }
    if (key.rfind("hivevar:", 0) == 0) {
      vars_.hivevar[key.substr(8)] = st.value;
      return Status::OK();
    }
    if (key.rfind("hiveconf:", 0) == 0) key = key.substr(9);
    static const std::set<std::string> kHonoured = {
        "hive.exec.dynamic.partition", "hive.exec.dynamic.partition.mode", "hive.cli.print.header"};
    settings_[key] = st.value;
    vars_.hiveconf[key] = st.value;
    if (kHonoured.count(key) == 0) {
      o->messages.push_back("note: " + key + " is kept for ${hiveconf:" + key +
                            "} but changes nothing here");
    }
    return Status::OK();
  }

  Status Do(UseStmt&, const std::string&, int, Output* o) {
    o->messages.push_back("OK");
    return Status::OK();
  }

  // --- DML -----------------------------------------------------------------------------------
  // Runs `sql` into the temporary table kInsertTable with columns c0…cN; returns (name, type).
  // `where`: "line N" of the query, for DuckDB's errors.
  Result<std::vector<std::pair<std::string, std::string>>> Materialize(const std::string& sql,
                                                                       const std::string& where) {
    auto shape = w_->Query("SELECT * FROM (" + sql + ") LIMIT 0");
    if (!shape) return Err(shape.error().WithPrefix(where + ": "));
    std::vector<std::pair<std::string, std::string>> columns;
    std::string names;
    for (size_t i = 0; i < shape->columns.size(); ++i) {
      columns.emplace_back(shape->columns[i], shape->types[i]);
      names += (i ? ", c" : "c") + std::to_string(i);
    }
    auto r = w_->QueryWithoutRefresh("CREATE OR REPLACE TEMP TABLE " + std::string(kInsertTable) +
                                     " AS SELECT * FROM (" + sql + ") AS __q(" + names + ")");
    if (!r) return Err(r.error().WithPrefix(where + ": "));
    return columns;
  }

  // Writes the rows of kInsertTable matching `where` into `folder` as one file; replaces the
  // folder's files when `overwrite`, adds a file otherwise. Returns the rows written.
  Result<uint64_t> WriteFolder(const StoredTable& t,
                               const std::vector<std::pair<std::string, std::string>>& columns,
                               const std::string& where, const std::string& folder,
                               bool overwrite) {
    std::string select = "SELECT ";
    for (size_t i = 0; i < t.def.columns.size(); ++i) {
      select += (i ? ", " : "") +
                StoreAs("c" + std::to_string(i), columns[i].second, t.def.columns[i].type) +
                " AS " + QuoteIdent(t.def.columns[i].name);
    }
    select += " FROM " + std::string(kInsertTable) + (where.empty() ? "" : " WHERE " + where);
    return WriteRows(select, folder, overwrite, t.def.format == StorageFormat::kParquet,
                     t.def.field_delimiter);
  }

  Result<uint64_t> WriteRows(const std::string& select, const std::string& folder, bool overwrite,
                             bool parquet, const std::string& delimiter) {
    const fs::path dir(folder);
    const fs::path staging = dir.parent_path() / (".hive-staging_" + dir.filename().string() + "_" +
                                                  std::to_string(::getpid()) + "_" +
                                                  std::to_string(g_staging_counter.fetch_add(1)));
    std::error_code ec;
    fs::remove_all(staging, ec);
    SMARTCAR_RETURN_IF_ERROR(CreateFolders(staging.string()));
    const std::string file = (staging / "000000_0").string();
    const std::string options = parquet
                                    ? "(FORMAT parquet)"
                                    : "(FORMAT csv, HEADER false, DELIMITER " + Quote(delimiter) +
                                          ", QUOTE '', ESCAPE '', NULLSTR '\\N')";
    auto r = w_->QueryWithoutRefresh("COPY (" + select + ") TO " + Quote(file) + " " + options);
    if (!r) {
      fs::remove_all(staging, ec);
      return Err(r.error());
    }
    uint64_t rows = 0;
    if (!r->rows.empty() && !r->rows[0].empty() && r->rows[0][0])
      rows = std::stoull(*r->rows[0][0]);
    if (rows == 0) fs::remove(file, ec);  // Hive writes no file for no rows.
    SMARTCAR_RETURN_IF_ERROR(CreateFolders(dir.parent_path().string()));
    if (overwrite) {
      // Swap the folder: the old one moves aside, the new one takes its name.
      const fs::path old = dir.parent_path() / (".hive-old_" + staging.filename().string());
      if (fs::exists(dir, ec)) {
        fs::rename(dir, old, ec);
        if (ec)
          return Err(Status::IOError("cannot move " + dir.string() + " aside: " + ec.message()));
      }
      fs::rename(staging, dir, ec);
      if (ec)
        return Err(Status::IOError("cannot move " + staging.string() + " to " + dir.string() +
                                   ": " + ec.message()));
      fs::remove_all(old, ec);
      return rows;
    }
    if (rows > 0) {
      SMARTCAR_RETURN_IF_ERROR(CreateFolders(dir.string()));
      fs::path target = dir / "000000_0";
      for (int n = 1; fs::exists(target, ec); ++n)
        target = dir / ("000000_0_copy_" + std::to_string(n));
      fs::rename(file, target, ec);
      if (ec)
        return Err(Status::IOError("cannot move " + file + " to " + target.string() + ": " +
                                   ec.message()));
    }
    fs::remove_all(staging, ec);
    return rows;
  }

  Status Do(InsertStmt& st, const std::string&, int line, Output* o) {
    const std::string where_line = "line " + std::to_string(line);
    if (st.directory) return InsertDirectory(st, line, o);
    auto t = FindTable(st.target, line);
    if (!t) return t.error();
    if (t->def.format == StorageFormat::kHBase) {
      return Status::NotSupported(where_line + " not supported: INSERT into an HBase table (" +
                                  t->def.name + "); the pipeline writes " + t->def.hbase_table);
    }
    const auto& pcols = t->def.partition_columns;
    if (pcols.empty() && !st.partition.empty()) {
      return Status::InvalidArgument(where_line + " table " + t->def.name + " is not partitioned");
    }
    if (!pcols.empty() && st.partition.size() != pcols.size()) {
      return Status::InvalidArgument(
          where_line + " table " + t->def.name +
          " is partitioned: name every partition column in PARTITION (…)");
    }
    std::vector<std::optional<std::string>> fixed(pcols.size());
    size_t dynamic = 0;
    for (size_t i = 0; i < st.partition.size(); ++i) {
      if (!EqualsIgnoreAsciiCase(st.partition[i].first, pcols[i].name)) {
        return Status::InvalidArgument(where_line + " partition column " + st.partition[i].first +
                                       " is not " + t->def.name + "'s partition column number " +
                                       std::to_string(i + 1) + " (" + pcols[i].name + ")");
      }
      fixed[i] = st.partition[i].second;
      if (!fixed[i]) {
        ++dynamic;
      } else if (dynamic > 0) {
        return Status::InvalidArgument(where_line +
                                       " a static partition column cannot follow a dynamic one");
      }
    }
    if (dynamic > 0) {
      if (AsciiLower(settings_["hive.exec.dynamic.partition"]) != "true") {
        return Status::InvalidArgument(where_line +
                                       " Dynamic partition is disabled. Enable it by setting "
                                       "hive.exec.dynamic.partition=true");
      }
      if (dynamic == pcols.size() &&
          AsciiLower(settings_["hive.exec.dynamic.partition.mode"]) == "strict") {
        return Status::InvalidArgument(
            where_line +
            " Dynamic partition strict mode requires at least one static partition column. To "
            "turn this off set hive.exec.dynamic.partition.mode=nonstrict");
      }
    }
    auto sql = Translate(st.select, line);
    if (!sql) return sql.error();
    auto columns = Materialize(*sql, QueryLine(st.select, line));
    if (!columns) return columns.error();
    const size_t want = t->def.columns.size() + dynamic;
    if (columns->size() != want) {
      (void)w_->QueryWithoutRefresh("DROP TABLE IF EXISTS " + std::string(kInsertTable));
      return Status::InvalidArgument(
          where_line +
          " Cannot insert into target table because column number/types are different '" +
          t->def.name + "': Table has " + std::to_string(want) + " columns, but query has " +
          std::to_string(columns->size()) + " columns.");
    }
    Status s = InsertRows(&*t, st, fixed, dynamic, *columns, o);
    (void)w_->QueryWithoutRefresh("DROP TABLE IF EXISTS " + std::string(kInsertTable));
    return s;
  }

  Status InsertRows(StoredTable* t, const InsertStmt& st,
                    const std::vector<std::optional<std::string>>& fixed, size_t dynamic,
                    const std::vector<std::pair<std::string, std::string>>& columns, Output* o) {
    if (t->def.partition_columns.empty()) {
      auto rows = WriteFolder(*t, columns, "", ms_.TableFolder(t->def), st.overwrite);
      if (!rows) return rows.error();
      o->messages.push_back("Loading data to table default." + AsciiLower(t->def.name) + " (" +
                            std::to_string(*rows) + " rows)");
      return Status::OK();
    }
    // The partitions to write: the static values, and each distinct combination of the dynamic
    // columns (the last `dynamic` columns of the query).
    std::vector<std::vector<std::optional<std::string>>> targets;
    const size_t first_dynamic = t->def.columns.size();
    if (dynamic == 0) {
      targets.push_back(fixed);
    } else {
      std::string cols;
      for (size_t i = 0; i < dynamic; ++i) {
        cols += (i ? ", " : "") + std::string("CAST(c") + std::to_string(first_dynamic + i) +
                " AS VARCHAR)";
      }
      auto distinct = w_->QueryWithoutRefresh("SELECT DISTINCT " + cols + " FROM " +
                                              std::string(kInsertTable) + " ORDER BY ALL");
      if (!distinct) return distinct.error();
      for (const auto& row : distinct->rows) {
        std::vector<std::optional<std::string>> values = fixed;
        for (size_t i = 0; i < dynamic; ++i) {
          values[fixed.size() - dynamic + i] =
              row[i] && !row[i]->empty() ? *row[i] : std::string(kDefaultPartition);
        }
        targets.push_back(std::move(values));
      }
    }
    uint64_t total = 0;
    for (const auto& target : targets) {
      std::vector<std::string> values;
      for (const auto& v : target) values.push_back(*v);
      std::string where;
      for (size_t i = 0; i < dynamic; ++i) {
        const std::string c = "c" + std::to_string(first_dynamic + i);
        const std::string& v = values[values.size() - dynamic + i];
        where += (i ? " AND " : "") +
                 (v == kDefaultPartition ? "(" + c + " IS NULL OR CAST(" + c + " AS VARCHAR) = '')"
                                         : "CAST(" + c + " AS VARCHAR) = " + Quote(v));
      }
      auto it = std::find_if(t->partitions.begin(), t->partitions.end(),
                             [&](const Partition& p) { return p.values == values; });
      if (it == t->partitions.end()) {
        t->partitions.push_back({values, ""});
        it = t->partitions.end() - 1;
      }
      auto rows = WriteFolder(*t, columns, where, ms_.PartitionFolder(*t, *it), st.overwrite);
      if (!rows) return rows.error();
      total += *rows;
      o->messages.push_back("Loading data to table default." + AsciiLower(t->def.name) +
                            " partition (" + PartitionText(t->def, values) + ") (" +
                            std::to_string(*rows) + " rows)");
    }
    SMARTCAR_RETURN_IF_ERROR(ms_.Put(*t));
    o->messages.push_back(std::to_string(targets.size()) + " partition(s), " +
                          std::to_string(total) + " rows");
    return Status::OK();
  }

  Status InsertDirectory(const InsertStmt& st, int line, Output* o) {
    auto sql = Translate(st.select, line);
    if (!sql) return sql.error();
    const std::string folder = st.local ? st.target : ms_.Resolve(st.target);
    auto shape = w_->Query("SELECT * FROM (" + *sql + ") LIMIT 0");
    if (!shape) return shape.error().WithPrefix(QueryLine(st.select, line) + ": ");
    // Every value as text, as Hive writes a directory.
    std::string select = "SELECT ";
    for (size_t i = 0; i < shape->columns.size(); ++i) {
      select += (i ? ", " : "") + std::string("CAST(c") + std::to_string(i) + " AS VARCHAR)";
    }
    std::string names;
    for (size_t i = 0; i < shape->columns.size(); ++i)
      names += (i ? ", c" : "c") + std::to_string(i);
    select += " FROM (" + *sql + ") AS __q(" + names + ")";
    auto rows =
        WriteRows(select, folder, /*overwrite=*/true, /*parquet=*/false, st.field_delimiter);
    if (!rows) return rows.error();
    o->messages.push_back("Moving data to " +
                          std::string(st.local ? "local directory " : "directory ") + st.target +
                          " (" + std::to_string(*rows) + " rows)");
    return Status::OK();
  }

  Status Do(LoadDataStmt& st, const std::string&, int line, Output* o) {
    auto t = FindTable(st.table, line);
    if (!t) return t.error();
    if (t->def.format == StorageFormat::kHBase) {
      return Status::NotSupported("line " + std::to_string(line) +
                                  " not supported: LOAD DATA into an HBase table");
    }
    std::string folder = ms_.TableFolder(t->def);
    if (!t->def.partition_columns.empty()) {
      if (st.partition.empty()) {
        return Status::InvalidArgument("line " + std::to_string(line) + " table " + t->def.name +
                                       " is partitioned: LOAD DATA … PARTITION (…)");
      }
      auto values = SpecValues(*t, st.partition, line, /*allow_partial=*/false);
      if (!values) return values.error();
      auto it = std::find_if(t->partitions.begin(), t->partitions.end(),
                             [&](const Partition& p) { return p.values == *values; });
      if (it == t->partitions.end()) {
        t->partitions.push_back({*values, ""});
        it = t->partitions.end() - 1;
      }
      folder = ms_.PartitionFolder(*t, *it);
    } else if (!st.partition.empty()) {
      return Status::InvalidArgument("line " + std::to_string(line) + " table " + t->def.name +
                                     " is not partitioned");
    }
    const std::string source = st.local ? st.path : ms_.Resolve(st.path);
    std::error_code ec;
    std::vector<fs::path> files;
    if (fs::is_directory(source, ec)) {
      for (const std::string& f : DataFiles(source)) files.emplace_back(f);
    } else if (fs::is_regular_file(source, ec)) {
      files.emplace_back(source);
    } else {
      return Status::NotFound("line " + std::to_string(line) + " Invalid path '" + st.path +
                              "': No files matching path");
    }
    SMARTCAR_RETURN_IF_ERROR(CreateFolders(folder));
    if (st.overwrite) {
      for (const std::string& f : DataFiles(folder)) fs::remove(f, ec);
    }
    for (const fs::path& f : files) {
      fs::path target = fs::path(folder) / f.filename();
      for (int n = 1; fs::exists(target, ec); ++n) {
        target = fs::path(folder) /
                 (f.stem().string() + "_copy_" + std::to_string(n) + f.extension().string());
      }
      // LOCAL copies (the file stays); a path in the data folder's HDFS moves, as in Hive.
      if (st.local) {
        fs::copy_file(f, target, ec);
      } else {
        fs::rename(f, target, ec);
      }
      if (ec)
        return Status::IOError("cannot load " + f.string() + " into " + folder + ": " +
                               ec.message());
    }
    SMARTCAR_RETURN_IF_ERROR(ms_.Put(*t));
    o->messages.push_back("Loading data to table default." + AsciiLower(t->def.name) + " (" +
                          std::to_string(files.size()) + " file(s))");
    return Status::OK();
  }

  Metastore ms_;
  std::unique_ptr<warehouse::Warehouse> w_;
  Variables vars_;
  std::map<std::string, std::string> settings_;
};

}  // namespace

Result<std::unique_ptr<Session>> Session::Open(const Options& options) {
  RegisterHiveViews();
  warehouse::WarehouseOptions wo;
  wo.data_dir = options.data_dir;
  auto w = warehouse::Warehouse::Open(wo);
  if (!w) return Err(w.error());
  auto session = std::make_unique<SessionImpl>(options, std::move(*w));
  if (Status s = session->Init(); !s.ok()) return Err(s);
  return std::unique_ptr<Session>(std::move(session));
}

std::string FormatRows(const warehouse::QueryResult& rows, bool header) {
  std::string out;
  if (header) {
    for (size_t i = 0; i < rows.columns.size(); ++i) out += (i ? "\t" : "") + rows.columns[i];
    out += "\n";
  }
  for (const auto& row : rows.rows) {
    for (size_t i = 0; i < row.size(); ++i) out += (i ? "\t" : "") + row[i].value_or("NULL");
    out += "\n";
  }
  return out;
}

}  // namespace smartcar::hive
