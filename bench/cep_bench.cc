// CEP engine benchmarks: `build/release/bench/cep_bench` (numbers in docs/BENCHMARKS.md).
//   BM_OverspeedRule      the shipped rule (rules/overspeed.epl) over 100,000 cars, one event
//                         per car every 2 s of event time, one engine in steady state; items/s =
//                         events/s on one core; bytes_per_car = engine memory per car at the
//                         end of a batch (its table, and the closed batch's arrays kept for the
//                         next one), peak_bytes_per_car = at tick 4, while the previous batch
//                         waits out the allowed lateness; release_ms_median/_max = the Send()
//                         that closes a batch (100,000 groups, ~11,000 rows delivered).
//   BM_CompileRule100     compiling a 100-statement rule file.
//   BM_Reload100          Replace() of a running 100-statement deployment with a file where 10
//                         statements changed (compile included).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cep/engine.h"
#include "core/event_time.h"

namespace smartcar {
namespace {

constexpr int kCars = 100'000;

std::string OverspeedRule() {
  std::ifstream in(std::string(SMARTCAR_RULES_DIR) + "/overspeed.epl");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `ticks` rounds of one event per car, 2 s of event time apart; every 10th car is "wild".
std::vector<DriverEvent> Events(int ticks) {
  std::vector<DriverEvent> out;
  out.reserve(static_cast<size_t>(kCars) * static_cast<size_t>(ticks));
  const int64_t t0 = ParseTimestamp14("20220426000000")->value;
  uint64_t x = 88172645463325252ULL;
  for (int t = 0; t < ticks; ++t) {
    for (int c = 0; c < kCars; ++c) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      DriverEvent e;
      e.time = EventTimeMs{t0 + t * 2000};
      char num[8];
      std::snprintf(num, sizeof num, "%c%04d", 'A' + c % 26, c % 10000);
      for (int i = 0; i < 5; ++i) e.car_number.chars[static_cast<size_t>(i)] = num[i];
      e.speed = static_cast<int32_t>(x % 120) + (c % 10 == 0 ? 80 : 0);
      e.speed_pedal = static_cast<uint8_t>(x % 6);
      e.area_number.chars = {'A', '0', '1'};
      out.push_back(e);
    }
  }
  return out;
}

void BM_OverspeedRule(benchmark::State& state) {
  Result<cep::CompiledRule> rule = cep::Compile(OverspeedRule());
  if (!rule) {
    state.SkipWithError(rule.error().message().c_str());
    return;
  }
  // 15 ticks = one 30-second batch per car. One engine runs across all iterations and event
  // time keeps advancing (iteration k sends batch k), as in a long run: with the rule's 10 s
  // allowed lateness, tick 5 of batch k closes batch k-1. Two batches run before timing
  // starts, so the timed part is the steady state (no first-time growth of the group tables).
  const std::vector<DriverEvent> events = Events(15);
  uint64_t rows = 0;
  cep::Engine engine(cep::EngineOptions{}, [&](const cep::OutputEvent&) { ++rows; });
  if (!engine.Deploy("overspeed", *rule).ok()) state.SkipWithError("deploy failed");
  int64_t batch = 0;
  double bytes_per_car = 0;
  double peak_bytes_per_car = 0;
  std::vector<int64_t> release_ns;
  const auto send_batch = [&](bool timed_sends) {
    const int64_t offset = batch * 30'000;
    for (size_t i = 0; i < events.size(); ++i) {
      DriverEvent e = events[i];
      e.time = EventTimeMs{e.time.value + offset};
      if (timed_sends && i == static_cast<size_t>(kCars) * 5) {
        // The first event of tick 5 closes the previous batch: time the send that releases it.
        const auto t0 = std::chrono::steady_clock::now();
        engine.Send(e);
        release_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::steady_clock::now() - t0)
                                 .count());
      } else {
        engine.Send(e);
      }
      if (timed_sends && i + 1 == static_cast<size_t>(kCars) * 5) {
        // Tick 4: this batch and the previous one (waiting out the lateness) are both open.
        state.PauseTiming();
        peak_bytes_per_car = static_cast<double>(engine.MemoryBytes()) / kCars;
        state.ResumeTiming();
      }
    }
    ++batch;
  };
  send_batch(false);
  send_batch(false);
  const uint64_t warm_rows = rows;
  for (auto _ : state) {
    send_batch(true);
    state.PauseTiming();
    // The last tick of a batch is in; the previous batch closed at this batch's tick 5 (its
    // arrays are kept for the next batch).
    bytes_per_car = static_cast<double>(engine.MemoryBytes()) / kCars;
    state.ResumeTiming();
    benchmark::DoNotOptimize(rows);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(events.size()));
  state.counters["bytes_per_car"] = bytes_per_car;
  state.counters["peak_bytes_per_car"] = peak_bytes_per_car;
  state.counters["rows_per_batch"] =
      static_cast<double>(rows - warm_rows) / static_cast<double>(state.iterations());
  std::sort(release_ns.begin(), release_ns.end());
  if (!release_ns.empty()) {
    state.counters["release_ms_median"] =
        static_cast<double>(release_ns[release_ns.size() / 2]) / 1e6;
    state.counters["release_ms_max"] = static_cast<double>(release_ns.back()) / 1e6;
  }
}
BENCHMARK(BM_OverspeedRule)->Unit(benchmark::kMillisecond)->MinTime(2.0);

std::string HundredStatements(int variant) {
  std::string out;
  for (int i = 0; i < 100; ++i) {
    const int threshold = 60 + i % 40 + (i < 10 ? variant : 0);
    out += "@Name('s" + std::to_string(i) + "')\nSELECT carNumber, avg(speed) AS a, max(speed) " +
           "AS m, count(*) AS n\nFROM DriverCarInfo.win:ext_timed_batch(date, " +
           std::to_string(10 + i % 50) + " sec)\nWHERE areaNumber LIKE '" +
           static_cast<char>('A' + i % 6) + "%'\nGROUP BY carNumber\nHAVING avg(speed) > " +
           std::to_string(threshold) + ";\n";
  }
  return out;
}

void BM_CompileRule100(benchmark::State& state) {
  const std::string text = HundredStatements(0);
  for (auto _ : state) {
    Result<cep::CompiledRule> rule = cep::Compile(text);
    benchmark::DoNotOptimize(rule);
  }
}
BENCHMARK(BM_CompileRule100)->Unit(benchmark::kMicrosecond);

void BM_Reload100(benchmark::State& state) {
  const std::string a = HundredStatements(0), b = HundredStatements(1);
  cep::Engine engine(cep::EngineOptions{}, nullptr);
  if (!engine.Deploy("rules", *cep::Compile(a)).ok()) state.SkipWithError("deploy failed");
  // Some state in every statement.
  const std::vector<DriverEvent> events = Events(1);
  for (size_t i = 0; i < 10'000; ++i) engine.Send(events[i]);
  bool flip = false;
  for (auto _ : state) {
    flip = !flip;
    Result<cep::CompiledRule> rule = cep::Compile(flip ? b : a);
    if (!rule || !engine.Replace("rules", *rule).ok()) state.SkipWithError("reload failed");
  }
}
BENCHMARK(BM_Reload100)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace smartcar

BENCHMARK_MAIN();
