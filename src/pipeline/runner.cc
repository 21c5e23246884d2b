#include "pipeline/runner.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "collect/agent.h"
#include "collect/sinks/log_sink.h"
#include "core/event_time.h"
#include "core/file.h"
#include "gen/driver_simulator.h"
#include "hot/hot_store.h"
#include "pipeline/run_metrics.h"
#include "pipeline/smartcar_topology.h"
#include "pipeline/stores.h"
#include "queue/log.h"
#include "table/table.h"

namespace smartcar::pipeline {
namespace {

namespace fs = std::filesystem;

// The run's identity, kept in DATA/run.json so a restart continues the same run.
Status CheckManifest(const RunOptions& o) {
  nlohmann::json want = {{"date", o.date},
                         {"cars", o.cars},
                         {"seed", o.seed},
                         {"interval", o.interval_seconds},
                         {"overspeed_ratio", o.overspeed_ratio}};
  const std::string path = o.data().RunManifest();
  auto text = ReadFileToString(path, "run settings");
  if (!text && !text.error().IsNotFound()) return text.error();
  if (text) {
    nlohmann::json have = nlohmann::json::parse(*text, nullptr, false);
    if (have != want) {
      return Status::InvalidArgument(
          "'" + o.data_dir + "' holds a run with other settings (" + have.dump() +
          "); use another --data folder or the same settings to continue it");
    }
    return Status::OK();
  }
  std::ofstream out(path);
  out << want.dump() << "\n";
  if (!out) return Status::IOError("cannot write '" + path + "'");
  return Status::OK();
}

// The collector: the pilot agent's driving half, with TAILDIR.
collect::Properties CollectorProperties(const RunOptions& o) {
  const std::string logs = o.data().Logs();
  collect::Properties p;
  int line = 1;
  auto set = [&](const std::string& k, const std::string& v) {
    p["run." + k] = collect::PropertyValue{v, line++};
  };
  set("sources", "driving");
  set("channels", "c");
  set("sinks", "log");
  set("sources.driving.type", "TAILDIR");
  set("sources.driving.filegroups", "g");
  set("sources.driving.filegroups.g", logs + "/SmartCarDriverInfo\\.log");
  set("sources.driving.positionFile", DataFolder::kCollectorPositions);
  set("sources.driving.batchSize", "1000");
  set("sources.driving.channels", "c");
  set("sources.driving.interceptors", "f");
  set("sources.driving.interceptors.f.type", "regex_filter");
  set("sources.driving.interceptors.f.regex", "^\\d{14}");
  set("channels.c.type", "memory");
  set("channels.c.capacity", "10000");
  set("channels.c.transactionCapacity", "1000");
  set("sinks.log.type", "log");
  set("sinks.log.channel", "c");
  set("sinks.log.topic", kDriverTopic);
  set("sinks.log.keyField", "2");
  return p;
}

// Events behind the log's end above which the status line says the run is catching up.
constexpr int64_t kCatchingUpLag = 10'000;
// Nothing stored for this long with a lag: the status line says the run is stalled, and why.
constexpr auto kStalledAfter = std::chrono::seconds(10);

// Why nothing moves: the spout at max pending (a sink does not ack), a bolt's full queue (the
// slowest stage), or nothing to read.
std::string StallReason(const topology::Topology& topo) {
  const topology::TopologyStats stats = topo.Stats();
  const topology::TopologyConfig& config = topo.config();
  std::string fullest;
  uint64_t depth = 0;
  for (const auto& c : stats.components) {
    if (c.is_spout && c.total.pending >= static_cast<uint64_t>(config.max_spout_pending)) {
      return "spout pending full (" + std::to_string(c.total.pending) + "), waiting for acks";
    }
    if (!c.is_spout && c.total.queue_depth > depth) {
      depth = c.total.queue_depth;
      fullest = c.id;
    }
  }
  if (!fullest.empty())
    return "slowest bolt '" + fullest + "' (" + std::to_string(depth) + " queued)";
  return "waiting for the log";
}

// Tracks progress between status lines: catching up (a backlog), stalled (no progress).
struct ProgressWatch {
  uint64_t last_stored = 0;
  std::chrono::steady_clock::time_point last_move = std::chrono::steady_clock::now();
  std::mutex mu;
  std::string current;  // GUARDED_BY(mu): the last State(), for /stats.json.
  const EngineHealth* health = nullptr;

