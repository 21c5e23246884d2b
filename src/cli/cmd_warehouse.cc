// `smartcar warehouse load|partitions|drop-partition|spool`: the day-partitioned warehouse.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/stop_signal.h"
#include "hive/hive.h"
#include "warehouse/result_format.h"
#include "warehouse/warehouse.h"

namespace smartcar::cli {
namespace {

std::unique_ptr<warehouse::Warehouse> OpenOrComplain(const std::string& data, const char* cmd) {
  warehouse::WarehouseOptions options;
  options.data_dir = data;
  auto w = warehouse::Warehouse::Open(options);
  if (!w) {
    std::fprintf(stderr, "smartcar warehouse %s: %s\n", cmd, w.error().message().c_str());
    return nullptr;
  }
  return std::move(*w);
}

void PrintLoadReport(const warehouse::LoadReport& r, double seconds) {
  const double mb = static_cast<double>(r.input_bytes) / 1e6;
  std::printf(
      "loaded %llu rows into %s wrk_date=%s in %.2f s (%.0f lines/s, %.1f MB/s)\n"
      "  lines %llu = rows %llu + headers %llu + blank %llu + rejected %llu\n"
      "  partition %s (%llu bytes of Parquet)\n",
      static_cast<unsigned long long>(r.rows), r.table.c_str(), r.date.c_str(), seconds,
      seconds > 0 ? static_cast<double>(r.lines) / seconds : 0.0, seconds > 0 ? mb / seconds : 0.0,
      static_cast<unsigned long long>(r.lines), static_cast<unsigned long long>(r.rows),
      static_cast<unsigned long long>(r.headers), static_cast<unsigned long long>(r.blank),
      static_cast<unsigned long long>(r.rejects), r.partition_path.c_str(),
      static_cast<unsigned long long>(r.parquet_bytes));
  if (r.rejects > 0) {
    std::fprintf(stderr, "rejected %llu lines (first: %s); dead letters in %s\n",
                 static_cast<unsigned long long>(r.rejects), r.first_reject.c_str(),
                 r.dead_letter_path.c_str());
  }
}

struct LoadFlags {
  std::string table = std::string(warehouse::kStatusTable);
  std::string date;
  std::string file;
  std::string data = "smartcar-data";
};

int RunLoad(const LoadFlags& f) {
  auto w = OpenOrComplain(f.data, "load");
  if (!w) return kExitFailure;
  warehouse::LoadSpec spec{f.table, f.date, f.file};
  const auto start = std::chrono::steady_clock::now();
  auto r = w->Load(spec);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!r) {
    std::fprintf(stderr, "smartcar warehouse load: %s\n", r.error().message().c_str());
    return kExitFailure;
  }
  PrintLoadReport(*r, seconds);
  return kExitOk;
}

struct PartitionsFlags {
  std::string table;
  std::string data = "smartcar-data";
  std::string format = "table";
  bool hive = false;
};

// Prints partitions as rows of (name, a count, bytes, path) under `name` and `count`.
int PrintPartitions(const char* name, const char* count,
                    std::vector<std::vector<std::optional<std::string>>> rows,
                    warehouse::OutputFormat format) {
  using Kind = warehouse::QueryResult::Kind;
  warehouse::QueryResult r;
  r.columns = {name, count, "bytes", "path"};
  r.types = {"VARCHAR", "BIGINT", "BIGINT", "VARCHAR"};
  r.kinds = {Kind::kText, Kind::kNumber, Kind::kNumber, Kind::kText};
  r.rows = std::move(rows);
  std::fputs(warehouse::FormatResult(r, format).c_str(), stdout);
  return kExitOk;
}

// A Hive table's partitions (`smartcar hive`): folders, files and bytes.
int PrintHivePartitions(const Result<std::vector<hive::PartitionSummary>>& parts,
                        warehouse::OutputFormat format) {
  if (!parts) {
    std::fprintf(stderr, "smartcar warehouse partitions: %s\n", parts.error().message().c_str());
    return kExitFailure;
  }
  std::vector<std::vector<std::optional<std::string>>> rows;
  for (const auto& p : *parts) {
    rows.push_back({p.name, std::to_string(p.files), std::to_string(p.bytes), p.folder});
  }
  return PrintPartitions("partition", "files", std::move(rows), format);
}

int RunPartitions(const PartitionsFlags& f) {
  auto format = warehouse::ParseOutputFormat(f.format);
  if (!format) {
    std::fprintf(stderr, "smartcar warehouse partitions: %s\n", format.error().message().c_str());
    return kExitUsage;
  }
  if (f.hive) return PrintHivePartitions(hive::ListPartitions(f.data, f.table), *format);
  auto w = OpenOrComplain(f.data, "partitions");
  if (!w) return kExitFailure;
  auto parts = w->Partitions(f.table);
  if (!parts && parts.error().IsNotFound()) {
    auto hive_parts = hive::ListPartitions(f.data, f.table);
    if (hive_parts) return PrintHivePartitions(hive_parts, *format);  // A Hive table.
  }
  if (!parts) {
    std::fprintf(stderr, "smartcar warehouse partitions: %s\n", parts.error().message().c_str());
    return kExitFailure;
  }
  std::vector<std::vector<std::optional<std::string>>> rows;
  for (const auto& p : *parts) {
    rows.push_back({p.date, std::to_string(p.rows), std::to_string(p.bytes), p.path});
  }
  return PrintPartitions("wrk_date", "rows", std::move(rows), *format);
}

struct DropFlags {
  std::string table;
  std::string date;
  std::string data = "smartcar-data";
};

int RunDrop(const DropFlags& f) {
  auto w = OpenOrComplain(f.data, "drop-partition");
  if (!w) return kExitFailure;
  if (Status s = w->DropPartition(f.table, f.date); !s.ok()) {
    std::fprintf(stderr, "smartcar warehouse drop-partition: %s\n", s.message().c_str());
    return s.IsInvalidArgument() ? kExitUsage : kExitFailure;
  }
  std::printf("dropped %s wrk_date=%s\n", f.table.c_str(), f.date.c_str());
  return kExitOk;
}

struct SpoolFlags {
  std::string dir;
  std::string data = "smartcar-data";
  bool once = false;
  double interval = 1.0;
};

// Loads every spool file in the folder, oldest name first. Returns the number of failures.
int SpoolPass(warehouse::Warehouse* w, const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && warehouse::IsSpoolFileName(e.path().filename().string(), nullptr)) {
      files.push_back(e.path().string());
    }
  }
  if (ec) {
    std::fprintf(stderr, "smartcar warehouse spool: %s: %s\n", dir.c_str(), ec.message().c_str());
    return 1;
  }
  std::sort(files.begin(), files.end());
  int failures = 0;
  for (const std::string& path : files) {
    const auto start = std::chrono::steady_clock::now();
    auto r = warehouse::LoadSpoolFile(w, path);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!r) {
      std::fprintf(stderr, "smartcar warehouse spool: %s: %s\n", path.c_str(),
                   r.error().message().c_str());
      ++failures;
      continue;
    }
    std::printf("%s -> ", path.c_str());
    PrintLoadReport(*r, seconds);
    std::fflush(stdout);
  }
  return failures;
}

