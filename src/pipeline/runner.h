// RunPipeline: the whole real-time path in one process — `smartcar run`.
//
//   simulator → DATA/logs/SmartCarDriverInfo.log → collector (TAILDIR, header filter)
//     → durable log (SmartCar-Topic) → SmartCar topology → DriverCarInfo + hot store
//
// Restartable: the simulator resumes its file byte for byte, the collector its position file,
// the topology its committed offsets; sinks are idempotent. So a run killed at any moment and
// started again with the same options ends with exactly the data of an uninterrupted run.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/status.h"

namespace smartcar::pipeline {

struct RunOptions {
  std::string data_dir = "smartcar-data";
  std::string date;  // yyyyMMdd the simulator starts on.
  int cars = 100;
  uint64_t seed = 1;
  int64_t seconds = -1;  // Simulated seconds; < 0 = until stopped.
  bool fast = false;
  int interval_seconds = 1;
  double overspeed_ratio = 0.1;
  std::string rules_dir = "rules";
  // Engines: empty = embedded.
  std::string kafka_brokers;
  std::string redis;           // HOST:PORT or redis://[USER:PASSWORD@]HOST:PORT
  std::string redis_user;      // AUTH user; wins over the URL's.
  std::string redis_password;  // AUTH password; wins over the URL's. Never printed.
  std::string hot_prefix;
  int64_t hot_ttl_ms = 7LL * 24 * 3600 * 1000;
  int partitions = 4;
  int cep_parallelism = 2;
  int table_parallelism = 1;
  // Set to true to stop: the simulator stops, in-flight data drains, exit is clean.
  const std::atomic<bool>* stop = nullptr;
  // Live status line (every second) goes here; null for none.
  std::FILE* status_out = nullptr;
  bool status_is_tty = false;
  // Metrics endpoint (GET /metrics, /stats.json, /healthz) on metrics_host:metrics_port while
  // running, its address in DATA/metrics.json; < 0 = none. A busy port is a warning on
  // status_out, not an error. The final stats go to DATA/topology-stats.json either way.
  std::string metrics_host = "127.0.0.1";
  int metrics_port = -1;
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
