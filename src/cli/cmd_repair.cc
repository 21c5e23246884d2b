// `smartcar repair [--data DIR]`: rebuilds the embedded stores of a data folder (durable log,
// every table, hot store) from what is readable after a file was damaged (storage/
// rocks_repair.h); what RocksDB replaced or could not read is kept in each store's lost/.
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "hot/hot_store.h"
#include "pipeline/settings.h"
#include "pipeline/stores.h"
#include "queue/log.h"
#include "table/table.h"

namespace smartcar::cli {
namespace {

constexpr const char* kCmd = "smartcar repair";

int RunRepair(const std::string& data) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(data, ec)) {
    std::fprintf(stderr, "%s: no data folder '%s' (--data DIR)\n", kCmd, data.c_str());
    return kExitUsage;
  }
  if (const std::string owner = pipeline::OwnerOf(data); !owner.empty()) {
    std::fprintf(stderr, "%s: data folder '%s' is in use by %s: stop it first\n", kCmd,
                 data.c_str(), owner.c_str());
    return kExitFailure;
  }
  const pipeline::DataFolder folder(data);
  struct Store {
    std::string name, path;
    std::function<Result<storage::RepairResult>()> repair;
  };
  std::vector<Store> stores;
  stores.push_back(
      {"durable log", folder.Queue(), [&] { return queue::RepairEmbeddedLog(folder.Queue()); }});
  const fs::path tables = fs::path(folder.Tables()) / "table";
  if (fs::is_directory(tables, ec)) {
    for (const auto& t : fs::directory_iterator(tables, ec)) {
      const std::string db = (t.path() / "db").string(), table = t.path().filename().string();
      if (fs::is_directory(db, ec)) {
        stores.push_back(
            {"table " + table, db, [db, table] { return table::RepairTableDb(db, table); }});
      }
    }
  }
  stores.push_back(
      {"hot store", folder.Hot(), [&] { return hot::RepairEmbeddedHotStore(folder.Hot()); }});
  int rc = kExitOk;
  int repaired = 0;
  for (const auto& [name, path, repair] : stores) {
    if (!fs::exists(fs::path(path) / "CURRENT", ec) &&
        !fs::exists(fs::path(path) / "IDENTITY", ec)) {
      continue;  // Not created in this folder.
    }
    auto r = repair();
    if (!r) {
      std::fprintf(stderr, "%s: %s\n", kCmd, r.error().message().c_str());
      rc = kExitFailure;
      continue;
    }
    ++repaired;
    std::string lost;
    for (const std::string& f : r->lost) lost += (lost.empty() ? "" : ", ") + f;
    std::printf("%s (%s): repaired%s\n", name.c_str(), path.c_str(),
                lost.empty() ? "; nothing set aside"
                             : ("; set aside in lost/ (replaced or unreadable): " + lost).c_str());
  }
  if (repaired == 0 && rc == kExitOk) {
    std::fprintf(stderr, "%s: no embedded store in '%s'\n", kCmd, data.c_str());
    return kExitFailure;
  }
  return rc;
}

}  // namespace

void RegisterRepair(CLI::App* app, int* exit_code) {
  auto data = std::make_shared<std::string>("smartcar-data");
  CLI::App* cmd = app->add_subcommand(
      "repair",
      "Rebuild the embedded stores of a data folder (durable log, tables, hot store) after a\n"
      "file was damaged: RocksDB's RepairDB replays each write-ahead log skipping only damaged\n"
      "records and keeps every readable entry; the files it replaced or could not read go to\n"
      "each store's lost/ folder. Opening a damaged store says to run this. No process may hold\n"
      "the folder.");
  cmd->add_option("--data", *data, "Data folder")->capture_default_str();
  cmd->callback([data, exit_code] { *exit_code = RunRepair(*data); });
}

}  // namespace smartcar::cli
