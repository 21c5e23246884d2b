// RunPipeline (`smartcar run`): the run's manifest (DATA/run.json), the simulator and the
// collector (built from typed options) feeding the session's topology, Ctrl-C ordering
// (simulator, then collector drain, then topology shutdown) and the run's report.
#include "pipeline/runner.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "collect/agent.h"
#include "collect/interceptor.h"
#include "collect/sinks/log_sink.h"
#include "collect/sources/sources.h"
#include "core/event_time.h"
#include "core/file.h"
#include "core/thread_name.h"
#include "gen/driver_simulator.h"
#include "hot/hot_store.h"
#include "pipeline/run_metrics.h"
#include "pipeline/session.h"
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

// The collector: the pilot agent's driving half (TAILDIR → header filter → memory channel →
// the durable log, keyed by car number), built from typed options. Its source is "run.driving",
// the key its position is stored under in the log.
Result<std::unique_ptr<collect::Agent>> NewCollector(const RunOptions& o, queue::Log* log,
                                                     const std::atomic<bool>* paused) {
  collect::TaildirOptions tail;
  tail.file_patterns = {o.data().Logs() + "/SmartCarDriverInfo\\.log"};
  tail.position_file = DataFolder::kCollectorPositions;
  std::vector<std::string> warnings;
  auto source = collect::NewTaildirSource(tail, collect::SourceEnv{o.data_dir, &warnings});
  if (!source) return Err(source.error());
  const std::string data_lines = "^\\d{14}";  // a timestamp first: not the header line
  auto filter = collect::NewRegexFilter(data_lines, /*exclude=*/false);
  if (!filter) return Err(filter.error());
  collect::LogSinkOptions to_log;
  to_log.topic = kDriverTopic;
  to_log.key_field = 2;  // car_number
  auto sink = collect::NewLogSink("log", to_log, log);
  if (!sink) return Err(sink.error());

  collect::AgentPlan plan;
  plan.channels.emplace_back();
  plan.channels[0].name = "c";
  const size_t batch = 1000;
  plan.channels[0].transaction_capacity = static_cast<int64_t>(batch);
  plan.channels[0].sinks.push_back(std::move(*sink));
  plan.sources.emplace_back();
  collect::AgentPlan::SourceEntry& driving = plan.sources[0];
  driving.name = "driving";
  driving.source = std::move(*source);
  driving.interceptors.push_back(std::move(*filter));
  driving.channels = {"c"};
  driving.batch_size = batch;
  driving.detail =
      "TAILDIR " + tail.file_patterns[0] + ", data lines only (regex " + data_lines + ")";
  plan.channels[0].detail = "memory channel (transaction capacity " + std::to_string(batch) +
                            ") -> log sink: topic " + to_log.topic + ", keyed by car number";
  collect::AgentOptions ao;
  ao.data_dir = o.data_dir;
  ao.paused = paused;
  return collect::Agent::Create(std::move(plan), "run", ao);
}

// The collector's counters and positions as the console shows them.
std::vector<server::CollectorComponent> CollectorComponents(const collect::Agent& agent) {
  std::vector<server::CollectorComponent> out;
  for (const auto& m : agent.metrics()) {
    server::CollectorComponent c;
    c.kind = m->kind;
    c.name = m->name;
    c.received = m->received.load();
    c.accepted = m->accepted.load();
    c.rejected = m->rejected.load();
    c.batches = m->batches.load();
    c.bytes = m->bytes.load();
    c.failures = m->failures.load();
    c.lag_bytes = m->lag_bytes.load();
    c.targets = m->targets;
    c.detail = m->detail;
    c.position = m->position();
    out.push_back(std::move(c));
  }
  return out;
}

// The newest event time the simulator has written: its start day plus the ticks written.
int64_t GeneratedEventTimeMs(const RunOptions& o, uint64_t generated) {
  auto day = ParseDate8(o.date);
  if (!day || generated == 0 || o.cars <= 0) return -1;
  const int64_t ticks = static_cast<int64_t>(generated) / o.cars;
  return *day * 86'400'000 + (ticks - 1) * int64_t{o.interval_seconds} * 1000;
}

}  // namespace

