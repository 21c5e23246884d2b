// Spouts, bolts and the collectors they emit through (Storm's model, in one process).
//
// Each task (one instance of a component) runs on its own executor thread: the runtime calls a
// component's methods only from that thread, so components need no locking of their own. A
// collector may be used only from its task's thread, during a call from the runtime.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "topology/tuple.h"

namespace smartcar::topology {

// What a component learns about its place in the topology when it starts.
struct TopologyContext {
  std::string topology_name;
  std::string component_id;
  int task_id = 0;      // Global task id, unique in the topology.
  int task_index = 0;   // 0 .. parallelism-1 within the component.
  int parallelism = 1;  // Number of tasks of this component.
  // Task ids of each component, for EmitDirect.
  std::map<std::string, std::vector<int>, std::less<>> component_tasks;
};

// Collects the (stream -> fields) a component emits. Called once, before any task starts.
class OutputFieldsDeclarer {
 public:
  virtual ~OutputFieldsDeclarer() = default;
  virtual void Declare(Fields fields) { DeclareStream(std::string(kDefaultStream), fields); }
  virtual void DeclareStream(const std::string& stream, Fields fields) = 0;
};

// How a spout emits. Emits with a message id are tracked: the spout's Ack(id) is called once
// every tuple derived from it is acked, Fail(id) when any is failed or the message times out.
class SpoutOutputCollector {
 public:
  virtual ~SpoutOutputCollector() = default;
  // Emits on `stream`. Returns InvalidArgument for an undeclared stream or a wrong value count.
  // Blocks while a target queue is full (backpressure).
  virtual Status Emit(std::string_view stream, Values values, std::optional<MessageId> id) = 0;
  // Emits to one task of a DIRECT-grouped subscriber. InvalidArgument when no subscriber of
  // `stream` subscribes `task` with a DIRECT grouping.
  virtual Status EmitDirect(int task, std::string_view stream, Values values,
                            std::optional<MessageId> id) = 0;

  Status Emit(Values values) { return Emit(kDefaultStream, std::move(values), std::nullopt); }
  Status Emit(Values values, MessageId id) { return Emit(kDefaultStream, std::move(values), id); }
};

// How a bolt emits and settles its inputs. Every input must be acked or failed exactly once.
class OutputCollector {
 public:
  virtual ~OutputCollector() = default;
  // Emits on `stream`, anchored to `anchors` (may be empty: untracked). The anchors stay pending
  // until the new tuple is acked downstream too.
  virtual Status Emit(std::string_view stream, const std::vector<const Tuple*>& anchors,
                      Values values) = 0;
  virtual Status EmitDirect(int task, std::string_view stream,
                            const std::vector<const Tuple*>& anchors, Values values) = 0;
  // Settles `input`. Acking or failing a tuple twice is ignored.
  virtual void Ack(const Tuple& input) = 0;
  virtual void Fail(const Tuple& input) = 0;

  Status Emit(const Tuple& anchor, Values values) {
    return Emit(kDefaultStream, {&anchor}, std::move(values));
  }
  Status EmitUnanchored(Values values) { return Emit(kDefaultStream, {}, std::move(values)); }
};

// A source of tuples.
class Spout {
 public:
  virtual ~Spout() = default;
  virtual void DeclareOutputFields(OutputFieldsDeclarer& declarer) const = 0;
  // Called once on the task's thread before anything else. `collector` outlives the spout's use.
  virtual Status Open(const TopologyContext& context, SpoutOutputCollector& collector) = 0;
  // Emits zero or more tuples. Not called while the task has max_spout_pending messages in
  // flight, nor after Drain() started. An error is counted and reported by Stats().
  virtual Status NextTuple() = 0;
  // The message `id` and everything derived from it was acked.
  virtual void Ack(MessageId /*id*/) {}
  // The message `id` failed or timed out; the spout may emit it again.
  virtual void Fail(MessageId /*id*/) {}
  // True once the spout has nothing more to emit and needs no replays (a finite source).
  // Topology::Run() returns when every spout is finished and every tuple is settled.
  virtual bool Finished() const { return false; }
  // True when a NextTuple that finds no input waits for it itself (a log poll with a timeout):
  // the task then calls it again at once instead of first waiting 1 ms for acks (Storm's idle
  // spout wait), which would wake the thread once more per idle call.
  virtual bool WaitsForInput() const { return false; }
  virtual void Close() {}
};

// A processing step.
class Bolt {
 public:
  virtual ~Bolt() = default;
  virtual void DeclareOutputFields(OutputFieldsDeclarer& /*declarer*/) const {}
  virtual Status Prepare(const TopologyContext& context, OutputCollector& collector) = 0;
  // Processes one input; must eventually Ack or Fail it through the collector. A non-OK status
  // is counted, and fails the input if it was not yet settled.
  virtual Status Execute(const Tuple& input) = 0;
  // Called periodically (TopologyConfig::tick_interval_ms) on the task's thread, e.g. to flush
  // a batch by time.
  virtual Status Tick() { return Status::OK(); }
  // False while the next Tick would have nothing to do (nothing buffered, nothing to retry): the
  // task then skips it rather than wake its thread. Asked after each micro-batch and each due
  // tick.
  virtual bool WantsTick() const { return true; }
  // Called on the task's thread after each micro-batch of inputs (everything that was queued,
  // up to TopologyConfig::max_batch) has been executed, before the task waits for more. A bolt
  // that buffers writes flushes here to keep latency low when its queue runs dry, while batches
  // still grow with the load. An error is counted and reported by Stats().
  virtual Status BatchEnd() { return Status::OK(); }
  virtual void Close() {}
};

// A bolt that acks each input after Execute returns OK and fails it otherwise. Emits through
// the BasicOutputCollector are anchored to the current input.
class BasicOutputCollector {
 public:
  explicit BasicOutputCollector(OutputCollector* out) : out_(out) {}
  Status Emit(Values values) { return Emit(kDefaultStream, std::move(values)); }
  Status Emit(std::string_view stream, Values values) {
    return out_->Emit(stream, {input_}, std::move(values));
  }
  void set_input(const Tuple* input) { input_ = input; }

 private:
  OutputCollector* out_;
  const Tuple* input_ = nullptr;
};

class BasicBolt : public Bolt {
 public:
  // Called once before the first Process().
  virtual Status Setup(const TopologyContext& /*context*/) { return Status::OK(); }
  // Processes `input`; OK acks it, an error fails it.
  virtual Status Process(const Tuple& input, BasicOutputCollector& collector) = 0;

  Status Prepare(const TopologyContext& context, OutputCollector& collector) final {
    collector_ = &collector;
    basic_.emplace(&collector);
    return Setup(context);
  }
  Status Execute(const Tuple& input) final {
    basic_->set_input(&input);
    Status s = Process(input, *basic_);
    if (s.ok()) {
      collector_->Ack(input);
    } else {
      collector_->Fail(input);
    }
    return s;
  }

 private:
  OutputCollector* collector_ = nullptr;
  std::optional<BasicOutputCollector> basic_;
};

}  // namespace smartcar::topology
