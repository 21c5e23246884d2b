// PipelineSession: what `smartcar run` and `smartcar worker` both do around the SmartCar
// topology, in one place: open the stores and own the data folder, build the topology with its
// counters and engine health, serve the metrics endpoint, print the status line every second,
// run until everything is processed or stop is asked, and leave the final stats. Internal to
// pipeline/ (runner.cc and worker.cc add their input side and their status-line head).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "coord/membership.h"
#include "core/status.h"
#include "pipeline/console_api.h"
#include "pipeline/replay.h"
#include "pipeline/run_metrics.h"
#include "pipeline/settings.h"
#include "pipeline/smartcar_topology.h"
#include "pipeline/stores.h"
#include "storage/disk_space.h"

namespace smartcar::pipeline {

// Where the pipeline stands, for the status line and /stats.json: what the run's head says, the
// events behind the log's end (< 0: unknown) and the event time between the newest written and
// the newest processed (< 0: unknown).
struct StatusInput {
  std::string head;  // "generated N | collected N" (run), "partitions [..] | consumed N" (worker).
  std::string tail;  // After the shared fields: "lag N" (run); may be empty.
  int64_t lag = -1;
  int64_t event_lag_ms = -1;
};

class PipelineSession {
 public:
  using StatusFn = std::function<StatusInput()>;
  using ExtraCountersFn = std::function<std::vector<server::PipelineCounter>()>;

  // Opens the stores of `settings`, marks the folder as held by `command` (DATA/owner.json) and
  // builds the topology; `configure` sets the command's own topology options (input_complete,
  // on_assignment, drain_when_idle_ms). Errors name the store or the topology.
  static Result<std::unique_ptr<PipelineSession>> Open(
      const PipelineSettings& settings, const std::string& command,
      const std::function<void(PipelineOptions*)>& configure);
  ~PipelineSession();

  Stores& stores() { return stores_; }
  PipelineCounters& counters() { return counters_; }
  topology::Topology& topology() { return *topology_; }

  // Submits the topology and starts the metrics endpoint (settings.metrics_port); `status` says
  // what the status line's head and lag are; `counters` lists the exposed counters; `collector`
  // (optional) the in-process collector's components.
  Status Start(StatusFn status, RunMetrics::CountersFn counters,
               RunMetrics::CollectorFn collector = nullptr);

  // Prints the status line (every second from the loops; `final` once at the end).
  void PrintStatus(bool final);
  // Called often (every 50-200 ms) by the loops: checks the data disk's free space (every
  // 250 ms; pausing or resuming intake) and prints the status line each second.
  void Tick();

  // True while intake is paused for the data disk (settings.disk_min_free_bytes): the
  // simulator, the collector and the spout read and write nothing new. Passed to the topology
  // by Open; the run passes it to its simulator and collector.
  const std::atomic<bool>* intake_paused() const { return &intake_paused_; }

  // Runs the topology until every spout has finished and everything is settled (OK), or until
  // settings.stop, when it shuts down gracefully (queued tuples execute, acked offsets are
  // committed). Prints the status line every second. Errors are prefixed "topology: ".
  Status RunToEnd();
  // Ctrl-C during input: shuts the topology down gracefully.
  Status Shutdown();

  // Stops the metrics endpoint, writes DATA/topology-stats.json and prints the final line.
  void Finish();

 private:
  void RemoveToken();
  explicit PipelineSession(const PipelineSettings& settings);
  std::string State(const StatusInput& in, bool final);
  void CheckDisk();
  // The event-time watermark and the driving topic's consumer lag per partition (the group's
  // offsets read at most every 2 s, with Kafka a request to the group's coordinator; always for
  // the final snapshot).
  void FillProgress(server::StatsSnapshot* s);

  PipelineSettings settings_;
  Stores stores_;
  std::unique_ptr<coord::Membership> membership_;  // After the topology that reports to it.
  std::unique_ptr<DataFolderOwner> owner_;
  PipelineCounters counters_;
  EngineHealth health_;
  std::unique_ptr<topology::Topology> topology_;
  // Replays started through the endpoint (POST /api/v1/replay), on these stores. Destroyed
  // after the endpoint stops calling it and before the stores close.
  std::unique_ptr<ReplayService> replay_;
  std::unique_ptr<ConsoleApi> api_;  // /api/v1/ (replay_ under it)
  std::string token_path_;           // DATA/console-token while this session wrote it.
  bool serve_replays_ = true;        // Not in a replay's own process (one group, one replay).
  std::unique_ptr<RunMetrics> metrics_;
  StatusFn status_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_print_ = start_;
  std::chrono::steady_clock::time_point last_disk_check_{};
  storage::DiskWatermark disk_watermark_;
  std::atomic<bool> intake_paused_{false};
  // Progress between status lines: catching up (a backlog), stalled (no progress).
  uint64_t last_stored_ = 0;
  std::chrono::steady_clock::time_point last_move_ = start_;
  std::mutex state_mu_;
  std::string state_;          // GUARDED_BY(state_mu_): the last state, for /stats.json.
  int64_t event_lag_ms_ = -1;  // GUARDED_BY(state_mu_): the last status's event_lag_ms.
  std::string topic_, group_;  // The driving topic and the consumer group reading it.
  std::mutex progress_mu_;
  std::chrono::steady_clock::time_point progress_read_{};  // GUARDED_BY(progress_mu_)
  std::vector<server::PartitionProgress> partitions_;      // GUARDED_BY(progress_mu_)
};

}  // namespace smartcar::pipeline
