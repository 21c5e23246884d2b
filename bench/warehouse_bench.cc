// Warehouse throughput, side by side with DuckDB's own CSV reader on the same files:
//   build/release/bench/warehouse_bench [--benchmark_filter=...]
// Environment: SMARTCAR_BENCH_DIR (scratch folder, default $TMPDIR), SMARTCAR_BENCH_YEAR_CARS
// (cars per day in the yearly report, default 2), SMARTCAR_BENCH_YEAR_DAYS (default 365).
// Numbers and the command line go in docs/BENCHMARKS.md.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "core/event_time.h"
#include "gen/status_simulator.h"
#include "warehouse/warehouse.h"

namespace fs = std::filesystem;

namespace smartcar::warehouse {
namespace {

// DuckDB's read_csv with the status log's 13 typed columns. reg_date stays BIGINT: DuckDB's
// timestamp parser rejects the pilot's hour-24 stamps (ours reads them as ISO 8601 end of day).
std::string ReadCsv(const std::string& files, bool filename) {
  return "read_csv(" + files +
         ", header = false, delim = ',', filename = " + (filename ? "true" : "false") +
         ", columns = {'reg_date': 'BIGINT', 'car_number': 'VARCHAR', 'tire_fl': 'INTEGER', "
         "'tire_fr': 'INTEGER', 'tire_bl': 'INTEGER', 'tire_br': 'INTEGER', "
         "'light_fl': 'INTEGER', 'light_fr': 'INTEGER', 'light_bl': 'INTEGER', "
         "'light_br': 'INTEGER', 'engine': 'VARCHAR', 'break': 'VARCHAR', 'battery': 'INTEGER'})";
}

class Scratch {
 public:
  static Scratch& Get() {
    static Scratch s;
    return s;
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const std::string& dir() const { return dir_; }

  // A generated 100-car day (written once).
  const std::string& Day100() {
    if (day100_.empty()) day100_ = Generate("day100", 100);
    return day100_;
  }

  std::unique_ptr<Warehouse> Open(const std::string& name) {
    WarehouseOptions o;
    o.data_dir = dir_ + "/" + name;
    auto w = Warehouse::Open(o);
    if (!w) {
      std::fprintf(stderr, "%s\n", w.error().ToString().c_str());
      std::abort();
    }
    return std::move(*w);
  }

  std::string Generate(const std::string& sub, int cars) {
    gen::StatusSimOptions sim;
    sim.day = *ParseDate8("20220426");
    sim.cars = cars;
    gen::StatusRunStats stats;
    Status s = gen::RunStatusSimulator(sim, dir_ + "/" + sub, nullptr, {}, &stats);
    if (!s.ok()) std::abort();
    return stats.path;
  }

 private:
  Scratch() {
    const char* env = std::getenv("SMARTCAR_BENCH_DIR");
    std::string base = env != nullptr ? env : fs::temp_directory_path().string();
    std::string tmpl = base + "/smartcar-wh-bench-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    dir_ = tmpl;
  }
  std::string dir_;
  std::string day100_;
};

int EnvInt(const char* name, int def) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoi(v) : def;
}

void SetRates(benchmark::State& state, uint64_t lines, uint64_t bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
  state.counters["lines/s"] = benchmark::Counter(static_cast<double>(lines) * state.iterations(),
                                                 benchmark::Counter::kIsRate);
}

// Our load: parse with core's codecs, append DuckDB chunks, COPY to Parquet, commit.
void BM_Load100CarDay(benchmark::State& state) {
  const std::string file = Scratch::Get().Day100();
  auto w = Scratch::Get().Open("load");
  LoadReport last;
  for (auto _ : state) {
    auto r = w->Load(LoadSpec{std::string(kStatusTable), "20220426", file});
    if (!r)
      state.SkipWithError(r.error().ToString().c_str());
    else
      last = *r;
  }
  SetRates(state, last.lines, last.input_bytes);
  state.counters["rows"] = static_cast<double>(last.rows);
}
BENCHMARK(BM_Load100CarDay)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);

// DuckDB alone on the same file: read_csv (typed) -> Parquet, no validation of domains.
void BM_DuckDbReadCsvToParquet100CarDay(benchmark::State& state) {
  const std::string file = Scratch::Get().Day100();
  auto w = Scratch::Get().Open("csv");
  const std::string out = Scratch::Get().dir() + "/csv.parquet";
  const std::string sql = "COPY (SELECT * FROM " + ReadCsv("'" + file + "'", false) + ") TO '" +
                          out + "' (FORMAT parquet)";
  for (auto _ : state) {
    auto r = w->Query(sql);
    if (!r) state.SkipWithError(r.error().ToString().c_str());
  }
  const uint64_t bytes = fs::file_size(file);
  SetRates(state, 100ull * 21601, bytes);
}
BENCHMARK(BM_DuckDbReadCsvToParquet100CarDay)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3);

