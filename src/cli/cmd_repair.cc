// `smartcar repair [--data DIR]`: rebuilds the embedded stores of a data folder (durable log,
// every table, hot store) from what is readable after a file was damaged (storage/
// rocks_repair.h); what RocksDB replaced or could not read is kept in each store's lost/.
// Warehouse partitions DuckDB cannot read are moved to DATA/warehouse/_lost/.
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
#include "warehouse/warehouse.h"

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
  // The warehouse: partitions DuckDB cannot read are set aside (the day is loaded again from
  // its status log, e.g. the spool's .COMPLETED file).
  if (fs::is_directory(fs::path(data) / "warehouse", ec)) {
    warehouse::WarehouseOptions wo;
    wo.data_dir = data;
    auto w = warehouse::Warehouse::Open(wo);
    auto damaged = w ? (*w)->CheckPartitions(/*set_aside=*/true)
                     : Result<std::vector<warehouse::DamagedPartition>>(Err(w.error()));
    if (!damaged) {
      std::fprintf(stderr, "%s: warehouse: %s\n", kCmd, damaged.error().message().c_str());
      rc = kExitFailure;
    } else {
      ++repaired;
      if (damaged->empty()) {
        std::printf("warehouse (%s/warehouse): every partition readable; nothing set aside\n",
                    data.c_str());
      }
      for (const warehouse::DamagedPartition& d : *damaged) {
        std::printf(
            "warehouse %s day %s: unreadable (%s); set aside in %s; load the day again "
            "(smartcar warehouse load --table %s --date %s FILE)\n",
            d.table.c_str(), d.date.c_str(), d.error.c_str(), d.set_aside_to.c_str(),
            d.table.c_str(), d.date.c_str());
      }
    }
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
      "each store's lost/ folder. Warehouse partitions whose Parquet files cannot be read are\n"
      "moved to DATA/warehouse/_lost/ (load those days again). Opening a damaged store says to\n"
      "run this. No process may hold the folder.");
  cmd->add_option("--data", *data, "Data folder")->capture_default_str();
  cmd->callback([data, exit_code] { *exit_code = RunRepair(*data); });
}

}  // namespace smartcar::cli
