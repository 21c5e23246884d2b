// Line codec throughput: `build/release/bench/core_bench` (see docs/BENCHMARKS.md).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/line_codec.h"
#include "gen/driver_simulator.h"
#include "gen/status_simulator.h"

namespace smartcar {
namespace {

std::vector<std::string> DriverLines(size_t n) {
  gen::DriverSimOptions o;
  o.start_day = *ParseDate8("20220426");
  o.cars = 100;
  gen::DriverSimulator sim(o);
  std::string text;
  while (static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) < n) sim.NextTick(&text);
  std::vector<std::string> lines;
  size_t pos = 0;
  while (lines.size() < n) {
    const size_t nl = text.find('\n', pos);
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

void BM_ParseDriverLine(benchmark::State& state) {
  const auto lines = DriverLines(100000);
  size_t i = 0, bytes = 0;
  DriverEvent e;
  for (auto _ : state) {
    const std::string& line = lines[i];
    auto r = ParseDriverLine(line, &e);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(e);
    bytes += line.size() + 1;
    if (++i == lines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ParseDriverLine);

void BM_FormatDriverLine(benchmark::State& state) {
  const auto lines = DriverLines(1000);
  std::vector<DriverEvent> events(lines.size());
  for (size_t k = 0; k < lines.size(); ++k) (void)ParseDriverLine(lines[k], &events[k]);
  std::string out;
  size_t i = 0;
  for (auto _ : state) {
    out.clear();
    AppendDriverLine(events[i], &out);
    benchmark::DoNotOptimize(out.data());
    if (++i == events.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FormatDriverLine);

void BM_ParseStatusLine(benchmark::State& state) {
  const std::string line = "20220426000004,X0001,91,78,95,74,1,1,1,1,A,B,99";
  StatusEvent e;
  for (auto _ : state) {
    auto r = ParseStatusLine(line, &e);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseStatusLine);

void BM_DriverSimulatorTick100Cars(benchmark::State& state) {
  gen::DriverSimOptions o;
  o.cars = 100;
  gen::DriverSimulator sim(o);
  std::string out;
  for (auto _ : state) {
    out.clear();
    sim.NextTick(&out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_DriverSimulatorTick100Cars);

}  // namespace
}  // namespace smartcar

BENCHMARK_MAIN();
