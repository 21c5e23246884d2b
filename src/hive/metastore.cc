// Metastore: JSON files through nlohmann::json, written with WriteFileAtomically.
#include "hive/metastore.h"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/ascii.h"
#include "core/file.h"
#include "hive/lexer.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace smartcar::hive {
namespace {

std::string_view FormatName(StorageFormat f) {
  switch (f) {
    case StorageFormat::kText:
      return "textfile";
    case StorageFormat::kParquet:
      return "parquet";
    case StorageFormat::kHBase:
      return "hbase";
  }
  return "textfile";
}

json ColumnsToJson(const std::vector<Column>& columns) {
  json out = json::array();
  for (const Column& c : columns) out.push_back({{"name", c.name}, {"type", c.type}});
  return out;
}

std::vector<Column> ColumnsFromJson(const json& j) {
  std::vector<Column> out;
  for (const json& c : j)
    out.push_back({c.at("name").get<std::string>(), c.at("type").get<std::string>()});
  return out;
}

json ToJson(const StoredTable& t) {
  json j;
  j["name"] = t.def.name;
  j["external"] = t.def.external;
  j["columns"] = ColumnsToJson(t.def.columns);
  j["partition_columns"] = ColumnsToJson(t.def.partition_columns);
  j["format"] = FormatName(t.def.format);
  j["field_delimiter"] = t.def.field_delimiter;
  j["location"] = t.def.location;
  j["hbase_table"] = t.def.hbase_table;
  j["hbase_mapping"] = t.def.hbase_mapping;
  j["properties"] = t.def.properties;
  json parts = json::array();
  for (const Partition& p : t.partitions)
    parts.push_back({{"values", p.values}, {"location", p.location}});
  j["partitions"] = parts;
  return j;
}

StoredTable FromJson(const json& j) {
  StoredTable t;
  t.def.name = j.at("name").get<std::string>();
  t.def.external = j.at("external").get<bool>();
  t.def.columns = ColumnsFromJson(j.at("columns"));
  t.def.partition_columns = ColumnsFromJson(j.at("partition_columns"));
  const std::string format = j.at("format").get<std::string>();
  t.def.format = format == "parquet" ? StorageFormat::kParquet
                 : format == "hbase" ? StorageFormat::kHBase
                                     : StorageFormat::kText;
  t.def.field_delimiter = j.at("field_delimiter").get<std::string>();
  t.def.location = j.at("location").get<std::string>();
  t.def.hbase_table = j.value("hbase_table", "");
  t.def.hbase_mapping = j.value("hbase_mapping", std::vector<std::string>{});
  t.def.properties = j.value("properties", std::map<std::string, std::string>{});
  for (const json& p : j.at("partitions")) {
    t.partitions.push_back(
        {p.at("values").get<std::vector<std::string>>(), p.value("location", "")});
  }
  return t;
}

bool NeedsEscape(unsigned char c) {
  // Hive's FileUtils.escapePathName set.
  return c < 0x20 || c == 0x7f || c == '"' || c == '#' || c == '%' || c == '\'' || c == '*' ||
         c == '/' || c == ':' || c == '=' || c == '?' || c == '\\' || c == '{' || c == '[' ||
         c == ']' || c == '^';
}

std::string EscapeValue(std::string_view v) {
  if (v.empty()) return std::string(kDefaultPartition);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (NeedsEscape(c)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

Result<FileLock> LockMetastore(const std::string& data_dir) {
  return FileLock::Acquire((fs::path(data_dir) / "warehouse" / "_metastore" / ".lock").string());
}

Metastore::Metastore(std::string data_dir) : data_dir_(std::move(data_dir)) {}

std::string Metastore::FilePath(std::string_view name) const {
  return (fs::path(data_dir_) / "warehouse" / "_metastore" / (AsciiLower(name) + ".json")).string();
}

Result<std::vector<StoredTable>> Metastore::Tables() const {
  std::vector<StoredTable> out;
  const fs::path dir = fs::path(data_dir_) / "warehouse" / "_metastore";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const std::string& f : files) {
    auto text = ReadFileToString(f, "metastore file");
    if (!text) return Err(text.error());
    try {
      out.push_back(FromJson(json::parse(*text)));
    } catch (const json::exception& e) {
      return Err(Status::Corruption("metastore file " + f + " is damaged: " + e.what()));
    }
  }
  return out;
}

Result<std::optional<StoredTable>> Metastore::Find(std::string_view name) const {
  const std::string path = FilePath(name);
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<StoredTable>();
  auto text = ReadFileToString(path, "metastore file");
  if (!text) return Err(text.error());
  try {
    return std::optional<StoredTable>(FromJson(json::parse(*text)));
  } catch (const json::exception& e) {
    return Err(Status::Corruption("metastore file " + path + " is damaged: " + e.what()));
  }
}

Status Metastore::Put(const StoredTable& table) const {
  StoredTable sorted = table;
  std::sort(sorted.partitions.begin(), sorted.partitions.end(),
            [](const Partition& a, const Partition& b) { return a.values < b.values; });
  const std::string path = FilePath(table.def.name);
  SMARTCAR_RETURN_IF_ERROR(CreateFolders(fs::path(path).parent_path().string()));
  return WriteFileAtomically(path, ToJson(sorted).dump(2) + "\n");
}

Status Metastore::Remove(std::string_view name) const {
  std::error_code ec;
  fs::remove(FilePath(name), ec);
  if (ec) return Status::IOError("cannot remove " + FilePath(name) + ": " + ec.message());
  return Status::OK();
}

std::string Metastore::Resolve(std::string_view hive_path) const {
  if (hive_path.rfind("file://", 0) == 0) return std::string(hive_path.substr(7));
  return HdfsPathInDataFolder(data_dir_, HdfsPath(hive_path));
}

std::string Metastore::TableFolder(const TableDef& table) const {
  if (!table.location.empty()) return Resolve(table.location);
  return Resolve("/user/hive/warehouse/" + AsciiLower(table.name));
}

std::string Metastore::PartitionFolder(const StoredTable& table, const Partition& p) const {
  if (!p.location.empty()) return Resolve(p.location);
  return (fs::path(TableFolder(table.def)) / PartitionPath(table.def, p.values)).string();
}

std::string Metastore::PartitionPath(const TableDef& table,
                                     const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < table.partition_columns.size() && i < values.size(); ++i) {
    if (!out.empty()) out += '/';
    out += AsciiLower(table.partition_columns[i].name) + "=" + EscapeValue(values[i]);
  }
  return out;
}

bool Metastore::ParsePartitionFolder(std::string_view folder, std::string_view key,
                                     std::string* value) {
  const size_t eq = folder.find('=');
  if (eq == std::string_view::npos || !EqualsIgnoreAsciiCase(folder.substr(0, eq), key))
    return false;
  value->clear();
  const std::string_view v = folder.substr(eq + 1);
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '%' && i + 2 < v.size() && HexValue(v[i + 1]) >= 0 && HexValue(v[i + 2]) >= 0) {
      *value += static_cast<char>(HexValue(v[i + 1]) * 16 + HexValue(v[i + 2]));
      i += 2;
    } else {
      *value += v[i];
    }
  }
  return true;
}

}  // namespace smartcar::hive