// A year of partitions: one generated day loaded once, its Parquet copied to every day of 2022.
struct Year {
  std::string day_file;
  std::string csv_glob;
  std::unique_ptr<Warehouse> w;
  uint64_t rows = 0;
};

Year& GetYear() {
  static Year* y = [] {
    auto* year = new Year;
    const int cars = EnvInt("SMARTCAR_BENCH_YEAR_CARS", 2);
    const int days = EnvInt("SMARTCAR_BENCH_YEAR_DAYS", 365);
    Scratch& s = Scratch::Get();
    year->day_file = s.Generate("yearday", cars);
    year->w = s.Open("year");
    auto r = year->w->Load(LoadSpec{std::string(kStatusTable), "20220101", year->day_file});
    if (!r) std::abort();
    const std::string table = year->w->root() + "/" + std::string(kStatusTable);
    const std::string first = table + "/wrk_date=20220101/part-0.parquet";
    const std::string csv_dir = s.dir() + "/yearcsv";
    fs::create_directories(csv_dir);
    const int64_t start = *ParseDate8("20220101");
    for (int d = 0; d < days; ++d) {
      const std::string date = FormatDate8FromDays(start + d);
      if (d > 0) {
        fs::create_directories(table + "/wrk_date=" + date);
        fs::copy_file(first, table + "/wrk_date=" + date + "/part-0.parquet");
      }
      // The CSV side reads the same day file once per day, named as the spool names it.
      fs::create_symlink(year->day_file, csv_dir + "/SmartCarStatusInfo_" + date + ".txt");
    }
    year->csv_glob = "'" + csv_dir + "/SmartCarStatusInfo_*.txt'";
    year->rows = r->rows * static_cast<uint64_t>(days);
    return year;
  }();
  return *y;
}

void BM_YearlyReportOverParquet(benchmark::State& state) {
  Year& y = GetYear();
  ReportOptions o;
  o.by = ReportPeriod::kYear;
  for (auto _ : state) {
    auto r = y.w->StatusReport(o);
    if (!r) state.SkipWithError(r.error().ToString().c_str());
  }
  state.counters["rows"] = static_cast<double>(y.rows);
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(y.rows) * state.iterations(),
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_YearlyReportOverParquet)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

// The same report SQL with SmartCar_Status_Info shadowed by a temp view over read_csv of the
// same 365 day files (wrk_date from the file name).
void BM_YearlyReportOverReadCsv(benchmark::State& state) {
  Year& y = GetYear();
  auto view = y.w->Query(
      "CREATE OR REPLACE TEMP VIEW SmartCar_Status_Info AS SELECT * EXCLUDE (filename), "
      "regexp_extract(filename, '_([0-9]{8})\\.txt$', 1) AS wrk_date FROM " +
      ReadCsv(y.csv_glob, true));
  if (!view) {
    state.SkipWithError(view.error().ToString().c_str());
    return;
  }
  ReportOptions o;
  o.by = ReportPeriod::kYear;
  for (auto _ : state) {
    auto r = y.w->StatusReport(o);
    if (!r) state.SkipWithError(r.error().ToString().c_str());
  }
  (void)y.w->Query("DROP VIEW temp.SmartCar_Status_Info");
  state.counters["rows"] = static_cast<double>(y.rows);
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(y.rows) * state.iterations(),
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_YearlyReportOverReadCsv)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
}  // namespace smartcar::warehouse

BENCHMARK_MAIN();
