// RunWorker: the consume-only half of `smartcar run` — `smartcar worker`.
//
//   durable log (SmartCar-Topic, group smartcar-group1) → SmartCar topology → DriverCarInfo + hot
//
// No simulator and no collector: something else writes the topic (`smartcar run` elsewhere,
// `smartcar produce`, the collector's log sink). With the Kafka engine, N workers in the same
// consumer group split the topic's partitions; cars are keyed to partitions, so each car's rule
// state lives in exactly one process. A worker that dies hands its partitions to the others,
// which replay them from the committed offsets (see docs/TOPOLOGY.md, "Scale-out").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "pipeline/settings.h"

namespace smartcar::pipeline {

// The shared settings (data folder, rules, engines, parallelism, status, metrics endpoint) and
// when to end by itself. The status line also gets one line per rebalance.
struct WorkerOptions : PipelineSettings {
  // > 0: end by itself once every partition assigned to this process has been read to its end
  // and nothing new came for this long; then the final watermark closes the open windows and
  // everything is acked and committed. <= 0: run until *stop.
  int64_t until_idle_ms = 0;
};

struct WorkerReport {
  uint64_t consumed = 0;  // Records read from the log (first reads, replays after a rebalance too).
  uint64_t stored = 0;    // Rows written to DriverCarInfo by this process.
  uint64_t detections = 0;
  uint64_t rejected = 0;
  uint64_t late = 0;
  std::vector<int32_t> partitions;  // The last assignment this process had.
};

struct PipelineCounters;
// The counters' totals into `report` (its partitions aside).
void FillReport(const PipelineCounters& counters, WorkerReport* report);

// Runs until idle (until_idle_ms) or *stop. IOError/InvalidArgument/NotFound say which store
// failed and why (e.g. the topic does not exist).
Status RunWorker(const WorkerOptions& options, WorkerReport* report);

}  // namespace smartcar::pipeline
