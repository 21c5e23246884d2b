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

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace smartcar::pipeline {

struct WorkerOptions {
  std::string data_dir = "smartcar-data";  // This process's table store (and embedded stores).
  std::string rules_dir = "rules";
  // Engines: empty = embedded (the log in data_dir/queue; a single worker).
  std::string kafka_brokers;
  std::map<std::string, std::string>
      kafka_properties;  // librdkafka settings, e.g. session.timeout.ms.
  std::string redis;           // HOST:PORT or redis://[USER:PASSWORD@]HOST:PORT
  std::string redis_user;      // AUTH user; wins over the URL's.
  std::string redis_password;  // AUTH password; wins over the URL's. Never printed.
  std::string hot_prefix;
  int64_t hot_ttl_ms = 7LL * 24 * 3600 * 1000;
  int partitions = 4;  // Only when the topic does not exist yet and the engine can create it.
  int cep_parallelism = 2;
  int table_parallelism = 1;
  // > 0: end by itself once every partition assigned to this process has been read to its end
  // and nothing new came for this long; then the final watermark closes the open windows and
  // everything is acked and committed. <= 0: run until *stop.
  int64_t until_idle_ms = 0;
  const std::atomic<bool>* stop = nullptr;  // Set to true to drain and stop.
  // Live status line (every second) and one line per rebalance go here; null for none.
  std::FILE* status_out = nullptr;
  bool status_is_tty = false;
};

struct WorkerReport {
  uint64_t consumed = 0;  // Records read from the log (first reads, replays after a rebalance too).
  uint64_t stored = 0;    // Rows written to DriverCarInfo by this process.
  uint64_t detections = 0;
  uint64_t rejected = 0;
  uint64_t late = 0;
  std::vector<int32_t> partitions;  // The last assignment this process had.
};

// Runs until idle (until_idle_ms) or *stop. IOError/InvalidArgument/NotFound say which store
// failed and why (e.g. the topic does not exist).
Status RunWorker(const WorkerOptions& options, WorkerReport* report);

}  // namespace smartcar::pipeline
