// The runtime behind Topology (internal): tasks, their threads, queues and routing.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/random.h"
#include "topology/acker.h"
#include "topology/bounded_queue.h"
#include "topology/topology.h"

namespace smartcar::topology {

class TopologyImpl;
class BoltTask;

// One subscription of a bolt to a stream, as seen from one source task.
struct Subscription {
  bool direct = false;
  std::unique_ptr<Grouping> grouping;
  std::vector<BoltTask*> targets;  // Ascending task id.
};

struct OutStream {
  std::shared_ptr<const StreamSchema> schema;
  std::vector<Subscription> subscriptions;
};

struct ComponentRuntime {
  std::string id;
  bool is_spout = false;
  std::map<std::string, Fields, std::less<>> streams;  // Declared output streams.
  std::vector<int> task_ids;
  std::vector<ComponentInput> inputs;  // Bolts: their subscriptions, as declared.
  mutable std::mutex error_mu;
  std::string last_error GUARDED_BY(error_mu);
};

// The emitting half shared by spout and bolt tasks.
class TaskBase {
 public:
  TaskBase(TopologyImpl* topo, ComponentRuntime* component, int task_id, int task_index);
  virtual ~TaskBase() = default;
  virtual void Loop() = 0;

  int task_id() const { return task_id_; }
  ComponentRuntime* component() const { return component_; }
  TaskMetrics& metrics() { return metrics_; }
  std::map<std::string, OutStream, std::less<>>& out_streams() { return out_; }
  TopologyContext& context() { return context_; }
  std::atomic<bool>& started() { return started_; }
  Status& start_status() { return start_status_; }

 protected:
  // Finds the tasks a tuple on `stream` goes to (the direct `task` if given).
  Status Route(std::string_view stream, const int* direct_task, const Values& values,
               const OutStream** out, std::vector<BoltTask*>* dests);
  // Buffers a tuple for `dest`'s queue; FlushOut hands the buffers over (a destination's buffer
  // also goes when it holds kOutBatch tuples). Aborted when the topology is stopping.
  Status Deliver(BoltTask* dest, Tuple tuple);
  // Pushes every buffered tuple to its queue, counting them in flight first: one lock round trip
  // and one in-flight update per destination, not per tuple (Storm 2's batched transfer). A task
  // calls it at the end of each step (a batch of inputs, a tick, a NextTuple) while its own step
  // is still counted in flight, so the topology never looks idle with tuples in a buffer.
  // Aborted when the topology is stopping (the rest are dropped, as a closed queue drops them).
  Status FlushOut();
  static constexpr size_t kOutBatch = 256;
  void RecordError(const Status& s);
  uint64_t NewEdge() { return rng_.Next() | 1; }

  TopologyImpl* topo_;
  ComponentRuntime* component_;
  int task_id_;
  TaskMetrics metrics_;
  TopologyContext context_;
  std::map<std::string, OutStream, std::less<>> out_;
  Random rng_;
  std::vector<BoltTask*> dests_;             // Scratch.
  std::vector<size_t> chosen_;               // Scratch.
  std::vector<std::vector<Tuple>> out_buf_;  // Tuples not yet pushed, by destination task id.
  std::vector<BoltTask*> out_dirty_;         // Destinations with a non-empty buffer.
  std::atomic<bool> started_{false};
  Status start_status_;
};

class SpoutTask final : public TaskBase, public SpoutOutputCollector {
 public:
  SpoutTask(TopologyImpl* topo, ComponentRuntime* c, int task_id, int index,
            std::unique_ptr<Spout> spout);
  void Loop() override;
  Status Emit(std::string_view stream, Values values, std::optional<MessageId> id) override;
  Status EmitDirect(int task, std::string_view stream, Values values,
                    std::optional<MessageId> id) override;
  using SpoutOutputCollector::Emit;

  Acker& acker() { return acker_; }
  // True when the spout can start no new message and none is in flight.
  bool quiet() const { return quiet_.load(std::memory_order_acquire); }

