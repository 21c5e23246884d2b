// RunReplay (`smartcar replay`): re-processes the driving events of a time range stored in the
// durable log through the SmartCar topology into DriverCarInfo and the hot store, e.g. after a
// rule fix or to rebuild a lost hot store.
//
// It is a worker (pipeline/worker.h) in its own consumer group, `smartcar-replay`, so the live
// group's read position is untouched. A new replay plans where each partition starts (the first
// block of the event-time index that can hold the range, else the partition's start) and stops
// (the first block wholly after the range plus ten minutes, else the end the log has now),
// commits the start offsets for its group and keeps the plan in DATA/replay.json. The topology
// then runs as it runs live, with its exactly-once commits (pipeline/cep_progress.h): killed and
// started again with the same range, a replay resumes from its group's committed offsets and
// its plan, and ends with the same result. Both sinks are idempotent: a row is written again
// with the same cells and timestamps, a detection is added again to its day's set and its value
// rewritten; only detections of windows starting in the range are written. When the replay has
// reached every stop offset and closed every window, it removes DATA/replay.json.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "pipeline/worker.h"

namespace smartcar::pipeline {

inline constexpr const char* kReplayGroup = "smartcar-replay";

struct ReplayOptions : WorkerOptions {
  int64_t from_ms = 0;  // Event time, inclusive.
  int64_t to_ms = 0;    // Event time, exclusive.
};

struct ReplayReport : WorkerReport {
  bool resumed = false;  // An unfinished replay of the same range was continued.
  uint64_t planned = 0;  // Records between the start and stop offsets.
};

Status RunReplay(const ReplayOptions& options, ReplayReport* report);

}  // namespace smartcar::pipeline
