// server/: what a Prometheus scrape of `smartcar run` costs. A snapshot shaped like the SmartCar
// topology's (5 components, 6 tasks) is formatted per request, as the run does.
#include <benchmark/benchmark.h>

#include "server/http_client.h"
#include "server/metrics_server.h"
#include "server/stats_json.h"

namespace smartcar::server {
namespace {

StatsSnapshot SmartCarLikeSnapshot() {
  StatsSnapshot s;
  s.time_ms = 1'795'000'000'000;
  s.topology.name = "SmartCarDriverTopology";
  int task = 0;
  for (const auto& [id, tasks] : {std::pair{"log", 1}, std::pair{"parse", 1},
                                  std::pair{"table", 1}, std::pair{"cep", 2}, std::pair{"hot", 1}}) {
    topology::ComponentStats c;
    c.id = id;
    c.is_spout = task == 0;
    for (int i = 0; i < tasks; ++i) {
      topology::TaskStats t;
      t.task_id = task++;
      t.emitted = t.executed = t.acked = 123'456'789;
      t.capacity = 0.42;
      t.latency_p50_ns = 1500;
      t.latency_p99_ns = 98'000;
      c.tasks.push_back(t);
    }
    c.total = c.tasks[0];
    s.topology.components.push_back(c);
  }
  for (const char* name : {"generated", "collected", "consumed", "parsed", "stored", "detections",
                           "rejected", "late", "rule_reloads"}) {
    s.pipeline.push_back({name, "help text", 300'000});
  }
  return s;
}

void BM_FormatPrometheus(benchmark::State& state) {
  const StatsSnapshot s = SmartCarLikeSnapshot();
  for (auto _ : state) benchmark::DoNotOptimize(FormatSnapshotPrometheus(s));
}
BENCHMARK(BM_FormatPrometheus);

void BM_SnapshotToJson(benchmark::State& state) {
  const StatsSnapshot s = SmartCarLikeSnapshot();
  for (auto _ : state) benchmark::DoNotOptimize(SnapshotToJson(s));
}
BENCHMARK(BM_SnapshotToJson);

void BM_SnapshotFromJson(benchmark::State& state) {
  const std::string text = SnapshotToJson(SmartCarLikeSnapshot());
  for (auto _ : state) benchmark::DoNotOptimize(SnapshotFromJson(text));
}
BENCHMARK(BM_SnapshotFromJson);

// One full scrape over loopback: connect, GET, format, answer, close.
void BM_ScrapeMetrics(benchmark::State& state) {
  MetricsProviders p;
  p.metrics = [] { return FormatSnapshotPrometheus(SmartCarLikeSnapshot()); };
  p.stats_json = [] { return SnapshotToJson(SmartCarLikeSnapshot()); };
  auto server = MetricsServer::Start(MetricsServerOptions{}, p);
  if (!server) {
    state.SkipWithError(server.error().ToString().c_str());
    return;
  }
  const std::string url = (*server)->url() + "/metrics";
  size_t bytes = 0;
  for (auto _ : state) {
    auto r = HttpGet(url);
    if (!r || r->status != 200) {
      state.SkipWithError("scrape failed");
      break;
    }
    bytes += r->body.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ScrapeMetrics)->UseRealTime();

}  // namespace
}  // namespace smartcar::server

BENCHMARK_MAIN();
