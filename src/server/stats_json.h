// StatsSnapshot: the topology's stats plus the pipeline's counters at one moment, as served on
// GET /stats.json and kept in DATA/topology-stats.json when a run ends. JSON shape:
//
//   {"time_ms": 1795000000000, "final": false,
//    "topology": {"name": "...", "uptime_seconds": 1.5,
//                 "components": [{"id": "log-spout", "is_spout": true, "last_error": "",
//                                 "total": {TASK}, "tasks": [{TASK}, ...]}]},
//    "pipeline": [{"name": "stored", "help": "...", "value": 150}, ...],
//    "state": "catching up (lag 120000 events)",   (absent when the run keeps up)
//    "collector": [{COLLECTOR COMPONENT}, ...],   (absent without an in-process collector)
//    "areas": {"A01": 1200, ...},                 (driving events parsed per area; absent if none)
//    "event_time": {"watermark_ms": ..., "newest_ms": ..., "wall_lag_ms": ...,
//                   "written_lag_ms": ...},        (absent before the rules' first event)
//    "consumer_group": "smartcar-topology",
//    "partitions": [{"partition": 0, "committed": 120, "latest": 150, "lag": 30,
//                    "event_time_ms": ...}, ...]} (the driving topic; absent without a log)
//
// where TASK = {"task_id", "emitted", "executed", "acked", "failed", "timed_out", "errors",
// "capacity", "latency_p50_ns", "latency_p99_ns", "queue_depth", "queue_high_water", "pending",
// "busy_ns"}, a bolt's component also has "inputs": [{"from", "stream", "grouping"}] (the graph's
// edges), and COLLECTOR COMPONENT = {"kind", "name", "received", "accepted", "rejected",
// "batches", "bytes", "failures", "lag_bytes", "targets", "detail", "position"}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "topology/metrics.h"

namespace smartcar::server {

// A monotonic pipeline counter, exposed as smartcar_pipeline_<name>_total.
struct PipelineCounter {
  std::string name;  // [a-z_]+, e.g. "stored".
  std::string help;  // One line for # HELP.
  uint64_t value = 0;
};

// One component of the in-process collector (collect::Agent's ComponentMetrics, copied).
struct CollectorComponent {
  std::string kind;  // "source" or "channel".
  std::string name;
  uint64_t received = 0, accepted = 0, rejected = 0, batches = 0, bytes = 0, failures = 0;
  uint64_t lag_bytes = 0;            // Sources: input not yet committed.
  std::vector<std::string> targets;  // Source: its channels; channel: the sink draining it.
  std::string detail;    // What it reads or writes ("TAILDIR logs/...", "sink log: topic ...").
  std::string position;  // Sources: the committed position as the source keeps it ("" if none).
};

// One partition of the driving topic as the run's consumer group reads it (Kafka's
// kafka-consumer-groups --describe, plus the rules' event time).
struct PartitionProgress {
  int32_t partition = 0;
  int64_t committed = -1;     // Next offset the group reads after a restart; -1: none committed.
  int64_t latest = 0;         // The partition's end (the next append's offset).
  int64_t lag = 0;            // latest - committed (latest - earliest when none committed).
  int64_t event_time_ms = 0;  // Newest event time of it the rules processed here (0: none).
};

// Event time as the rule engine has processed it (ms since the Unix epoch).
struct EventTimeProgress {
  // The oldest of the partitions' newest processed event times: every partition this process
  // reads has been processed up to here (Flink's watermark: the minimum over inputs). 0: none.
  int64_t watermark_ms = 0;
  int64_t newest_ms = 0;        // The newest event time processed on any partition.
  int64_t written_lag_ms = -1;  // The newest event time written minus newest_ms; -1: unknown.
};

struct StatsSnapshot {
  int64_t time_ms = 0;  // Wall-clock time of the snapshot, ms since the Unix epoch.
  bool final = false;   // True for the snapshot a run writes when it ends.
  topology::TopologyStats topology;
  std::vector<PipelineCounter> pipeline;
  // What the run's status line says about progress: "" (keeping up), "catching up (lag N
  // events)" or "STALLED: <why>". JSON "state", absent when empty.
  std::string state;
  std::vector<CollectorComponent> collector;
  // Driving events parsed per area number, those seen only, in area order.
  std::vector<std::pair<std::string, uint64_t>> areas;
  // JSON "event_time" (with "wall_lag_ms" = time_ms - watermark_ms), absent while watermark_ms
  // is 0.
  EventTimeProgress event_time;
  std::string consumer_group;  // JSON "consumer_group", absent when empty.
  std::vector<PartitionProgress> partitions;
};

// Compact JSON (one line).
std::string SnapshotToJson(const StatsSnapshot& snapshot);
// Parses SnapshotToJson's output. Corruption says where ("byte 12: ..." or which field is
// missing or of the wrong type). Unknown fields are ignored.
Result<StatsSnapshot> SnapshotFromJson(std::string_view json);

// Where a live run serves its endpoint: DATA/metrics.json, {"url": ..., "pid": ..., "started_ms":
// ...}.
struct EndpointInfo {
  std::string url;  // "http://HOST:PORT".
  int64_t pid = 0;
  int64_t started_ms = 0;
};
std::string EndpointInfoToJson(const EndpointInfo& info);
// Corruption (with where) for malformed JSON or a missing url/pid.
Result<EndpointInfo> EndpointInfoFromJson(std::string_view json);

// smartcar_pipeline_<name>_total counters with # HELP and # TYPE lines.
std::string FormatPipelinePrometheus(const std::vector<PipelineCounter>& counters);
// The whole /metrics body: topology::FormatPrometheus, FormatPipelinePrometheus, and gauges of
// the event-time watermark and each partition's consumer lag (when known).
std::string FormatSnapshotPrometheus(const StatsSnapshot& snapshot);

}  // namespace smartcar::server
