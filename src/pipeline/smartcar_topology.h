// The SmartCar driver topology (the pilot's SmartCarDriverTopology, done right):
//
//   LogSpout(SmartCar-Topic) → ParseBolt (codecs; rejects to dead-letter)
//     → fields(car_number) → TableBolt (DriverCarInfo, cf1, 8 qualifiers, batched puts)
//     → fields(car_number) → CepBolt (rules/*.epl, hot-reloaded) → HotStoreBolt (set <date> ← car)
//
// At-least-once end to end: the spout commits a log offset only when every tuple derived from
// it and from every earlier offset is acked; the table bolt acks after its batch is written, the
// CEP bolt holds each event until every window it can belong to has closed (so a crash replays it
// into the same windows), the hot-store bolt acks after Redis (or the embedded store) has the
// detection. Table puts are keyed by row key and set adds are idempotent, so a replay neither
// loses nor double-counts a stored fact.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "topology/topology.h"

namespace smartcar::queue {
class Log;
}
namespace smartcar::table {
class TableStore;
}
namespace smartcar::hot {
class HotStore;
}

namespace smartcar::pipeline {

inline constexpr const char* kDriverTopic = "SmartCar-Topic";
inline constexpr const char* kDriverGroup = "smartcar-group1";
inline constexpr const char* kDriverTable = "DriverCarInfo";
inline constexpr const char* kDriverFamily = "cf1";

// Counters the topology's components update, for the live status line and tests.
struct PipelineCounters {
  std::atomic<uint64_t> consumed{0};      // Records the spout read from the log (first reads).
  std::atomic<uint64_t> parsed{0};        // Driving events parsed.
  std::atomic<uint64_t> rejected{0};      // Lines sent to the dead-letter file.
  std::atomic<uint64_t> stored{0};        // Rows written to DriverCarInfo (replays included).
  std::atomic<uint64_t> detections{0};    // Detections written to the hot store.
  std::atomic<uint64_t> late{0};          // Events the rules saw too late.
  std::atomic<uint64_t> rule_reloads{0};  // Successful rule (re)loads.
  std::atomic<int64_t> last_detection_latency_us{0};
};

// The runtime settings the SmartCar topology needs by default.
inline topology::TopologyConfig DefaultTopologyConfig() {
  topology::TopologyConfig c;
  c.name = "SmartCarDriverTopology";
  c.max_spout_pending = 500'000;
  c.message_timeout = std::chrono::milliseconds(120'000);
  c.queue_capacity = 8192;
  c.tick_interval = std::chrono::milliseconds(200);
  return c;
}

struct PipelineOptions {
  queue::Log* log = nullptr;            // Not owned.
  table::TableStore* tables = nullptr;  // Not owned.
  hot::HotStore* hot = nullptr;         // Not owned.
  std::string topic = kDriverTopic;
  std::string group = kDriverGroup;
  std::string rules_dir = "rules";  // *.epl files, reloaded when they change.
  std::string dead_letter_path;     // Where ParseBolt writes rejects.
  int parse_parallelism = 1;
  int table_parallelism = 1;
  int cep_parallelism = 1;
  int hot_parallelism = 1;
  size_t table_batch = 1000;  // Rows per ApplyBatch.
  size_t hot_batch = 100;     // Detections per hot-store write.
  // Event time a CEP input is held before it is acked: at least the longest window plus its
  // allowed lateness, so a crash replays every event of every open window.
  int64_t cep_hold_ms = 70'000;
  // Runtime settings. max_spout_pending must exceed the events the CEP bolts hold (cars ×
  // cep_hold_ms / interval), or the spout stalls waiting for acks that need more events.
  topology::TopologyConfig topology = DefaultTopologyConfig();
  // Set when no more input will come (the simulator and collector are done): the spout then
  // sends end-of-input down the topology, which closes every window (final watermark), and
  // reports Finished() once everything is acked and committed.
  const std::atomic<bool>* input_complete = nullptr;
  PipelineCounters* counters = nullptr;  // Not owned; may be null.
  // Consume-only workers (`smartcar worker`, no simulator to say when input ends): > 0 makes the
  // spout end the input by itself once this process has had its partitions assigned, has read
  // every assigned partition to its end, and no record or rebalance came for this long.
  int64_t drain_when_idle_ms = 0;
  // Called on the spout's thread after each rebalance with the partitions now assigned to this
  // process (empty when it has none). May be empty.
  std::function<void(const std::vector<int32_t>& partitions)> on_assignment;
};

// Creates table DriverCarInfo (family cf1) and the topic if missing, checks the rules compile,
// and builds the topology. InvalidArgument for bad rules (with file, line and column).
Result<std::unique_ptr<topology::Topology>> BuildSmartCarTopology(const PipelineOptions& options);

}  // namespace smartcar::pipeline