 private:
  Status EmitImpl(std::string_view stream, const int* direct, Values values,
                  std::optional<MessageId> id);
  std::unique_ptr<Spout> spout_;
  Acker acker_;
  std::atomic<bool> quiet_{false};
  uint64_t emitted_now_ = 0;
  std::vector<uint64_t> edges_;  // Scratch: the first edges of one emit.
};

class BoltTask final : public TaskBase, public OutputCollector {
 public:
  BoltTask(TopologyImpl* topo, ComponentRuntime* c, int task_id, int index,
           std::unique_ptr<Bolt> bolt, size_t queue_capacity);
  void Loop() override;
  Status Emit(std::string_view stream, const std::vector<const Tuple*>& anchors,
              Values values) override;
  Status EmitDirect(int task, std::string_view stream, const std::vector<const Tuple*>& anchors,
                    Values values) override;
  void Ack(const Tuple& input) override;
  void Fail(const Tuple& input) override;
  using OutputCollector::Emit;

  BoundedQueue<Tuple>& queue() { return queue_; }

 private:
  Status EmitImpl(std::string_view stream, const int* direct,
                  const std::vector<const Tuple*>& anchors, Values values);
  std::unique_ptr<Bolt> bolt_;
  BoundedQueue<Tuple> queue_;
  // Sends buffered ack updates to their ackers (one lock round trip per acker).
  void FlushAcks();

  std::vector<Anchor> base_;  // Scratch: merged anchors of one emit.
  // Ack updates buffered during a batch, per acker (usually one per spout task).
  std::vector<std::pair<Acker*, std::vector<Acker::AckUpdate>>> acks_;
};

class TopologyImpl {
 public:
  explicit TopologyImpl(TopologyConfig config) : config_(std::move(config)) {}
  ~TopologyImpl() { Stop(); }

  Status Submit();
  Status WaitQuiet(std::chrono::milliseconds timeout, bool* quiet);
  // Waits until no tuple is queued or executing and the spouts' pending counts have not changed
  // for a few tick intervals (so batched work has flushed and its acks have arrived). Busy after
  // `timeout`.
  Status WaitIdle(std::chrono::milliseconds timeout);
  void Stop();
  TopologyStats Stats() const;

  const TopologyConfig& config() const { return config_; }
  bool submitted() EXCLUDES(lifecycle_mu_) {
    std::lock_guard<std::mutex> lock(lifecycle_mu_);
    return submitted_;
  }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  bool active() const { return active_.load(std::memory_order_acquire); }
  void Deactivate() { active_.store(false, std::memory_order_release); }
  std::atomic<int64_t>& in_flight() { return in_flight_; }
  BoltTask* bolt_task(int id) {
    return id >= 0 && static_cast<size_t>(id) < bolt_by_id_.size() ? bolt_by_id_[id] : nullptr;
  }

  // Filled by the builder.
  std::vector<std::unique_ptr<ComponentRuntime>> components_;
  std::vector<std::unique_ptr<TaskBase>> tasks_;  // Index = task id.
  std::vector<BoltTask*> bolt_by_id_;
  std::vector<SpoutTask*> spouts_;
  std::vector<BoltTask*> bolts_;

 private:
  TopologyConfig config_;
  std::chrono::steady_clock::time_point started_at_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> active_{true};
  // On cache lines of its own: every task adds to it per batch, and sharing a line with
  // stopping_ (read per tuple) made each bolt's next read of stopping_ a cache miss.
  alignas(64) std::atomic<int64_t> in_flight_{0};
  alignas(64) mutable std::mutex lifecycle_mu_;
  bool submitted_ GUARDED_BY(lifecycle_mu_) = false;
  bool stopped_ GUARDED_BY(lifecycle_mu_) = false;
  std::vector<std::thread> threads_ GUARDED_BY(lifecycle_mu_);
};

}  // namespace smartcar::topology
