// Collector throughput: driving lines from a tailed file to the embedded durable log, through
// the agent (TAILDIR → header filter → log sink), commit after every acknowledged batch.
//   build/release/bench/collect_bench
#include <benchmark/benchmark.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "collect/agent.h"
#include "collect/sinks/log_sink.h"
#include "core/event_time.h"
#include "gen/driver_simulator.h"
#include "queue/log.h"

namespace smartcar::collect {
namespace {

namespace fs = std::filesystem;

void BM_TailedFileToEmbeddedLog(benchmark::State& state) {
  const int64_t lines = state.range(0);
  const int batch = static_cast<int>(state.range(1));
  const fs::path dir = fs::temp_directory_path() / "smartcar-collect-bench";
  fs::remove_all(dir);
  fs::create_directories(dir / "logs");
  {
    gen::DriverSimOptions o;
    o.start_day = *ParseDate8("20220426");
    o.cars = 100;
    gen::DriverSimulator sim(o);
    std::ofstream out(dir / "logs" / "SmartCarDriverInfo.log", std::ios::binary);
    std::string text;
    for (int64_t i = 0; i < lines / 100; ++i) {
      sim.NextTick(&text);
      if (text.size() > (1 << 20)) {
        out << text;
        text.clear();
      }
    }
    out << text;
  }
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(dir / "queue");
    fs::remove(dir / "taildir_position.json");
    queue::QueueOptions qo;
    qo.data_dir = (dir / "queue").string();
    auto log = queue::OpenLog(qo);
    Properties p;
    int n = 1;
    auto set = [&](const std::string& k, const std::string& v) { p["b." + k] = PropertyValue{v, n++}; };
    set("sources", "s");
    set("channels", "c");
    set("sinks", "k");
    set("sources.s.type", "TAILDIR");
    set("sources.s.filegroups", "g");
    set("sources.s.filegroups.g", (dir / "logs").string() + "/SmartCarDriverInfo\\.log");
    set("sources.s.batchSize", std::to_string(batch));
    set("sources.s.channels", "c");
    set("sources.s.interceptors", "f");
    set("sources.s.interceptors.f.type", "regex_filter");
    set("sources.s.interceptors.f.regex", "^\\d{14}");
    set("channels.c.type", "memory");
    set("channels.c.capacity", std::to_string(batch));
    set("channels.c.transactionCapacity", std::to_string(batch));
    set("sinks.k.type", "log");
    set("sinks.k.topic", "SmartCar-Topic");
    set("sinks.k.keyField", "2");
    set("sinks.k.channel", "c");
    AgentOptions ao;
    ao.data_dir = dir.string();
    queue::Log* l = log->get();
    ao.make_log_sink = [l](const std::string& name, ComponentParams* params) { return MakeLogSink(name, params, l); };
    auto agent = Agent::Create(p, "b", ao);
    if (!agent) {
      state.SkipWithError(agent.error().ToString().c_str());
      return;
    }
    std::atomic<bool> stop{false};
    state.ResumeTiming();
    Status s = (*agent)->Run(stop, true);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * lines);
  fs::remove_all(dir);
}
BENCHMARK(BM_TailedFileToEmbeddedLog)->Args({1'000'000, 1000})->Args({1'000'000, 10000})->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

}  // namespace
}  // namespace smartcar::collect

BENCHMARK_MAIN();
