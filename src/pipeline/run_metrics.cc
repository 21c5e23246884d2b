// RunMetrics: the run's counter list, the metrics endpoint and DATA/metrics.json, and the
// periodic and final DATA/topology-stats.json snapshots (files written to a temp name, renamed).
#include "pipeline/run_metrics.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/file.h"
#include "core/thread_name.h"
#include "pipeline/settings.h"
#include "pipeline/smartcar_topology.h"
#include "server/metrics_server.h"
#include "topology/topology.h"

namespace smartcar::pipeline {

std::vector<server::PipelineCounter> PipelineCounterList(const PipelineCounters& c,
                                                         uint64_t generated, uint64_t collected) {
  return {
      {"generated", "Driving lines the simulator has written (whole run).", generated},
      {"collected", "Lines the collector delivered to the durable log in this process.", collected},
      {"consumed", "Records the spout read from the durable log (first reads).", c.consumed.load()},
      {"parsed", "Driving events parsed.", c.parsed.load()},
      {"stored", "Rows written to DriverCarInfo (replays included).", c.stored.load()},
      {"detections", "Detections written to the hot store.", c.detections.load()},
      {"rejected", "Lines sent to the dead-letter file.", c.rejected.load()},
      {"late", "Events the rules saw after their window closed.", c.late.load()},
      {"duplicates", "Redelivered events (same car and event time) the rules counted once.",
       c.duplicates.load()},
      {"replayed_closed", "Replayed events of windows closed before a restart (not late).",
       c.replayed_closed.load()},
      {"rule_reloads", "Successful rule (re)loads.", c.rule_reloads.load()},
      {"disk_pauses", "Times intake paused: the data disk was below its minimum free space.",
       c.disk_pauses.load()},
      {"restarts",
       "Times the spout read again from the committed offsets (a failed write, a mark timed out, "
       "a reject not kept).",
       c.restarts.load()},
  };
}

struct RunMetrics::State {
  std::unique_ptr<server::MetricsServer> server;  // Null when the endpoint is off.
  std::thread snapshots;
  std::thread sampler;  // The history, while the endpoint is served.
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;  // GUARDED_BY(mu)
  // The last kHistorySamples samples, a ring: times and each counter's values.
  mutable std::mutex history_mu;
  std::vector<int64_t> times;                                         // GUARDED_BY(history_mu)
  std::vector<std::pair<std::string, std::vector<uint64_t>>> series;  // GUARDED_BY(history_mu)
  // Each topology component's series, in the topology's order (GUARDED_BY(history_mu)).
  struct ComponentSeries {
    std::string id;
    std::vector<uint64_t> executed, emitted, failed, queue_depth;
    std::vector<double> capacity;  // Busy fraction over the second before the sample.
  };
  std::vector<ComponentSeries> components;
  std::map<int, uint64_t> busy_ns;  // Each task's busy time at the last sample.
  std::chrono::steady_clock::time_point busy_at;
  size_t next = 0;  // GUARDED_BY(history_mu)
};

RunMetrics::RunMetrics(std::string data_dir, const topology::Topology* topology,
                       CountersFn counters)
    : data_dir_(std::move(data_dir)), topology_(topology), counters_(std::move(counters)) {}

RunMetrics::~RunMetrics() { StopThreads(); }

void RunMetrics::StopThreads() {
  if (state_ == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stop = true;
  }
  state_->cv.notify_all();
  if (state_->snapshots.joinable()) state_->snapshots.join();
  if (state_->sampler.joinable()) state_->sampler.join();
  if (state_->server != nullptr) state_->server->Stop();
}

server::StatsSnapshot RunMetrics::Snapshot(bool final) const {
  server::StatsSnapshot s;
  s.time_ms = WallClockMs();
  s.final = final;
  s.topology = topology_->Stats();
  if (counters_) s.pipeline = counters_();
  if (state_fn_ && !final) s.state = state_fn_();
  if (collector_fn_) s.collector = collector_fn_();
  if (areas_fn_) s.areas = areas_fn_();
  if (progress_fn_) progress_fn_(&s);
  return s;
}

void RunMetrics::Start(const std::string& host, int port, std::FILE* out,
                       std::chrono::milliseconds snapshot_every) {
  if (state_ != nullptr) return;
  state_ = std::make_unique<State>();
  if (snapshot_every.count() > 0) {
    state_->snapshots = std::thread([this, snapshot_every] {
      NameThisThread("stats-file");
      std::unique_lock<std::mutex> lock(state_->mu);
      while (!state_->cv.wait_for(lock, snapshot_every, [this] { return state_->stop; })) {
        lock.unlock();
        // Best effort: a failed periodic write is retried next time; Finish() reports errors.
        (void)WriteFileAtomically(DataFolder(data_dir_).Stats(),
                                  server::SnapshotToJson(Snapshot(false)) + "\n");
        lock.lock();
      }
    });
  }
  if (port < 0) return;
  state_->sampler = std::thread([this] {
    NameThisThread("stats-history");
    std::unique_lock<std::mutex> lock(state_->mu);
    do {
      lock.unlock();
      Sample();
      lock.lock();
    } while (!state_->cv.wait_for(lock, std::chrono::seconds(1), [this] { return state_->stop; }));
  });
  server::MetricsServerOptions options;
  options.host = host;
  options.port = port;
  options.console = console_;
  server::MetricsProviders providers;
  providers.metrics = [this] { return server::FormatSnapshotPrometheus(Snapshot(false)); };
  providers.stats_json = [this] { return server::SnapshotToJson(Snapshot(false)); };
  if (health_fn_) providers.health = health_fn_;
  if (api_fn_) providers.api = api_fn_;
  auto started = server::MetricsServer::Start(options, std::move(providers));
  if (!started) {
    if (out != nullptr) {
      std::fprintf(out,
                   "warning: metrics endpoint off: %s (choose another with --metrics-port N, "
                   "or --metrics-port off)\n",
                   started.error().message().c_str());
    }
    return;
  }
  state_->server = std::move(*started);
  server::EndpointInfo info;
  info.url = state_->server->url();
  info.pid = ::getpid();
  info.started_ms = WallClockMs();
  Status s =
      WriteFileAtomically(DataFolder(data_dir_).Metrics(), server::EndpointInfoToJson(info) + "\n");
  if (out == nullptr) return;
  if (!s.ok()) std::fprintf(out, "warning: %s\n", s.message().c_str());
  if (!console_) {
    std::fprintf(out,
                 "metrics: %s/metrics (also /stats.json; `smartcar topology stats`; --ui off)\n",
                 state_->server->url().c_str());
    return;
  }
  std::fprintf(out,
               "console: %s/ (API %s/api/v1/, docs/API.md); metrics: %s/metrics (also "
               "/stats.json; `smartcar topology stats`)\n",
               state_->server->url().c_str(), state_->server->url().c_str(),
               state_->server->url().c_str());
}

void RunMetrics::Sample() {
  const int64_t now = WallClockMs();
  const std::vector<server::PipelineCounter> counters =
      counters_ ? counters_() : std::vector<server::PipelineCounter>();
  const topology::TopologyStats stats = topology_->Stats();
  const auto steady_now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(state_->history_mu);
  State& h = *state_;
  const bool first = h.times.empty();
  if (h.series.size() != counters.size()) {  // the first sample (the list is fixed)
    h.series.clear();
    for (const auto& c : counters) h.series.push_back({c.name, {}});
  }
  if (h.components.size() != stats.components.size()) {
    h.components.clear();
    for (const auto& c : stats.components) h.components.push_back({c.id, {}, {}, {}, {}, {}});
  }
  const size_t at = h.next % kHistorySamples;
  const bool grow = h.times.size() < kHistorySamples;
  auto put = [&](auto& ring, auto value) {
    if (grow) {
      ring.push_back(value);
    } else {
      ring[at] = value;
    }
  };
  put(h.times, now);
  for (size_t i = 0; i < counters.size(); ++i) put(h.series[i].second, counters[i].value);
  const double interval_ns = static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(steady_now - h.busy_at).count());
  for (size_t i = 0; i < stats.components.size(); ++i) {
    const topology::ComponentStats& c = stats.components[i];
    State::ComponentSeries& cs = h.components[i];
    double capacity = first ? c.total.capacity : 0;
    for (const topology::TaskStats& t : c.tasks) {
      uint64_t& before = h.busy_ns[t.task_id];
      if (!first && interval_ns > 0 && t.busy_ns >= before) {
        capacity = std::max(capacity, static_cast<double>(t.busy_ns - before) / interval_ns);
      }
      before = t.busy_ns;
    }
    put(cs.executed, c.total.executed);
    put(cs.emitted, c.total.emitted);
    put(cs.failed, c.total.failed);
    put(cs.queue_depth, c.total.queue_depth);
    put(cs.capacity, std::min(1.0, capacity));
  }
  h.busy_at = steady_now;
  ++h.next;
}

