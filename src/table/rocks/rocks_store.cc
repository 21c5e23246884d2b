// TableStore on RocksDB: <data>/table/<name>/{schema, db/}.
#include <rocksdb/db.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>

#include "table/rocks/rocks_table.h"
#include "table/schema.h"
#include "table/table.h"

namespace smartcar::table {
namespace {

namespace fs = std::filesystem;

class RocksStore final : public TableStore {
 public:
  RocksStore(fs::path root, bool read_only) : root_(std::move(root)), read_only_(read_only) {}
  ~RocksStore() override {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [name, t] : open_) t->Close("Table " + name + " is closed");
  }

  Status CreateTable(const TableDescriptor& desc) override {
    SMARTCAR_RETURN_IF_ERROR(Writable());
    SMARTCAR_RETURN_IF_ERROR(ValidateDescriptor(desc));
    std::lock_guard<std::mutex> l(mu_);
    if (fs::exists(SchemaPath(desc.name))) {
      return Status::InvalidArgument("Table already exists: " + desc.name + "!");
    }
    std::error_code ec;
    fs::create_directories(Dir(desc.name), ec);
    if (ec)
      return Status::IOError("cannot create " + Dir(desc.name).string() + ": " + ec.message());
    auto t = rocks::RocksTable::Open(DbPath(desc.name), desc);
    if (!t) return t.error();
    SMARTCAR_RETURN_IF_ERROR(WriteSchema(SchemaPath(desc.name), {desc, true}));
    open_[desc.name] = *t;
    return Status::OK();
  }

