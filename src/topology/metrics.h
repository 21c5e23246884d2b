// Per-task metrics and the stats snapshot the topology reports (Storm UI's numbers).
//
// Counters are relaxed atomics written by the task's own thread and read by Stats() from any
// thread; a snapshot is consistent per counter, not across counters.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace smartcar::topology {

// A latency histogram in nanoseconds: log2 buckets split in 4 (<= 19% relative error).
// One writer, any number of readers.
class LatencyHistogram {
 public:
  static constexpr int kBuckets = 64 * 4;
  void Record(uint64_t nanos);
  // The value at quantile q in [0,1] (upper bound of its bucket); 0 when empty.
  uint64_t Quantile(double q) const;
  uint64_t count() const;
  // Adds `other`'s counts into this one (for per-component totals).
  void Merge(const LatencyHistogram& other);
  static int BucketOf(uint64_t nanos);
  static uint64_t BucketUpper(int bucket);

 private:
  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
};

struct TaskMetrics {
  std::atomic<uint64_t> emitted{0};    // Tuples sent (each target copy counts once).
  std::atomic<uint64_t> executed{0};   // Bolt: Execute calls.
  std::atomic<uint64_t> acked{0};      // Spout: messages fully acked; bolt: inputs acked.
  std::atomic<uint64_t> failed{0};     // Spout: messages failed or timed out; bolt: inputs failed.
  std::atomic<uint64_t> timed_out{0};  // Spout: messages failed by timeout.
  std::atomic<uint64_t> errors{0};     // Non-OK statuses returned by the component.
  // Time inside Execute, Tick, acks and the NextTuple calls that emitted (a spout's wait for
  // input is not busy).
  std::atomic<uint64_t> busy_nanos{0};
  LatencyHistogram latency;  // Bolt: execute latency; spout: complete latency (emit -> ack).
};

// One task's numbers at one moment.
struct TaskStats {
  int task_id = 0;
  uint64_t emitted = 0, executed = 0, acked = 0, failed = 0, timed_out = 0, errors = 0;
  double capacity = 0;  // Busy fraction of wall time since the topology started, 0..1.
  uint64_t latency_p50_ns = 0, latency_p99_ns = 0;
  uint64_t queue_depth = 0;       // Bolt input queue length now.
  uint64_t queue_high_water = 0;  // Longest the input queue has been.
  uint64_t pending = 0;           // Spout: messages in flight.
  uint64_t busy_ns = 0;           // Time inside Execute/NextTuple/Tick since the start.
};

// One subscription of a bolt: the edge `from` -> this component in the topology's graph.
struct ComponentInput {
  std::string from;      // The source component's id.
  std::string stream;    // Its stream ("default" unless declared otherwise).
  std::string grouping;  // As in Flux YAML: "FIELDS car_number", "SHUFFLE", ...
  friend bool operator==(const ComponentInput&, const ComponentInput&) = default;
};

struct ComponentStats {
  std::string id;
  bool is_spout = false;
  std::string last_error;              // Most recent component error, if any.
  std::vector<ComponentInput> inputs;  // Bolts: what they subscribe to (the graph's edges).
  TaskStats total;  // Sums (capacity: max over tasks; latencies: merged histogram).
  std::vector<TaskStats> tasks;
};

struct TopologyStats {
  std::string name;
  double uptime_seconds = 0;
  std::vector<ComponentStats> components;
  const ComponentStats* Find(const std::string& id) const;
};

// Prometheus text exposition format (metric names smartcar_topology_*).
std::string FormatPrometheus(const TopologyStats& stats);
// A fixed-width table, one row per component (totals), for `smartcar topology stats`:
// component, tasks, emitted, executed, acked, failed, capacity, p50/p99 latency, queue, pending.
std::string FormatStatsTable(const TopologyStats& stats);

}  // namespace smartcar::topology
