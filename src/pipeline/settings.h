// What `smartcar run` and `smartcar worker` share: where the data lives (one layout of the data
// folder for every command), the rules, the engines and the topology's parallelism, and how the
// process reports and stops. One struct, read from smartcar.yaml and flags in one place
// (cli/topology_settings.h), so both commands read a setting the same way.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

namespace smartcar::pipeline {

// The data folder (`--data DIR`): where each stage keeps its files. Every command that reads or
// writes a data folder takes its paths from here.
// The name of a log in file names: "" for the embedded log, "kafka-<hash of the brokers>".
inline std::string LogSourceName(const std::string& kafka_brokers) {
  if (kafka_brokers.empty()) return "";
  char name[32];
  std::snprintf(name, sizeof name, "kafka-%08x",
                static_cast<unsigned>(std::hash<std::string>{}(kafka_brokers)));
  return name;
}

class DataFolder {
 public:
  explicit DataFolder(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string Queue() const { return Join("queue"); }  // The embedded durable log.
  std::string Tables() const { return root_; }         // The table store (DIR/table inside).
  std::string Hot() const { return Join("hot"); }      // The embedded hot store.
  std::string Logs() const { return Join("logs"); }    // The simulator's driving log.
  // The run's collector positions; relative to the folder (the agent's data_dir) as kept in
  // its configuration.
  static constexpr const char* kCollectorPositions = "collect/taildir_position.json";
  std::string CollectorPositions() const { return Join(kCollectorPositions); }
  // Rejected lines with where and why: the topology's, the collector's, replays', Sqoop exports'.
  std::string DeadLetters() const { return Join("dead-letter"); }
  std::string TopologyDeadLetters() const { return Join("dead-letter/topology.log"); }
  std::string ReplayDeadLetters() const { return Join("dead-letter/replay.log"); }
  std::string RunManifest() const { return Join("run.json"); }  // A run's identity.
  std::string Owner() const { return Join("owner.json"); }      // Who holds the stores.
  static constexpr const char* kMetricsFile = "metrics.json";
  static constexpr const char* kStatsFile = "topology-stats.json";
  std::string Metrics() const { return Join(kMetricsFile); }      // A live run's endpoint.
  std::string Stats() const { return Join(kStatsFile); }          // The last stats snapshot.
  std::string ReplayPlan() const { return Join("replay.json"); }  // An unfinished replay.
  // The token the API's mutating paths require (mode 0600; rewritten by every run).
  std::string ConsoleToken() const { return Join("console-token"); }
  // A topic's event-time index (pipeline/event_time_index.h); `source` names the log ("" for
  // the embedded one, e.g. "kafka-1a2b3c4d" for a cluster).
  std::string TimeIndex(const std::string& source, const std::string& topic) const {
    return (std::filesystem::path(root_) / "index" /
            ((source.empty() ? "" : source + "-") + topic + ".timeindex"))
        .string();
  }

 private:
  std::string Join(const char* rel) const { return (std::filesystem::path(root_) / rel).string(); }
  std::string root_;
};

struct PipelineSettings {
  std::string data_dir = "smartcar-data";
  std::string rules_dir = "rules";
  // Engines: empty = embedded (the log in DATA/queue, the hot store in DATA/hot).
  std::string kafka_brokers;
  std::map<std::string, std::string> kafka_properties;  // librdkafka settings.
  int partitions = 4;          // Of SmartCar-Topic, when it does not exist yet and can be created.
  std::string redis;           // HOST:PORT or redis://[USER:PASSWORD@]HOST:PORT
  std::string redis_user;      // AUTH user (Redis 6 ACL); wins over the URL's.
  std::string redis_password;  // AUTH password; wins over the URL's. Never printed.
  std::string hot_prefix;
  // Coordination (coord/coordinator.h): empty = embedded (DATA/coord); else a ZooKeeper
  // connect string "host:port[,...][/chroot]" and optional digest credentials "user:password".
  std::string zookeeper;
  std::string zookeeper_auth;  // Never printed.
  int64_t zookeeper_session_timeout_ms = 10'000;
  int64_t hot_ttl_ms = 7LL * 24 * 3600 * 1000;
  int cep_parallelism = 2;
  int table_parallelism = 1;
  // Set to true to stop: input stops, in-flight data drains, acked offsets are committed.
  const std::atomic<bool>* stop = nullptr;
  // Live status line (every second) goes here; null for none.
  std::FILE* status_out = nullptr;
  bool status_is_tty = false;
  // Metrics endpoint (GET /metrics, /stats.json, /healthz) on metrics_host:metrics_port while
  // running, its address in DATA/metrics.json; < 0 = none. A busy port is a warning on
  // status_out, not an error. The final stats go to DATA/topology-stats.json either way.
  std::string metrics_host = "127.0.0.1";
  int metrics_port = -1;
  // The endpoint also serves the operator's console (GET /) and its API (/api/v1/; replays are
  // served either way): `--ui on|off`.
  bool console = true;
  // Below this much free space on the data folder's disk, intake pauses (simulator, collector,
  // spout; what is in flight completes) and the status line, /healthz and the metrics say so;
  // it resumes at 1.5 times this (Kafka's, Redpanda's and Elasticsearch's disk watermarks).
  // < 0: the smaller of 1 GB and 5% of the disk; 0: never pause.
  int64_t disk_min_free_bytes = -1;

  DataFolder data() const { return DataFolder(data_dir); }
};

}  // namespace smartcar::pipeline
