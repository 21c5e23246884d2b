// Factories for the built-in sinks and sink processors.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "collect/component_params.h"
#include "collect/sink.h"
#include "core/clock.h"

namespace smartcar::collect {

struct SinkEnv {
  std::string data_dir;  // hdfs paths map under <data_dir>/hdfs/.
  std::vector<std::string>* warnings = nullptr;
  std::FILE* logger_out = stderr;  // Where the logger sink prints.
  // Builds the durable-log sink for `org.apache.flume.sink.kafka.KafkaSink` (and `log`); empty
  // when no durable log is available in this build.
  std::function<Result<std::unique_ptr<Sink>>(const std::string& name, ComponentParams*)>
      make_log_sink;
};

// logger: prints each event ("Event: { headers:{...} body: ... }") for debugging.
Result<std::unique_ptr<Sink>> MakeLoggerSink(const std::string& name, ComponentParams* p,
                                             const SinkEnv& env);

// file_roll: appends bodies to files in `sink.directory`, a new file every `sink.rollInterval`
// seconds (0 = never); each batch is synced before it is acknowledged.
Result<std::unique_ptr<Sink>> MakeFileRollSink(const std::string& name, ComponentParams* p,
                                               const SinkEnv& env);

// hdfs: Flume's HDFS sink on the local file system: `hdfs.path` with Flume's escapes
// (%{header}, %Y %m %d %H %M %S %y %j %s ...) under <data_dir>/hdfs/, in-use files ending `.tmp`
// renamed on roll (rollInterval / rollCount / rollSize / idleTimeout); DataStream only.
Result<std::unique_ptr<Sink>> MakeHdfsSink(const std::string& name, ComponentParams* p,
                                           const SinkEnv& env);

// Expands Flume's escape sequences in `pattern` for an event with `headers` and time `ms`.
// Exposed for tests.
struct Event;
std::string ExpandFlumeEscapes(const std::string& pattern, const Event& e, int64_t ms);

// Sink processors over several sinks (a sink group). failover: the highest priority healthy
// sink takes each batch; a failing sink is benched with exponential backoff up to
// `max_penalty_ms`. load_balance: round_robin or random over healthy sinks, optional backoff.
struct SinkGroupOptions {
  enum class Kind { kFailover, kLoadBalance } kind = Kind::kFailover;
  std::vector<int> priorities;  // Failover: per sink, higher first.
  bool random = false;          // Load balance selector.
  bool backoff = true;
  int64_t max_penalty_ms = 30000;
  Clock* clock = nullptr;  // Null: SystemClock.
};
std::unique_ptr<Sink> MakeSinkGroup(const std::string& name,
                                    std::vector<std::unique_ptr<Sink>> sinks,
                                    const SinkGroupOptions& options);

}  // namespace smartcar::collect