int RunSpool(const SpoolFlags& f) {
  auto w = OpenOrComplain(f.data, "spool");
  if (!w) return kExitFailure;
  if (f.once) return SpoolPass(w.get(), f.dir) == 0 ? kExitOk : kExitFailure;
  std::atomic<bool>& stop = StopOnSignals();
  while (!stop.load()) {
    (void)SpoolPass(w.get(), f.dir);  // Failures are reported and retried on the next pass.
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(f.interval);
    while (!stop.load() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return kExitOk;
}

}  // namespace

void RegisterWarehouse(CLI::App* app, int* exit_code) {
  CLI::App* wh = app->add_subcommand(
      "warehouse", "Day-partitioned warehouse tables (Parquet, Hive layout) under DATA/warehouse");
  wh->require_subcommand(1);

  auto load = std::make_shared<LoadFlags>();
  CLI::App* ld = wh->add_subcommand(
      "load",
      "Load a status log (plain or .gz) as one day's partition, replacing only that day.\n"
      "Rejected lines go to DATA/warehouse/_rejects/<table>/wrk_date=<date>.txt.");
  ld->add_option("--table", load->table, "Table to load")->capture_default_str();
  ld->add_option("--date", load->date, "Partition day yyyyMMdd")->required();
  ld->add_option("FILE", load->file, "The status log")->required();
  ld->add_option("--data", load->data, "Data folder")->capture_default_str();
  ld->callback([load, exit_code] { *exit_code = RunLoad(*load); });

  auto parts = std::make_shared<PartitionsFlags>();
  CLI::App* ps = wh->add_subcommand("partitions", "List a table's partitions with rows and bytes");
  ps->add_option("TABLE", parts->table, "Table name")->required();
  ps->add_option("--data", parts->data, "Data folder")->capture_default_str();
  ps->add_option("--format", parts->format, "table, csv or json")->capture_default_str();
  ps->add_flag("--hive", parts->hive,
               "The Hive table of that name (`smartcar hive`): its partition folders, files and "
               "bytes (also used when no warehouse table has the name)");
  ps->callback([parts, exit_code] { *exit_code = RunPartitions(*parts); });

  auto drop = std::make_shared<DropFlags>();
  CLI::App* dp = wh->add_subcommand("drop-partition", "Remove one day's partition of a table");
  dp->add_option("TABLE", drop->table, "Table name")->required();
  dp->add_option("DATE", drop->date, "Partition day yyyyMMdd")->required();
  dp->add_option("--data", drop->data, "Data folder")->capture_default_str();
  dp->callback([drop, exit_code] { *exit_code = RunDrop(*drop); });

  auto spool = std::make_shared<SpoolFlags>();
  CLI::App* sp = wh->add_subcommand(
      "spool",
      "Load each SmartCarStatusInfo_<yyyyMMdd>.txt[.gz] in a spool folder as that day's\n"
      "partition, then rename it <name>.COMPLETED. Polls until Ctrl-C unless --once.");
  sp->add_option("--dir", spool->dir, "Spool folder")->required();
  sp->add_option("--data", spool->data, "Data folder")->capture_default_str();
  sp->add_flag("--once", spool->once, "Process the folder once and exit (1 if a file failed)");
  sp->add_option("--interval", spool->interval, "Seconds between polls")->capture_default_str();
  sp->callback([spool, exit_code] { *exit_code = RunSpool(*spool); });
}

}  // namespace smartcar::cli
