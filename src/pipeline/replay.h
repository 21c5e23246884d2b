// Replays: re-process the driving events of a time range stored in the durable log through the
// SmartCar topology into DriverCarInfo and the hot store, e.g. after a rule fix or to rebuild a
// lost hot store (`smartcar replay`).
//
// A replay reads in its own consumer group, `smartcar-replay`, so the live group's read position
// is untouched. A new replay plans where each partition starts (the first block of the
// event-time index that can hold the range, else the partition's start) and stops (the first
// block wholly after the range plus ten minutes, else the end the log has now), commits the start
// offsets for its group and keeps the plan in DATA/replay.json. The topology then runs as it runs
// live, with its exactly-once commits (pipeline/cep_progress.h): killed and started again with the
// same range, a replay resumes from its group's committed offsets and its plan, and ends with the
// same result. Both sinks are idempotent: a row is written again with the same cells and
// timestamps, a detection is added again to its day's set and its value rewritten; only
// detections of windows starting in the range are written. Once the replay has reached every stop
// offset and closed every window, DATA/replay.json is removed.
//
// Two ways to run one:
//   - RunReplay: a process of its own that opens the data folder's stores (none may hold them);
//   - ReplayService: inside a process that already holds the stores (a live `smartcar run` or
//     `smartcar worker`), started through its HTTP endpoint: POST /api/v1/replay?from=&to= and
//     GET /api/v1/replay. So a replay runs beside a live run, on the same stores.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "pipeline/rule_choice.h"
#include "pipeline/settings.h"
#include "pipeline/stores.h"
#include "pipeline/worker.h"
#include "server/metrics_server.h"

namespace smartcar::pipeline {

inline constexpr const char* kReplayGroup = "smartcar-replay";

struct ReplayOptions : WorkerOptions {
  int64_t from_ms = 0;  // Event time, inclusive.
  int64_t to_ms = 0;    // Event time, exclusive.
  // Rules other than the latest: `--rules DIR` (rules.folder_only with rules_dir), or
  // `--rule-version` values as typed ("NAME=N", or "N" when the store holds one rule), checked
  // against the rule store and resolved into rules.versions when the replay starts. An unfinished
  // replay resumes only with the same range and rules.
  RuleChoice rules;
  std::vector<std::string> rule_versions;
  // Deletes the range's day sets and detections before a new replay (not when resuming), so they
  // end up holding exactly what this replay detects. Whole days only.
  bool replace_detections = false;
};

struct ReplayReport : WorkerReport {
  bool resumed = false;  // An unfinished replay of the same range was continued.
  uint64_t planned = 0;  // Records between the start and stop offsets.
};

// In a process of its own; until done or options.stop.
Status RunReplay(const ReplayOptions& options, ReplayReport* report);

// How a replay served by a running process stands (JSON in the API).
struct ReplayState {
  int64_t from_ms = 0, to_ms = 0;
  std::string rules;  // RuleChoice::Describe(): "" for the latest.
  bool replace_detections = false;
  bool running = false;
  bool done = false;  // Every stop offset reached, every window closed.
  std::string error;  // Why it ended early ("" if it did not).
  bool resumed = false;
  uint64_t planned = 0, consumed = 0, stored = 0, detections = 0;
};
std::string ReplayStateToJson(const ReplayState& s);
Result<ReplayState> ReplayStateFromJson(std::string_view json);

// Replays inside a process that holds `stores` (one at a time). Thread-safe.
class ReplayService {
 public:
  ReplayService(const Stores* stores, PipelineSettings settings);
  // Stops a running replay (what it acked stays committed: it resumes later).
  ~ReplayService();

  // POST replay?from=yyyyMMdd[HHmmss]&to=...[&rules=/ABS/DIR][&rule_version=NAME=N,...]
  // [&replace_detections=1]: starts
  // a replay (202), or answers with the one running (200 for the same range and rules, 409 for
  // another); GET replay: the last one's state (404 before any).
  server::ApiResponse Handle(const server::ApiRequest& request);

 private:
  class Job;
  const Stores* stores_;
  PipelineSettings settings_;
  std::mutex mu_;
  std::unique_ptr<Job> job_;  // GUARDED_BY(mu_)
};

}  // namespace smartcar::pipeline
