// RunPipeline: the whole real-time path in one process — `smartcar run`.
//
//   simulator → DATA/logs/SmartCarDriverInfo.log → collector (TAILDIR, header filter)
//     → durable log (SmartCar-Topic) → SmartCar topology → DriverCarInfo + hot store
//
// Restartable: the simulator resumes its file byte for byte, the collector its position file,
// the topology its committed offsets; sinks are idempotent. So a run killed at any moment and
// started again with the same options ends with exactly the data of an uninterrupted run.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "pipeline/settings.h"

namespace smartcar::pipeline {

// The shared settings (data folder, rules, engines, parallelism, status, metrics endpoint) and
// what the simulator writes.
struct RunOptions : PipelineSettings {
  std::string date;  // yyyyMMdd the simulator starts on.
  int cars = 100;
  uint64_t seed = 1;
  int64_t seconds = -1;  // Simulated seconds; < 0 = until stopped.
  bool fast = false;
  int interval_seconds = 1;
  double overspeed_ratio = 0.1;
};

struct RunReport {
  uint64_t generated = 0;   // Driving lines the simulator has written (whole run).
  uint64_t collected = 0;   // Lines the collector delivered to the log in this process.
  uint64_t stored = 0;      // Rows written to DriverCarInfo in this process.
  uint64_t detections = 0;  // Detections written in this process.
  uint64_t rejected = 0;
  uint64_t late = 0;
};

// Runs until the bounded simulation is fully processed, or until *stop. IOError/InvalidArgument
// say which stage failed and why.
Status RunPipeline(const RunOptions& options, RunReport* report);

}  // namespace smartcar::pipeline
