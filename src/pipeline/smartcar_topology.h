// The SmartCar driver topology (the pilot's SmartCarDriverTopology, done right):
//
//   LogSpout(SmartCar-Topic, parsing chained in: codecs; rejects to dead-letter)
//     → fields(car_number) → TableBolt (DriverCarInfo, cf1, 8 qualifiers, batched puts)
//     → fields(car_number) → CepBolt (rules/*.epl, hot-reloaded) → HotStoreBolt (set <date> ← car)
//
// At-least-once end to end, tracked per offset range: the spout emits records untracked and, every
// 4,096 records under a backlog (and after each caught-up poll), a mark that each task passes on
// and acks once everything before it is done there
// (the table bolt after its batch is written, the CEP bolt once the events' progress is
// recorded, the hot-store bolt after Redis or the embedded store has the detections); a log
// offset is committed only when a mark after it has completed, and no further than the first
// event of a still-open window, with the windows' closed-through event time in the commit
// metadata, so a restart rebuilds open windows and never re-evaluates closed ones
// (pipeline/cep_progress.h). Table puts are keyed by row key, set adds are idempotent and the
// rule engine skips a redelivered event (same car and event time), so a replay neither loses nor
// double-counts a stored fact or a detection.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/events.h"
#include "core/status.h"
#include "pipeline/driver_table.h"
#include "pipeline/rule_choice.h"
#include "topology/topology.h"

namespace smartcar::queue {
class Log;
}
namespace smartcar::table {
class TableStore;
}
namespace smartcar::coord {
class Coordinator;
class Membership;
}  // namespace smartcar::coord
namespace smartcar::hot {
class HotStore;
}

namespace smartcar::pipeline {

inline constexpr const char* kDriverTopic = "SmartCar-Topic";
inline constexpr const char* kDriverGroup = "smartcar-group1";

// Counters the topology's components update, for the live status line and tests.
struct PipelineCounters {
  std::atomic<uint64_t> consumed{0};    // Records the spout read from the log (first reads).
  std::atomic<uint64_t> parsed{0};      // Driving events parsed.
  std::atomic<uint64_t> rejected{0};    // Lines sent to the dead-letter file.
  std::atomic<uint64_t> stored{0};      // Rows written to DriverCarInfo (replays included).
  std::atomic<uint64_t> detections{0};  // Detections written to the hot store.
  std::atomic<uint64_t> late{0};        // Events the rules saw too late.
  std::atomic<uint64_t> duplicates{0};  // Redelivered events (same car and event time) skipped.
  // Replayed events of windows that had closed before a restart (already processed; not late).
  std::atomic<uint64_t> replayed_closed{0};
  std::atomic<uint64_t> rule_reloads{0};  // Successful rule (re)loads.
  std::atomic<uint64_t> disk_pauses{0};   // Times intake paused for the data disk's free space.
  // Times the spout read again from the committed offsets (a failed mark or unkept reject).
  std::atomic<uint64_t> restarts{0};
  // Newest event time (ms) the rule engine has processed, 0 before the first: with the newest
  // event time written, the lag in event time.
  std::atomic<int64_t> event_time_ms{0};
  // The same per log partition (those below kTrackedPartitions), for the watermark: the oldest
  // of them (EventTimeOf).
  static constexpr int kTrackedPartitions = 1024;
  std::array<std::atomic<int64_t>, kTrackedPartitions> partition_event_time_ms{};
  // Raises `a` to `v` if `v` is newer (several CEP tasks update the same partition).
  static void RaiseTo(std::atomic<int64_t>& a, int64_t v) {
    int64_t seen = a.load(std::memory_order_relaxed);
    while (v > seen && !a.compare_exchange_weak(seen, v, std::memory_order_relaxed)) {
    }
  }
  std::atomic<int64_t> last_detection_latency_us{0};
  // Driving events parsed per area number, at AreaSlot(): the console's area grid.
  static constexpr int kAreaSlots = 6 * 100;  // A00-F99, what the parser accepts.
  static int AreaSlot(const AreaNumber& a) {
    return (a.chars[0] - 'A') * 100 + (a.chars[1] - '0') * 10 + (a.chars[2] - '0');
  }
  std::array<std::atomic<uint64_t>, kAreaSlots> area_events{};
};

// The areas with events parsed, in area order: {"A01", 1200}, ...
std::vector<std::pair<std::string, uint64_t>> AreaEventList(const PipelineCounters& c);

// The health of the engines the topology writes to, as its bolts see them: an engine that fails
// (Redis down, a full disk) is retried without loss, and this says since when and why, for the
// status line, /healthz and /stats.json. Thread-safe.
class EngineHealth {
 public:
  // `engine` ("hot store redis 127.0.0.1:6379") failed with `error`; the first failure of an
  // outage keeps its time.
  void Failed(const std::string& engine, const Status& error);
  // `engine` is degraded without a failed write (the data disk below its minimum free space):
  // "disk DATA since <time>: <why>". Replaces the reason, keeps the time of the first call.
  void Degraded(const std::string& engine, const std::string& why);
  // `engine` works again.
  void Recovered(const std::string& engine);
  // "" when every engine works, else "hot store redis 127.0.0.1:6379 failing since
  // 2026-12-02T17:30:00Z (3 failed writes): <error>", one clause per failing engine.
  std::string Describe() const;