std::string RunMetrics::HistoryJson() const {
  nlohmann::json out{{"interval_ms", 1000}};
  if (state_ == nullptr) {
    out["time_ms"] = nlohmann::json::array();
    out["counters"] = nlohmann::json::object();
    out["components"] = nlohmann::json::object();
    return out.dump();
  }
  std::lock_guard<std::mutex> lock(state_->history_mu);
  const size_t n = state_->times.size();
  const size_t first = n < kHistorySamples ? 0 : state_->next % kHistorySamples;
  auto in_order = [&](const auto& ring) {
    nlohmann::json a = nlohmann::json::array();
    for (size_t i = 0; i < n; ++i) a.push_back(ring[(first + i) % n]);
    return a;
  };
  out["time_ms"] = in_order(state_->times);
  nlohmann::json counters = nlohmann::json::object();
  for (const auto& [name, values] : state_->series) counters[name] = in_order(values);
  out["counters"] = std::move(counters);
  nlohmann::json components = nlohmann::json::object();
  for (const State::ComponentSeries& c : state_->components) {
    components[c.id] = nlohmann::json{{"executed", in_order(c.executed)},
                                      {"emitted", in_order(c.emitted)},
                                      {"failed", in_order(c.failed)},
                                      {"capacity", in_order(c.capacity)},
                                      {"queue_depth", in_order(c.queue_depth)}};
  }
  out["components"] = std::move(components);
  // Component ids are arbitrary bytes: replace invalid UTF-8 rather than throw.
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string RunMetrics::url() const {
  return state_ != nullptr && state_->server != nullptr ? state_->server->url() : "";
}

Status RunMetrics::Finish() {
  const bool served = state_ != nullptr && state_->server != nullptr;
  StopThreads();
  state_.reset();
  if (served) {
    std::error_code ec;
    std::filesystem::remove(DataFolder(data_dir_).Metrics(), ec);
  }
  return WriteFileAtomically(DataFolder(data_dir_).Stats(),
                             server::SnapshotToJson(Snapshot(true)) + "\n");
}

}  // namespace smartcar::pipeline