  Result<std::vector<std::string>> ListTables() override {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root_, ec)) {
      if (fs::exists(e.path() / "schema")) names.push_back(e.path().filename().string());
    }
    if (ec) return Err(Status::IOError("cannot list " + root_.string() + ": " + ec.message()));
    std::sort(names.begin(), names.end());
    return names;
  }

  bool Exists(std::string_view name) override {
    return ValidateTableName(name).ok() && fs::exists(SchemaPath(name));
  }

  Result<TableDescription> Describe(std::string_view name) override {
    std::lock_guard<std::mutex> l(mu_);
    auto s = Load(name);
    if (!s) return Err(s.error());
    TableDescription d;
    d.descriptor = s->descriptor;
    d.enabled = s->enabled;
    std::shared_ptr<rocks::RocksTable> t;
    if (s->enabled) {
      auto o = OpenLocked(name, *s);
      if (!o) return Err(o.error());
      t = *o;
    } else {
      auto o = rocks::RocksTable::Open(DbPath(name), s->descriptor, read_only_);
      if (!o) return Err(o.error());
      t = *o;
    }
    auto regions = t->RegionStatsNow();
    if (!regions) return Err(regions.error());
    if (!s->enabled) t->Close("closed");
    d.regions = std::move(*regions);
    return d;
  }

  Status DisableTable(std::string_view name) override {
    SMARTCAR_RETURN_IF_ERROR(Writable());
    std::lock_guard<std::mutex> l(mu_);
    auto s = Load(name);
    if (!s) return s.error();
    if (!s->enabled) return Status::InvalidArgument("Table " + std::string(name) + " is disabled.");
    s->enabled = false;
    SMARTCAR_RETURN_IF_ERROR(WriteSchema(SchemaPath(name), *s));
    CloseLocked(name, "Table " + std::string(name) + " is disabled.");
    return Status::OK();
  }

  Status EnableTable(std::string_view name) override {
    SMARTCAR_RETURN_IF_ERROR(Writable());
    std::lock_guard<std::mutex> l(mu_);
    auto s = Load(name);
    if (!s) return s.error();
    if (s->enabled) return Status::InvalidArgument("Table " + std::string(name) + " is enabled.");
    s->enabled = true;
    return WriteSchema(SchemaPath(name), *s);
  }

  Status DropTable(std::string_view name) override {
    SMARTCAR_RETURN_IF_ERROR(Writable());
    std::lock_guard<std::mutex> l(mu_);
    auto s = Load(name);
    if (!s) return s.error();
    if (s->enabled) {
      return Status::InvalidArgument("Table " + std::string(name) +
                                     " is enabled. Disable it first.");
    }
    CloseLocked(name, "Table " + std::string(name) + " was dropped.");
    std::error_code ec;
    fs::remove_all(Dir(name), ec);
    if (ec) return Status::IOError("cannot remove " + Dir(name).string() + ": " + ec.message());
    return Status::OK();
  }

  Status TruncateTable(std::string_view name) override {
    SMARTCAR_RETURN_IF_ERROR(Writable());
    std::lock_guard<std::mutex> l(mu_);
    auto s = Load(name);
    if (!s) return s.error();
    CloseLocked(name, "Table " + std::string(name) + " was truncated.");
    std::error_code ec;
    fs::remove_all(DbPath(name), ec);
    if (ec) return Status::IOError("cannot remove " + DbPath(name) + ": " + ec.message());
    s->enabled = true;
    SMARTCAR_RETURN_IF_ERROR(WriteSchema(SchemaPath(name), *s));
    auto t = OpenLocked(name, *s);
    return t ? Status::OK() : t.error();
  }

  Status SetSplitKeys(std::string_view name, std::vector<std::string> keys) override {
    SMARTCAR_RETURN_IF_ERROR(Writable());
    std::lock_guard<std::mutex> l(mu_);
    auto s = Load(name);
    if (!s) return s.error();
    s->descriptor.split_keys = keys;
    SMARTCAR_RETURN_IF_ERROR(ValidateDescriptor(s->descriptor));
    SMARTCAR_RETURN_IF_ERROR(WriteSchema(SchemaPath(name), *s));
    auto it = open_.find(std::string(name));
    if (it != open_.end()) it->second->SetSplitKeys(std::move(keys));
    return Status::OK();
  }

  Result<std::shared_ptr<Table>> OpenTable(std::string_view name) override {
    std::lock_guard<std::mutex> l(mu_);
    auto s = Load(name);
    if (!s) return Err(s.error());
    if (!s->enabled) return Err(Status::Aborted("Table " + std::string(name) + " is disabled."));
    auto t = OpenLocked(name, *s);
    if (!t) return Err(t.error());
    return std::shared_ptr<Table>(*t);
  }

 private:
  Status Writable() const {
    if (!read_only_) return Status::OK();
    return Status::InvalidArgument("the table store in " + root_.string() + " is opened read-only");
  }
  fs::path Dir(std::string_view name) const { return root_ / std::string(name); }
  std::string SchemaPath(std::string_view name) const { return (Dir(name) / "schema").string(); }
  std::string DbPath(std::string_view name) const { return (Dir(name) / "db").string(); }

  Result<StoredSchema> Load(std::string_view name) {
    if (!ValidateTableName(name).ok() || !fs::exists(SchemaPath(name))) {
      return Err(Status::NotFound("Unknown table " + std::string(name) + "!"));
    }
    return ReadSchema(SchemaPath(name));
  }

  Result<std::shared_ptr<rocks::RocksTable>> OpenLocked(std::string_view name,
                                                        const StoredSchema& s) {
    auto it = open_.find(std::string(name));
    if (it != open_.end()) return it->second;
    auto t = rocks::RocksTable::Open(DbPath(name), s.descriptor, read_only_);
    if (!t) return Err(t.error());
    open_[std::string(name)] = *t;
    return *t;
  }

  void CloseLocked(std::string_view name, const std::string& why) {
    auto it = open_.find(std::string(name));
    if (it == open_.end()) return;
    it->second->Close(why);
    open_.erase(it);
  }

  fs::path root_;
  const bool read_only_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<rocks::RocksTable>> open_;
};

}  // namespace

Result<std::unique_ptr<TableStore>> TableStore::Open(const StoreOptions& options) {
  const fs::path root = fs::path(options.data_dir) / "table";
  std::error_code ec;
  if (options.read_only) {
    if (!fs::is_directory(root, ec)) {
      return Err(Status::NotFound("no table store in " + options.data_dir + " (no " +
                                  root.string() + ")"));
    }
  } else {
    fs::create_directories(root, ec);
    if (ec) return Err(Status::IOError("cannot create " + root.string() + ": " + ec.message()));
  }
  return std::unique_ptr<TableStore>(new RocksStore(root, options.read_only));
}

}  // namespace smartcar::table