 private:
  struct Outage {
    int64_t since_ms = 0;
    uint64_t failures = 0;  // 0: degraded, no failed write.
    std::string error;
  };
  mutable std::mutex mu_;
  std::map<std::string, Outage> failing_;  // GUARDED_BY(mu_)
};

// The runtime settings the SmartCar topology needs by default.
inline topology::TopologyConfig DefaultTopologyConfig() {
  topology::TopologyConfig c;
  c.name = "SmartCarDriverTopology";
  c.max_spout_pending = 50'000;
  c.message_timeout = std::chrono::milliseconds(120'000);
  c.queue_capacity = 8192;
  c.tick_interval = std::chrono::milliseconds(200);
  return c;
}

// PipelineOptions::cep_hold_ms's default (below).
inline constexpr int64_t kDefaultCepHoldMs = 70'000;

struct PipelineOptions {
  queue::Log* log = nullptr;            // Not owned.
  table::TableStore* tables = nullptr;  // Not owned.
  hot::HotStore* hot = nullptr;         // Not owned.
  std::string topic = kDriverTopic;
  std::string group = kDriverGroup;
  std::string rules_dir = "rules";  // *.epl files, reloaded when they change.
  // When set, the rules of its rule store once it holds any (pipeline/rule_source.h). Not owned.
  coord::Coordinator* coordinator = nullptr;
  // Rules other than the latest (a replay's); empty: the folder or the store's latest.
  RuleChoice rule_choice;
  // When set, the CEP tasks publish the rule versions they run (and load errors) there.
  coord::Membership* membership = nullptr;
  std::string dead_letter_path;  // Where the spout's LineParser writes rejects.
  int table_parallelism = 1;
  int cep_parallelism = 1;
  int hot_parallelism = 1;
  // Rows per table write at most. A write is normally a mark's rows (up to 4096 records:
  // log_spout.cc); at 4096 the cap cut marks' batches in two once a short mark had shifted them,
  // and the memtable merged each short run into the next (2 % of pipeline_bench's samples).
  size_t table_batch = 8192;
  size_t hot_batch = 100;  // Detections per hot-store write.
  // Event time an input's offset stays uncommitted behind its CEP lane's closed-through (see
  // pipeline/cep_progress.h): at least the longest window plus its allowed lateness plus the
  // log's disorder, so a restart replays every event of every open window. Also how long a
  // car's event times are remembered to drop redelivered events.
  int64_t cep_hold_ms = kDefaultCepHoldMs;
  // Runtime settings. max_spout_pending bounds the records in flight (and the spout's memory);
  // the CEP bolts ack at once, so it never needs to cover a window's events.
  topology::TopologyConfig topology = DefaultTopologyConfig();
  // Set when no more input will come (the simulator and collector are done): the spout then
  // sends end-of-input down the topology, which closes every window (final watermark), and
  // reports Finished() once everything is acked and committed.
  const std::atomic<bool>* input_complete = nullptr;
  // While true the spout reads nothing (the data disk is below its minimum free space; see
  // pipeline/session.h); what is in flight still completes and commits. May be null.
  const std::atomic<bool>* intake_paused = nullptr;
  PipelineCounters* counters = nullptr;  // Not owned; may be null.
  EngineHealth* health = nullptr;        // Not owned; may be null.
  // Consume-only workers (`smartcar worker`, no simulator to say when input ends): > 0 makes the
  // spout end the input by itself once this process has had its partitions assigned, has read
  // every assigned partition to its end, and no record or rebalance came for this long.
  int64_t drain_when_idle_ms = 0;
  // A replay (`smartcar replay`, pipeline/replay.h): partition → offset where reading stops;
  // records from there on are not emitted, and the spout ends the input once every assigned
  // partition has reached its stop offset. A partition missing here stops at 0. Empty: none.
  std::map<int32_t, int64_t> stop_offsets;
  // Detections are kept only for windows starting in [detect_from_ms, detect_to_ms) (event time),
  // so a replay of a range rewrites exactly the range's detections.
  int64_t detect_from_ms = INT64_MIN;
  int64_t detect_to_ms = INT64_MAX;
  // Called on the spout's thread after each rebalance with the partitions now assigned to this
  // process (empty when it has none). May be empty.
  std::function<void(const std::vector<int32_t>& partitions)> on_assignment;
};

// Creates table DriverCarInfo (family cf1) and the topic if missing, checks the rules compile,
// and builds the topology. InvalidArgument for bad rules (with file, line and column).
Result<std::unique_ptr<topology::Topology>> BuildSmartCarTopology(const PipelineOptions& options);

}  // namespace smartcar::pipeline
