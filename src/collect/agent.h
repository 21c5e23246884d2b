// An Agent is a Flume-style collector built from a Flume properties file: sources (TAILDIR,
// spooldir, exec, stdin) → interceptors → channels → sinks (the durable log, hdfs, file_roll,
// logger), with sink groups for failover and load balancing.
//
// Delivery is transactional end to end: a source's position is committed only after every sink
// downstream of it acknowledged the batch (the durable log is the channel), so a crash or a
// failing sink never loses a committed line; at worst the last uncommitted batch is delivered
// again. Each source runs on its own thread; sinks shared by several sources are serialised.
#pragma once

#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "collect/component_params.h"
#include "collect/interceptor.h"
#include "collect/properties.h"
#include "collect/sink.h"
#include "collect/source.h"
#include "core/status.h"

namespace smartcar::collect {

struct AgentOptions {
  // Relative paths (position files, dead letters, hdfs and file_roll output) live under here.
  std::string data_dir = "smartcar-data";
  // While true, sources read nothing (intake paused, e.g. the data disk is nearly full); a batch
  // already read is still delivered. May be null.
  const std::atomic<bool>* paused = nullptr;
  // How long a source with nothing to read waits before looking again.
  int64_t poll_interval_ms = 50;
  // First wait after a failed delivery; doubles up to 5 s while the sinks keep failing.
  int64_t retry_backoff_ms = 100;
  // Where the logger sink prints, and where the agent reports errors and warnings.
  std::FILE* logger_out = stderr;
  std::FILE* log = stderr;
  // Builds the durable-log sink (`org.apache.flume.sink.kafka.KafkaSink`, `log`); empty means
  // such sinks are a configuration error.
  std::function<Result<std::unique_ptr<Sink>>(const std::string& name, ComponentParams*)>
      make_log_sink;
};

// Counters of one component, readable while the agent runs.
struct ComponentMetrics {
  std::string kind;  // "source" or "sink".
  std::string name;
  std::atomic<uint64_t> received{0};  // Events read (sources) or offered (sinks).
  std::atomic<uint64_t> accepted{0};  // Events past the interceptors / acknowledged by the sink.
  std::atomic<uint64_t> rejected{0};  // Events dropped by interceptors (filtered or dead-lettered).
  std::atomic<uint64_t> batches{0};   // Batches committed / acknowledged.
  std::atomic<uint64_t> bytes{0};     // Body bytes accepted.
  std::atomic<uint64_t> failures{0};  // Failed reads / deliveries.
  std::atomic<uint64_t> lag_bytes{0};  // Sources: bytes of input not yet committed.
  std::vector<std::string> targets;    // Source: the channels it feeds. Fixed at Create.
  std::string detail;                  // What it reads or writes, when the plan says. Fixed.

  // Sources: the committed position, as the source keeps it (TAILDIR: Flume's JSON of inode,
  // pos and file); "" for a source without positions. Updated after each commit.
  std::string position() const {
    std::lock_guard<std::mutex> lock(position_mu_);
    return position_;
  }
  void SetPosition(std::string position) {
    std::lock_guard<std::mutex> lock(position_mu_);
    position_ = std::move(position);
  }

 private:
  mutable std::mutex position_mu_;
  std::string position_;  // GUARDED_BY(position_mu_)
};

// An agent assembled in code from components already built (NewTaildirSource, NewLogSink,
// NewRegexFilter, ...): what a properties file describes, without the text.
struct AgentPlan {
  struct Channel {
    std::string name;
    int64_t transaction_capacity = 100;  // The largest batch a source may put.
    std::string detail;  // Said on the console: e.g. what its sinks write ("" if nothing).
    // The sinks draining it; several take turns (load balancing), as Flume's sink runners do.
    std::vector<std::unique_ptr<Sink>> sinks;
  };
  struct SourceEntry {
    std::string name;  // With the agent's name, the key its position is stored under.
    std::unique_ptr<Source> source;
    std::vector<std::unique_ptr<Interceptor>> interceptors;  // In order.
    std::vector<std::string> channels;                       // Names of `channels` entries.
    size_t batch_size = 100;
    std::string detail;  // Said on the console: e.g. the files it tails ("" if nothing).
  };
  std::vector<Channel> channels;
  std::vector<SourceEntry> sources;
  std::vector<std::string> warnings;  // Found while building it; Agent::warnings() reports them.
};

class Agent {
 public:
  // Builds agent `name` from `props`. Unknown keys become warnings naming key and line; wrong
  // values, unknown types and broken wiring are InvalidArgument naming key and line.
  static Result<std::unique_ptr<Agent>> Create(const Properties& props, const std::string& name,
                                               const AgentOptions& options);
  // Builds agent `name` from `plan`. InvalidArgument for broken wiring (a channel without sinks,
  // a source without channels or naming an unknown one, a batch larger than a channel's
  // transaction capacity).
  static Result<std::unique_ptr<Agent>> Create(AgentPlan plan, const std::string& name,
                                               const AgentOptions& options);
  ~Agent();

  const std::vector<std::string>& warnings() const;

  // Runs until *stop becomes true, or, with `drain`, until every source has nothing left and
  // everything read is committed. Sinks are closed (files rolled) before it returns. In drain
  // mode a source error ends the run with that error; otherwise errors are logged and retried.
  Status Run(const std::atomic<bool>& stop, bool drain);
  // As above, but draining starts when `drain` becomes true (e.g. once a writer has finished).
  Status Run(const std::atomic<bool>& stop, const std::atomic<bool>& drain);

  const std::vector<std::unique_ptr<ComponentMetrics>>& metrics() const;
  // Metrics as Prometheus text (smartcar_collect_events_received_total{component="..."} N ...).
  std::string MetricsText() const;

  struct Impl;

 private:
  explicit Agent(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace smartcar::collect