Status RunPipeline(const RunOptions& o, RunReport* report) {
  SMARTCAR_RETURN_IF_ERROR(CreateFolders(o.data_dir));
  auto day = ParseDate8(o.date);
  if (!day) return day.error().WithPrefix("--date: ");
  SMARTCAR_RETURN_IF_ERROR(CheckManifest(o));

  // Stores and topology.
  std::atomic<bool> input_complete{false};
  auto session = PipelineSession::Open(
      o, "smartcar run", [&](PipelineOptions* po) { po->input_complete = &input_complete; });
  if (!session) return session.error();
  PipelineSession& ps = **session;

  // Collector.
  auto agent = NewCollector(o, ps.stores().log.get(), ps.intake_paused());
  if (!agent) return agent.error().WithPrefix("collector: ");

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
  run.paused = ps.intake_paused();
  run.resume = true;
  run.on_progress = [&generated](uint64_t lines) { generated = lines; };

  auto collected = [&]() -> uint64_t {
    for (const auto& m : (*agent)->metrics()) {
      if (m->kind == "source") return m->accepted.load();
    }
    return 0;
  };
  PipelineCounters& counters = ps.counters();
  SMARTCAR_RETURN_IF_ERROR(ps.Start(
      [&] {
        const uint64_t c = collected();
        StatusInput in;
        in.head =
            "generated " + std::to_string(generated.load()) + " | collected " + std::to_string(c);
        in.lag = static_cast<int64_t>(c) - static_cast<int64_t>(counters.consumed.load());
        in.tail = "lag " + std::to_string(std::max<int64_t>(0, in.lag));
        const int64_t written = GeneratedEventTimeMs(o, generated);
        const int64_t processed = counters.event_time_ms.load();
        if (written >= 0 && processed > 0)
          in.event_lag_ms = std::max<int64_t>(0, written - processed);
        return in;
      },
      [&] { return PipelineCounterList(counters, generated, collected()); },
      [&] { return CollectorComponents(**agent); }));

  // The loop below wakes when the simulator or the collector ends (then at once: a short run
  // ends that much sooner), else every 250 ms (Ctrl-C, the status line, the disk check).
  std::mutex done_mu;
  std::condition_variable done_cv;
  const auto set_done = [&](std::atomic<bool>* done) {
    std::lock_guard<std::mutex> l(done_mu);
    *done = true;
    done_cv.notify_all();
  };
  std::thread sim_thread([&] {
    NameThisThread("simulator");
    gen::DriverRunStats stats;
    sim_status = gen::RunDriverSimulator(sim, run, &stats);
    generated = stats.lines;
    set_done(&sim_done);
  });
  std::atomic<bool> collect_stop{false}, collect_drain{false}, collect_done{false};
  Status collect_status;
  std::thread collect_thread([&] {
    collect_status = (*agent)->Run(collect_stop, collect_drain);
    set_done(&collect_done);
  });

  // While input is written and collected.
  bool stopping = false;
  std::chrono::steady_clock::time_point stop_requested{};
  Status result;
  bool sim_seen = false, collect_seen = false;  // Ended, as the last pass saw them.
  while (true) {
    {
      std::unique_lock<std::mutex> l(done_mu);
      done_cv.wait_for(l, std::chrono::milliseconds(250),
                       [&] { return sim_done != sim_seen || collect_done != collect_seen; });
      sim_seen = sim_done;
      collect_seen = collect_done;
    }
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
    ps.Tick();
    if (stopping && sim_done && collect_done) break;
    if (sim_done && collect_done && collect_status.ok()) {
      input_complete = true;  // Everything generated is in the log.
      break;
    }
  }
  sim_thread.join();
  collect_thread.join();
  if (stopping) {
    // What the collector delivered before it stopped is read first (the spout reads records as
    // they arrive), so Ctrl-C leaves nothing collected unprocessed; bounded, so a stuck topology
    // still stops.
    const auto drain_until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (counters.consumed.load() < collected() &&
           std::chrono::steady_clock::now() < drain_until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Status s = ps.Shutdown();
    if (result.ok()) result = s;
  } else {
    // Until the topology has processed and committed everything.
    result = ps.RunToEnd();
  }
  ps.Finish();
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
