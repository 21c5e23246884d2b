// `smartcar table split|load`: the pilot's RegionSplitter, and loading a driving log into the
// DriverCarInfo table (what the pilot's HBase bolt stored: row key + the 8 fields in cf1).
//   smartcar table split DriverCarInfo HexStringSplit -c 2 -f cf1
//   smartcar table load --table DriverCarInfo SmartCarDriverInfo.log
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "pipeline/driver_table.h"
#include "pipeline/stores.h"
#include "core/line_codec.h"
#include "core/line_reader.h"
#include "core/row_key.h"
#include "table/table.h"

namespace smartcar::cli {
namespace {

struct SplitFlags {
  std::string data = "smartcar-data";
  std::string table;
  std::string algorithm;
  int regions = 2;
  std::string families = "cf1";
};

std::vector<std::string> SplitColon(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t c = s.find(':', start);
    out.push_back(s.substr(start, c - start));
    if (c == std::string::npos) return out;
    start = c + 1;
  }
}

int RunSplit(const SplitFlags& f) {
  Result<std::vector<std::string>> keys =
      f.algorithm == "HexStringSplit" ? table::HexStringSplit(f.regions)
      : f.algorithm == "UniformSplit"
          ? table::UniformSplit(f.regions)
          : Err(Status::InvalidArgument("unknown split algorithm '" + f.algorithm +
                                        "': use HexStringSplit or UniformSplit"));
  if (!keys) {
    std::fprintf(stderr, "smartcar table split: %s\n", keys.error().message().c_str());
    return kExitUsage;
  }
  auto store = table::TableStore::Open({.data_dir = f.data});
  if (!store) {
    std::fprintf(stderr, "smartcar table split: %s\n",
                 pipeline::ExplainBusy(store.error(), f.data).ToString().c_str());
    return kExitFailure;
  }
  Status s;
  if ((*store)->Exists(f.table)) {
    s = (*store)->SetSplitKeys(f.table, *keys);
  } else {
    table::TableDescriptor d{.name = f.table};
    for (const auto& fam : SplitColon(f.families)) d.families.push_back({.name = fam});
    d.split_keys = *keys;
    s = (*store)->CreateTable(d);
  }
  if (!s.ok()) {
    std::fprintf(stderr, "smartcar table split: %s\n", s.message().c_str());
    return kExitFailure;
  }
  std::printf("Table %s has %d regions:", f.table.c_str(), f.regions);
  std::string prev;
  for (const auto& k : *keys) {
    std::printf(" ['%s', '%s')", prev.c_str(), k.c_str());
    prev = k;
  }
  std::printf(" ['%s', '')\n", prev.c_str());
  return kExitOk;
}

struct LoadFlags {
  std::string data = "smartcar-data";
  std::string table = "DriverCarInfo";
  std::string family = "cf1";
  std::vector<std::string> files;
  size_t batch = 1000;
};

int RunLoad(const LoadFlags& f) {
  auto store = table::TableStore::Open({.data_dir = f.data});
  if (!store) {
    std::fprintf(stderr, "smartcar table load: %s\n",
                 pipeline::ExplainBusy(store.error(), f.data).ToString().c_str());
    return kExitFailure;
  }
  if (!(*store)->Exists(f.table)) {
    Status s = (*store)->CreateTable({.name = f.table, .families = {{.name = f.family}}});
    if (!s.ok()) {
      std::fprintf(stderr, "smartcar table load: %s\n", s.message().c_str());
      return kExitFailure;
    }
  }
  auto t = (*store)->OpenTable(f.table);
  if (!t) {
    std::fprintf(stderr, "smartcar table load: %s\n", t.error().message().c_str());
    return kExitFailure;
  }
  uint64_t rows = 0, bad = 0;
  std::vector<table::Put> batch;
  auto flush = [&]() -> bool {
    if (batch.empty()) return true;
    Status s = (*t)->ApplyBatch({}, batch);
    if (!s.ok()) {
      std::fprintf(stderr, "smartcar table load: %s\n", s.message().c_str());
      return false;
    }
    rows += batch.size();
    batch.clear();
    return true;
  };
  for (const auto& file : f.files) {
    auto reader = LineReader::Open(file);
    if (!reader) {
      std::fprintf(stderr, "smartcar table load: %s\n", reader.error().message().c_str());
      return kExitFailure;
    }
    std::string_view line;
    while ((*reader)->Next(&line)) {
      DriverEvent e;
      auto kind = ParseDriverLine(line, &e);
      if (!kind) {
        ++bad;
        std::fprintf(stderr, "%s: %s\n", file.c_str(),
                     AtLine(kind.error(), (*reader)->line_number()).message().c_str());
        continue;
      }
      if (*kind == LineKind::kHeader) continue;
      // The same row the pipeline's TableBolt writes for this line.
      batch.push_back(pipeline::DriverRow(e, f.family));
      if (batch.size() >= f.batch && !flush()) return kExitFailure;
    }
    if (!(*reader)->status().ok()) {
      std::fprintf(stderr, "smartcar table load: %s\n", (*reader)->status().message().c_str());
      return kExitFailure;
    }
  }
  if (!flush()) return kExitFailure;
  std::fprintf(stderr, "smartcar table load: %llu rows into %s (%llu bad lines skipped)\n",
               static_cast<unsigned long long>(rows), f.table.c_str(),
               static_cast<unsigned long long>(bad));
  return kExitOk;
}

}  // namespace

void RegisterTable(CLI::App* app, int* exit_code) {
  CLI::App* tbl = app->add_subcommand("table", "Table store tools: region split, bulk load");
  tbl->require_subcommand(1);

  auto split = std::make_shared<SplitFlags>();
  CLI::App* sp =
      tbl->add_subcommand("split",
                          "Pre-split a table into regions, as HBase's RegionSplitter:\n"
                          "  smartcar table split DriverCarInfo HexStringSplit -c 2 -f cf1\n"
                          "Creates the table with those families if it does not exist.");
  sp->add_option("--data", split->data, "Data folder")->capture_default_str();
  sp->add_option("table", split->table, "Table name")->required();
  sp->add_option("algorithm", split->algorithm, "HexStringSplit or UniformSplit")->required();
  sp->add_option("-c", split->regions, "Number of regions")->capture_default_str();
  sp->add_option("-f", split->families, "Column families, ':'-separated")->capture_default_str();
  sp->callback([split, exit_code] { *exit_code = RunSplit(*split); });

  auto load = std::make_shared<LoadFlags>();
  CLI::App* ld = tbl->add_subcommand(
      "load",
      "Store driving-log lines as rows: key = reversed event time + '-' + car number,\n"
      "one cell per field in the family (date, car_number, ..., area_number).");
  ld->add_option("--data", load->data, "Data folder")->capture_default_str();
  ld->add_option("--table", load->table, "Table (created if missing)")->capture_default_str();
  ld->add_option("--family", load->family, "Column family")->capture_default_str();
  ld->add_option("--batch", load->batch, "Rows per atomic batch")->capture_default_str();
  ld->add_option("files", load->files, "Driving logs (plain or .gz)")->required();
  ld->callback([load, exit_code] { *exit_code = RunLoad(*load); });
}

}  // namespace smartcar::cli