  // `event_lag_ms`: newest event time written minus newest processed (< 0: unknown).
  std::string State(const topology::Topology& topo, uint64_t stored, int64_t lag,
                    int64_t event_lag_ms) {
    const auto now = std::chrono::steady_clock::now();
    if (stored != last_stored || lag <= 0) {
      last_stored = stored;
      last_move = now;
    }
    if (lag > 0 && now - last_move >= kStalledAfter) return "STALLED: " + StallReason(topo);
    if (lag > kCatchingUpLag) {
      return "catching up (lag " + std::to_string(lag) + " events" +
             (event_lag_ms >= 0 ? ", " + std::to_string(event_lag_ms / 1000) + " s of event time"
                                : std::string()) +
             ")";
    }
    return "";
  }
};

// The newest event time the simulator has written: its start day plus the ticks written.
int64_t GeneratedEventTimeMs(const RunOptions& o, uint64_t generated) {
  auto day = ParseDate8(o.date);
  if (!day || generated == 0 || o.cars <= 0) return -1;
  const int64_t ticks = static_cast<int64_t>(generated) / o.cars;
  return *day * 86'400'000 + (ticks - 1) * int64_t{o.interval_seconds} * 1000;
}

void PrintStatus(const RunOptions& o, const PipelineCounters& c, uint64_t generated,
                 uint64_t collected, double seconds, bool final, const topology::Topology& topo,
                 ProgressWatch* watch) {
  const double rate = seconds > 0 ? static_cast<double>(c.stored.load()) / seconds : 0;
  const int64_t lag = static_cast<int64_t>(collected) - static_cast<int64_t>(c.consumed.load());
  const int64_t written = GeneratedEventTimeMs(o, generated), processed = c.event_time_ms.load();
  const int64_t event_lag = written >= 0 && processed > 0 ? std::max<int64_t>(0, written - processed)
                                                          : -1;
  std::string state = final ? "" : watch->State(topo, c.stored.load(), lag, event_lag);
  if (const std::string degraded = watch->health != nullptr ? watch->health->Describe() : "";
      !degraded.empty() && !final) {
    state = "DEGRADED: " + degraded + (state.empty() ? "" : " | " + state);
  }
  {
    std::lock_guard<std::mutex> lock(watch->mu);
    watch->current = state;
  }
  if (!state.empty()) state = " | " + state;
  if (o.status_out == nullptr) return;
  std::fprintf(
      o.status_out,
      "%sgenerated %llu | collected %llu | stored %llu (%.0f/s) | detections %llu | "
      "rejected %llu | late %llu | lag %lld%s%s",
      o.status_is_tty ? "\r" : "", static_cast<unsigned long long>(generated),
      static_cast<unsigned long long>(collected), static_cast<unsigned long long>(c.stored.load()),
      rate, static_cast<unsigned long long>(c.detections.load()),
      static_cast<unsigned long long>(c.rejected.load()),
      static_cast<unsigned long long>(c.late.load()), static_cast<long long>(lag < 0 ? 0 : lag),
      state.c_str(), (o.status_is_tty && !final) ? "   " : "\n");
  std::fflush(o.status_out);
}

}  // namespace

Status RunPipeline(const RunOptions& o, RunReport* report) {
  std::error_code ec;
  fs::create_directories(o.data_dir, ec);
  if (ec) return Status::IOError("cannot create folder '" + o.data_dir + "': " + ec.message());
  auto day = ParseDate8(o.date);
  if (!day) return day.error().WithPrefix("--date: ");
  SMARTCAR_RETURN_IF_ERROR(CheckManifest(o));

  // Stores.
  auto stores = OpenStores(o);
  if (!stores) return stores.error();
  DataFolderOwner owner(o.data_dir, "smartcar run");

  // Topology.
  PipelineCounters counters;
  std::atomic<bool> input_complete{false};
  PipelineOptions po = PipelineOptionsFor(*stores, o);
  po.input_complete = &input_complete;
  po.counters = &counters;
  EngineHealth health;
  po.health = &health;
  auto topo = BuildSmartCarTopology(po);
  if (!topo) return topo.error().WithPrefix("topology: ");

  // Collector.
  collect::AgentOptions ao;
  ao.data_dir = o.data_dir;
  queue::Log* shared_log = stores->log.get();
  ao.make_log_sink = [shared_log](
                         const std::string& name,
                         collect::ComponentParams* p) -> Result<std::unique_ptr<collect::Sink>> {
    return collect::MakeLogSink(name, p, shared_log);
  };
  auto agent = collect::Agent::Create(CollectorProperties(o), "run", ao);
  if (!agent) return agent.error().WithPrefix("collector: ");

  SMARTCAR_RETURN_IF_ERROR((*topo)->Submit());

  // Simulator.
  std::atomic<bool> sim_stop{false}, sim_done{false};
  std::atomic<uint64_t> generated{0};
  Status sim_status;
  gen::DriverSimOptions sim;
  sim.start_day = *day;
  sim.cars = o.cars;
  sim.seed = o.seed;
  sim.interval_seconds = o.interval_seconds;
  sim.overspeed_ratio = o.overspeed_ratio;
  gen::DriverRunOptions run;
  run.out_dir = o.data().Logs();
  run.seconds = o.seconds;
  run.fast = o.fast;
  run.stop = &sim_stop;
  run.resume = true;
  run.on_progress = [&generated](uint64_t lines) { generated = lines; };
  std::thread sim_thread([&] {
    gen::DriverRunStats stats;
    sim_status = gen::RunDriverSimulator(sim, run, &stats);
    generated = stats.lines;
    sim_done = true;
  });

  std::atomic<bool> collect_stop{false}, collect_drain{false}, collect_done{false};
  Status collect_status;
  std::thread collect_thread([&] {
    collect_status = (*agent)->Run(collect_stop, collect_drain);
    collect_done = true;
  });

  auto collected = [&]() -> uint64_t {
    for (const auto& m : (*agent)->metrics()) {
      if (m->kind == "source") return m->accepted.load();
    }
    return 0;
  };
  ProgressWatch watch;
  watch.health = &health;
  RunMetrics metrics(o.data_dir, topo->get(),
                     [&] { return PipelineCounterList(counters, generated, collected()); });
  metrics.SetHealthFn([&health] { return health.Describe(); });
  metrics.SetStateFn([&watch] {
    std::lock_guard<std::mutex> lock(watch.mu);
    return watch.current;
  });
  metrics.Start(o.metrics_host, o.metrics_port, o.status_out);

  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  bool stopping = false;
  std::chrono::steady_clock::time_point stop_requested{};
  auto last_print = start;
  Status result;
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!stopping && o.stop != nullptr && o.stop->load()) {
      // Ctrl-C: the simulator stops first; the collector then reads what was written up to
      // there (drain) and ends, so nothing generated is left unread (at most 10 s).
      stopping = true;
      sim_stop = true;
      stop_requested = std::chrono::steady_clock::now();
    }
    if (sim_done && !collect_drain) collect_drain = true;
    if (stopping && !collect_stop &&
        std::chrono::steady_clock::now() - stop_requested > std::chrono::seconds(10)) {
      collect_stop = true;
    }
    if (sim_done && !sim_status.ok() && !stopping) {
      stopping = true;
      collect_stop = true;
      result = sim_status.WithPrefix("simulator: ");
    }
    if (collect_done && !stopping && !collect_status.ok()) {
      stopping = true;
      sim_stop = true;
      result = collect_status.WithPrefix("collector: ");
    }
    if (std::chrono::steady_clock::now() - last_print >= std::chrono::seconds(1)) {
      last_print = std::chrono::steady_clock::now();
      PrintStatus(o, counters, generated, collected(), elapsed(), false, **topo, &watch);
    }
    if (stopping && sim_done && collect_done) break;
    if (sim_done && collect_done && collect_status.ok()) {
      input_complete = true;  // Everything generated is in the log.
      break;
    }
  }
  sim_thread.join();
  collect_thread.join();
  if (stopping) {
    // What the collector delivered before it stopped is read first (the spout polls every
    // 20 ms), so Ctrl-C leaves nothing collected unprocessed; bounded, so a stuck topology
    // still stops.
    const auto drain_until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (counters.consumed.load() < collected() &&
           std::chrono::steady_clock::now() < drain_until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Status s = (*topo)->Shutdown(std::chrono::seconds(60));
    if (result.ok() && !s.ok()) result = s.WithPrefix("topology: ");
  } else {
    // Wait until the topology has processed and committed everything, printing the status.
    std::atomic<bool> topo_done{false};
    Status topo_status;
    std::thread waiter([&] {
      topo_status = (*topo)->Run();
      topo_done = true;
    });
    while (!topo_done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (o.stop != nullptr && o.stop->load()) {
        (*topo)->Stop();
        break;
      }
      if (std::chrono::steady_clock::now() - last_print >= std::chrono::seconds(1)) {
        last_print = std::chrono::steady_clock::now();
        PrintStatus(o, counters, generated, collected(), elapsed(), false, **topo, &watch);
      }
    }
    waiter.join();
    if (!topo_status.ok()) result = topo_status.WithPrefix("topology: ");
  }
  if (Status ms = metrics.Finish(); !ms.ok() && o.status_out != nullptr) {
    std::fprintf(o.status_out, "warning: %s\n", ms.message().c_str());
  }
  PrintStatus(o, counters, generated, collected(), elapsed(), true, **topo, &watch);
  if (report != nullptr) {
    report->generated = generated;
    report->collected = collected();
    report->stored = counters.stored;
    report->detections = counters.detections;
    report->rejected = counters.rejected;
    report->late = counters.late;
  }
  return result;
}

}  // namespace smartcar::pipeline
