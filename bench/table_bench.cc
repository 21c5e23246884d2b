// Table store throughput: `build/release/bench/table_bench` (see docs/BENCHMARKS.md).
// Rows are the pilot's driving rows: key = reversed event time + '-' + car, 8 cells in cf1.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/event_time.h"
#include "core/row_key.h"
#include "table/table.h"

namespace smartcar::table {
namespace {

constexpr const char* kQualifiers[] = {"date",        "car_number",   "speed_pedal", "break_pedal",
                                       "steer_angle", "direct_light", "speed",       "area_number"};

// The tick'th row of car `car` (100 cars, one row per car per second from 2022-04-26).
// distinct_ts gives every cell its own timestamp: 8 engine entries per row, the cost of a
// one-entry-per-cell encoding.
Put DrivingRow(int64_t tick, int car, bool distinct_ts = false) {
  static const int64_t kDay = *ParseDate8("20220426") * kMsPerDay;
  CarNumber cn;
  std::snprintf(cn.chars.data(), 6, "%c%04d", 'A' + car % 26, car);
  const EventTimeMs t{kDay + tick * 1000};
  Put p(MakeRowKey(t, cn));
  std::mt19937 rng(static_cast<uint32_t>(tick * 131 + car));
  const std::string values[8] = {
      FormatTimestamp14(t),
      std::string(cn.view()),
      std::to_string(rng() % 6),
      std::to_string(rng() % 4),
      "F",
      "N",
      std::to_string(rng() % 160),
      std::string(1, static_cast<char>('A' + rng() % 6)) + "0" + std::to_string(rng() % 10)};
  for (int i = 0; i < 8; ++i) {
    p.Add("cf1", kQualifiers[i], values[i], distinct_ts ? 1650000000000 + i : kLatestTimestamp);
  }
  return p;
}

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<TableStore> store;
  std::shared_ptr<Table> table;
  explicit Fixture(const std::string& name) {
    dir = std::filesystem::temp_directory_path() / ("smartcar-table-bench-" + name);
    std::filesystem::remove_all(dir);
    store = std::move(*TableStore::Open({.data_dir = dir.string()}));
    auto splits = *HexStringSplit(2);
    if (!store->CreateTable({"DriverCarInfo", {{.name = "cf1"}}, splits}).ok()) std::abort();
    table = *store->OpenTable("DriverCarInfo");
  }
  ~Fixture() {
    table.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
};

// Batch put with the WAL on (no fsync): rows/s. Arg 0: rows per batch; arg 1: 8 = one engine
// entry per cell (distinct timestamps), 1 = our one entry per row and family.
void BM_BatchPut(benchmark::State& state) {
  Fixture f("put");
  const int batch_rows = static_cast<int>(state.range(0));
  const bool per_cell = state.range(1) == 8;
  int64_t tick = 0;
  std::vector<Put> batch;
  for (auto _ : state) {
    state.PauseTiming();
    batch.clear();
    for (int i = 0; i < batch_rows; ++i) {
      batch.push_back(DrivingRow(tick + i / 100, i % 100, per_cell));
    }
    tick += batch_rows / 100 + 1;
    state.ResumeTiming();
    if (!f.table->ApplyBatch({}, batch).ok()) state.SkipWithError("put failed");
  }
  state.SetItemsProcessed(state.iterations() * batch_rows);
}
BENCHMARK(BM_BatchPut)->Args({1000, 1})->Args({1000, 8})->Unit(benchmark::kMillisecond);

Fixture* Loaded() {
  static Fixture* f = [] {
    auto* fx = new Fixture("read");
    std::vector<Put> batch;
    for (int64_t tick = 0; tick < 2000; ++tick) {  // 200,000 rows.
      for (int car = 0; car < 100; ++car) batch.push_back(DrivingRow(tick, car));
      if (batch.size() >= 5000) {
        if (!fx->table->ApplyBatch({}, batch).ok()) std::abort();
        batch.clear();
      }
    }
    return fx;
  }();
  return f;
}

void BM_FullScan(benchmark::State& state) {
  Fixture* f = Loaded();
  uint64_t rows = 0;
  for (auto _ : state) {
    auto it = *f->table->Scan({});
    for (; it->Valid(); it->Next()) ++rows;
  }
  state.SetItemsProcessed(static_cast<int64_t>(rows));
}
BENCHMARK(BM_FullScan)->Unit(benchmark::kMillisecond);

// The seeds' conditional scan: COLUMNS car_number, area_number and
// RowFilter(=,'regexstring:62402202') AND SingleColumnValueFilter(... area_number = F06).
void BM_PilotFilterScan(benchmark::State& state) {
  Fixture* f = Loaded();
  ScanSpec spec;
  spec.columns = {ColumnRef::Parse("cf1:car_number"), ColumnRef::Parse("cf1:area_number")};
  spec.filter =
      "RowFilter(=,'regexstring:62402202') AND "
      "SingleColumnValueFilter('cf1','area_number',=,'regexstring:F06')";
  uint64_t scanned = 0, matched = 0;
  for (auto _ : state) {
    auto it = *f->table->Scan(spec);
    for (; it->Valid(); it->Next()) ++matched;
    scanned += 200000;
  }
  state.SetItemsProcessed(static_cast<int64_t>(scanned));
  state.counters["matched_rows"] =
      static_cast<double>(matched) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_PilotFilterScan)->Unit(benchmark::kMillisecond);

// Random point gets of whole rows; reports the p50 and p99 latency in microseconds.
void BM_RandomGet(benchmark::State& state) {
  Fixture* f = Loaded();
  std::mt19937 rng(7);
  std::vector<double> micros;
  for (auto _ : state) {
    const Put p = DrivingRow(static_cast<int64_t>(rng() % 2000), static_cast<int>(rng() % 100));
    const auto start = std::chrono::steady_clock::now();
    auto r = f->table->Get({.row = p.row});
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
    if (!r || r->cells.size() != 8) state.SkipWithError("get failed");
  }
  std::sort(micros.begin(), micros.end());
  state.SetItemsProcessed(state.iterations());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
}
BENCHMARK(BM_RandomGet);

}  // namespace
}  // namespace smartcar::table

BENCHMARK_MAIN();
