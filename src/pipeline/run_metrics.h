// RunMetrics: the observability side of one `smartcar run`.
//
// While the run is live it serves GET /metrics, /stats.json and /healthz (server/metrics_server.h)
// and writes DATA/metrics.json = {"url": "http://127.0.0.1:9464", "pid": 1234, "started_ms": ...}
// so `smartcar topology stats --data DATA` finds the endpoint. When the run ends, Finish() stops
// the endpoint, removes DATA/metrics.json and writes the final snapshot to
// DATA/topology-stats.json (server/stats_json.h), readable after the process is gone; while
// running it refreshes that file every few seconds (marked non-final) for runs that get killed.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "server/metrics_server.h"
#include "server/stats_json.h"

namespace smartcar::topology {
class Topology;
}

namespace smartcar::pipeline {

struct PipelineCounters;

// The run's counters as exposed: generated, collected, consumed, parsed, stored, detections,
// rejected, late, rule_reloads.
std::vector<server::PipelineCounter> PipelineCounterList(const PipelineCounters& c,
                                                         uint64_t generated, uint64_t collected);

class RunMetrics {
 public:
  using CountersFn = std::function<std::vector<server::PipelineCounter>()>;
  using StateFn = std::function<std::string()>;
  // What the status line says about progress (see server::StatsSnapshot::state); called from
  // the server's threads. Call before Start.
  void SetStateFn(StateFn state) { state_fn_ = std::move(state); }
  // "" when every engine works, else why not: GET /healthz answers 503 with it. Before Start.
  void SetHealthFn(StateFn health) { health_fn_ = std::move(health); }
  // Answers /api/v1/... (commands through this process); called from the server's threads.
  // Before Start.
  void SetApiFn(std::function<server::ApiResponse(const server::ApiRequest&)> api) {
    api_fn_ = std::move(api);
  }
  // The in-process collector's components (smartcar run's), for the snapshot. Before Start.
  using CollectorFn = std::function<std::vector<server::CollectorComponent>()>;
  void SetCollectorFn(CollectorFn collector) { collector_fn_ = std::move(collector); }
  // Driving events parsed per area (AreaEventList), for the snapshot. Before Start.
  using AreasFn = std::function<std::vector<std::pair<std::string, uint64_t>>()>;
  void SetAreasFn(AreasFn areas) { areas_fn_ = std::move(areas); }
  // Fills the snapshot's event time, consumer group and partitions. Before Start.
  using ProgressFn = std::function<void(server::StatsSnapshot*)>;
  void SetProgressFn(ProgressFn progress) { progress_fn_ = std::move(progress); }
  // Whether the endpoint serves the console's pages (default yes). Before Start.
  void SetConsole(bool console) { console_ = console; }
  // `topology` must outlive this object; `counters` is called from the server's threads.
  RunMetrics(std::string data_dir, const topology::Topology* topology, CountersFn counters);
  ~RunMetrics();  // Stops the endpoint (no stats file unless Finish() ran).

  // Serves the endpoint on host:port (port < 0: no endpoint), writes DATA/metrics.json and
  // prints the URL on `out` (if not null). A port that cannot be bound is not fatal: a warning
  // goes to `out` and the run continues without the endpoint (url() then stays empty).
  // Every `snapshot_every` (0: never) it also writes a non-final DATA/topology-stats.json, so
  // a run killed with SIGKILL still leaves recent stats. Call once.
  void Start(const std::string& host, int port, std::FILE* out,
             std::chrono::milliseconds snapshot_every = std::chrono::seconds(10));
  // "http://HOST:PORT" while serving, else "".
  std::string url() const;
  // The snapshot now (`final` marks the end-of-run one).
  server::StatsSnapshot Snapshot(bool final) const;
  // The pipeline counters and each topology component's figures sampled once a second while
  // the endpoint is served, the last kHistorySamples of them (the console's charts of the last
  // 15 minutes), oldest first: {"interval_ms":1000,"time_ms":[...],"counters":{"stored":[...],
  // ...},"components":{"table":{"executed":[...],"emitted":[...],"failed":[...],"capacity":[...],
  // "queue_depth":[...]},...}} where capacity is the busiest task's busy fraction over the
  // second before the sample (the first: since the start).
  std::string HistoryJson() const;
  static constexpr size_t kHistorySamples = 900;
  // Takes one sample of the history now (the sampler's work each second; tests call it). After
  // Start.
  void Sample();
  // Stops the endpoint and the periodic snapshots, removes DATA/metrics.json and writes the
  // final DATA/topology-stats.json. IOError if the stats file cannot be written.
  Status Finish();

 private:
  struct State;
  void StopThreads();
  std::string data_dir_;
  const topology::Topology* topology_;
  CountersFn counters_;
  StateFn state_fn_;
  StateFn health_fn_;
  CollectorFn collector_fn_;
  AreasFn areas_fn_;
  ProgressFn progress_fn_;
  std::function<server::ApiResponse(const server::ApiRequest&)> api_fn_;
  bool console_ = true;
  std::unique_ptr<State> state_;
};

}  // namespace smartcar::pipeline
