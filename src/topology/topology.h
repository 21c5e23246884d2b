// A Storm-model topology running in one process: the front door of src/topology/.
//
//   TopologyBuilder b;
//   b.SetSpout("log", [] { return MakeLogSpout(); }, 1);
//   b.SetBolt("parse", MakeParse, 2).ShuffleGrouping("log");
//   b.SetBolt("cep", MakeCep, 4).FieldsGrouping("parse", {"car_number"});
//   auto topology = b.Build(config);         // Validates the wiring, creates the tasks.
//   (*topology)->Submit();                    // Starts one thread per task.
//   ... (*topology)->Drain(timeout);          // Stop spouts, settle everything, stop.
//
// Each task (component instance) runs on its own executor thread. Bolt tasks read a bounded input
// queue (TopologyConfig::queue_capacity) in micro-batches; a full queue blocks the emitter, so a
// slow bolt throttles everything upstream up to the spouts and memory stays bounded. Emits with a
// message id are tracked by an acker (acker.h): the spout hears Ack(id) once every tuple anchored
// to it, transitively, is acked, and Fail(id) on a failure anywhere or after message_timeout.
// A Topology is thread-safe; it must be stopped (Stop, Drain or Run) before it is destroyed, or
// the destructor stops it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "topology/component.h"
#include "topology/grouping.h"
#include "topology/metrics.h"
#include "topology/tuple.h"

namespace smartcar::topology {

struct TopologyConfig {
  // Names the topology in metrics and contexts.
  std::string name = "topology";
  // Messages a spout task may have in flight (emitted with an id, not yet acked or failed);
  // NextTuple is not called at the bound. 0 = unbounded. Flux: topology.max.spout.pending.
  size_t max_spout_pending = 1000;
  // A message not fully acked within this time is failed (and may be replayed). 0 = never.
  // Flux: topology.message.timeout.secs (or topology.message.timeout.ms).
  std::chrono::milliseconds message_timeout{30000};
  // Tuples each bolt task's input queue holds before emitters block. Larger absorbs bursts,
  // smaller bounds memory and latency. Flux: topology.executor.receive.buffer.size.
  size_t queue_capacity = 1024;
  // Most tuples a bolt task takes from its queue per lock round trip. Flux: topology.max.batch.
  size_t max_batch = 256;
  // How often Bolt::Tick() runs on each bolt task. 0 = never. Flux: topology.tick.tuple.freq.ms.
  std::chrono::milliseconds tick_interval{1000};
};

using SpoutFactory = std::function<Result<std::unique_ptr<Spout>>()>;
using BoltFactory = std::function<Result<std::unique_ptr<Bolt>>()>;

// Declares the inputs of one bolt. Returned by TopologyBuilder::SetBolt.
class BoltDeclarer {
 public:
  // Subscribes to `stream` of `source` with `grouping`.
  BoltDeclarer& Grouping(const std::string& source, const std::string& stream, GroupingSpec spec);
  BoltDeclarer& ShuffleGrouping(const std::string& source,
                                const std::string& stream = std::string(kDefaultStream));
  BoltDeclarer& FieldsGrouping(const std::string& source, std::vector<std::string> fields,
                               const std::string& stream = std::string(kDefaultStream));
  BoltDeclarer& AllGrouping(const std::string& source,
                            const std::string& stream = std::string(kDefaultStream));
  BoltDeclarer& GlobalGrouping(const std::string& source,
                               const std::string& stream = std::string(kDefaultStream));
  BoltDeclarer& LocalOrShuffleGrouping(const std::string& source,
                                       const std::string& stream = std::string(kDefaultStream));
  BoltDeclarer& DirectGrouping(const std::string& source,
                               const std::string& stream = std::string(kDefaultStream));

 private:
  friend class TopologyBuilder;
  struct Input {
    std::string source;
    std::string stream;
    GroupingSpec spec;
  };
  std::vector<Input> inputs_;
};

class Topology;

// Wires spouts and bolts. Not thread-safe. Factories are called parallelism times each by Build.
class TopologyBuilder {
 public:
  TopologyBuilder();
  ~TopologyBuilder();
  TopologyBuilder(const TopologyBuilder&) = delete;
  TopologyBuilder& operator=(const TopologyBuilder&) = delete;

  void SetSpout(const std::string& id, SpoutFactory factory, int parallelism = 1);
  // The returned declarer stays valid until the builder is destroyed.
  BoltDeclarer& SetBolt(const std::string& id, BoltFactory factory, int parallelism = 1);

  // Validates the wiring (unique ids, parallelism >= 1, known sources and declared streams,
  // grouping arguments, no cycles), creates every task's component and the queues between them.
  // InvalidArgument names the component and input at fault; a factory's error is returned
  // prefixed with the component id.
  Result<std::unique_ptr<Topology>> Build(const TopologyConfig& config);

 private:
  struct Component;
  std::vector<std::unique_ptr<Component>> components_;
  Status error_;  // First error from SetSpout/SetBolt.
};

class TopologyImpl;

class Topology {
 public:
  ~Topology();
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  // Starts the executor threads: Open/Prepare run on them, then spouts start emitting.
  // Returns the first Open/Prepare error (the topology is then stopped). Call once.
  Status Submit();
  // Submits if needed, then waits until every spout is Finished() and every tuple is settled,
  // and stops. Busy if that takes longer than `timeout` (the topology keeps running).
  Status Run(std::chrono::milliseconds timeout = std::chrono::hours(24 * 365));
  // Stops calling NextTuple (acks and fails are still delivered), waits until every tuple in
  // flight is settled or timed out, and stops. Busy if that takes longer than `timeout` (the
  // topology is stopped anyway).
  Status Drain(std::chrono::milliseconds timeout);
  // Stops calling NextTuple, lets every queued tuple execute and every bolt tick (so batched
  // work flushes and its acks reach the spouts), then stops. Messages a bolt still holds (the
  // CEP bolt waits for its windows to close) are neither acked nor failed: a log spout leaves
  // their offsets uncommitted and the next run replays them. Storm's `kill -w`; what Ctrl-C
  // does. Busy if the tuples in flight do not settle within `timeout` (stopped anyway).
  Status Shutdown(std::chrono::milliseconds timeout);
  // Stops now: queued tuples are dropped, Close() runs on every task, threads are joined.
  // Idempotent.
  void Stop();

  // A snapshot of every task's counters.
  TopologyStats Stats() const;
  // Stats() in Prometheus text format.
  std::string MetricsText() const;
  const TopologyConfig& config() const;

 private:
  friend class TopologyBuilder;
  explicit Topology(std::unique_ptr<TopologyImpl> impl);
  std::unique_ptr<TopologyImpl> impl_;
};

}  // namespace smartcar::topology
