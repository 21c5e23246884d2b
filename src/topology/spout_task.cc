// The emitting half of every task, and the spout executor loop.
#include <random>

#include "topology/topology_impl.h"

namespace smartcar::topology {
namespace {

uint64_t SeedFor(int task_id) {
  static const uint64_t base = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }();
  return base ^ (static_cast<uint64_t>(task_id) * 0x9e3779b97f4a7c15ULL);
}

using SteadyClock = std::chrono::steady_clock;

}  // namespace

TaskBase::TaskBase(TopologyImpl* topo, ComponentRuntime* component, int task_id, int task_index)
    : topo_(topo), component_(component), task_id_(task_id), rng_(SeedFor(task_id)) {
  context_.topology_name = topo->config().name;
  context_.component_id = component->id;
  context_.task_id = task_id;
  context_.task_index = task_index;
}

Status TaskBase::Route(std::string_view stream, const int* direct_task, const Values& values,
                       const OutStream** out, std::vector<BoltTask*>* dests) {
  auto it = out_.find(stream);
  if (it == out_.end()) {
    return Status::InvalidArgument("component '" + component_->id +
                                   "' emitted on undeclared stream '" + std::string(stream) + "'");
  }
  const OutStream& os = it->second;
  if (values.size() != os.schema->fields.size()) {
    return Status::InvalidArgument("component '" + component_->id + "' emitted " +
                                   std::to_string(values.size()) + " values on stream '" +
                                   std::string(stream) + "' declared with fields " +
                                   os.schema->fields.ToString());
  }
  dests->clear();
  for (const Subscription& sub : os.subscriptions) {
    if (direct_task != nullptr) {
      if (!sub.direct) continue;
      for (BoltTask* t : sub.targets) {
        if (t->task_id() == *direct_task) dests->push_back(t);
      }
    } else if (!sub.direct) {
      chosen_.clear();
      sub.grouping->ChooseTasks(values, &chosen_);
      for (size_t i : chosen_) dests->push_back(sub.targets[i]);
    }
  }
  if (direct_task != nullptr && dests->empty()) {
    return Status::InvalidArgument("component '" + component_->id + "' emitted directly to task " +
                                   std::to_string(*direct_task) + " on stream '" +
                                   std::string(stream) +
                                   "', which no DIRECT subscriber of that stream has");
  }
  *out = &os;
  return Status::OK();
}

Status TaskBase::Deliver(BoltTask* dest, Tuple tuple) {
  const size_t id = static_cast<size_t>(dest->task_id());
  if (id >= out_buf_.size()) out_buf_.resize(id + 1);
  std::vector<Tuple>& buf = out_buf_[id];
  if (buf.empty()) out_dirty_.push_back(dest);
  buf.push_back(std::move(tuple));
  return buf.size() >= kOutBatch ? FlushOut() : Status::OK();
}

Status TaskBase::FlushOut() {
  Status result;
  for (BoltTask* dest : out_dirty_) {
    std::vector<Tuple>& buf = out_buf_[static_cast<size_t>(dest->task_id())];
    const size_t n = buf.size();
    topo_->in_flight().fetch_add(static_cast<int64_t>(n), std::memory_order_acq_rel);
    const size_t pushed = dest->queue().PushAll(&buf);
    if (pushed < n) {
      topo_->in_flight().fetch_sub(static_cast<int64_t>(n - pushed), std::memory_order_acq_rel);
      result = Status::Aborted("topology is stopping");
    }
    metrics_.emitted.fetch_add(pushed, std::memory_order_relaxed);
    buf.clear();
  }
  out_dirty_.clear();
  return result;
}

void TaskBase::RecordError(const Status& s) {
  metrics_.errors.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(component_->error_mu);
  component_->last_error = "task " + std::to_string(task_id_) + ": " + s.ToString();
}

SpoutTask::SpoutTask(TopologyImpl* topo, ComponentRuntime* c, int task_id, int index,
                     std::unique_ptr<Spout> spout)
    : TaskBase(topo, c, task_id, index), spout_(std::move(spout)) {}

Status SpoutTask::Emit(std::string_view stream, Values values, std::optional<MessageId> id) {
  return EmitImpl(stream, nullptr, std::move(values), id);
}

Status SpoutTask::EmitDirect(int task, std::string_view stream, Values values,
                             std::optional<MessageId> id) {
  return EmitImpl(stream, &task, std::move(values), id);
}

Status SpoutTask::EmitImpl(std::string_view stream, const int* direct, Values values,
                           std::optional<MessageId> id) {
  const OutStream* os = nullptr;
  SMARTCAR_RETURN_IF_ERROR(Route(stream, direct, values, &os, &dests_));
  ++emitted_now_;
  const size_t n = dests_.size();
  if (!id) {
    for (size_t i = 0; i < n; ++i) {
      SMARTCAR_RETURN_IF_ERROR(
          Deliver(dests_[i], Tuple(os->schema, task_id_, i + 1 == n ? std::move(values) : values)));
    }
    return Status::OK();
  }
  // Register the root with the XOR of all first edges before any bolt can ack one.
  const uint64_t root = rng_.Next();
  edges_.resize(n);
  uint64_t x = 0;
  for (size_t i = 0; i < n; ++i) x ^= edges_[i] = NewEdge();
  acker_.Start(root, *id, x, SteadyClock::now());
  for (size_t i = 0; i < n; ++i) {
    Tuple t(os->schema, task_id_, i + 1 == n ? std::move(values) : values);
    t.set_anchors({Anchor{root, edges_[i], &acker_}});
    SMARTCAR_RETURN_IF_ERROR(Deliver(dests_[i], std::move(t)));
  }
  return Status::OK();
}

void SpoutTask::Loop() {
  start_status_ = spout_->Open(context_, *this);
  started_.store(true, std::memory_order_release);
  if (!start_status_.ok()) {
    RecordError(start_status_);
    quiet_.store(true, std::memory_order_release);
    return;
  }
  const TopologyConfig& cfg = topo_->config();
  const auto timeout = cfg.message_timeout;
  // Rotating the acker's buckets every timeout/(kBuckets-1) fails a root between timeout and
  // 1.5x timeout after it started.
  const auto rotate_every = std::max<std::chrono::nanoseconds>(
      std::chrono::milliseconds(1),
      std::chrono::duration_cast<std::chrono::nanoseconds>(timeout) / (Acker::kBuckets - 1));
  auto next_rotate = SteadyClock::now() + rotate_every;
  std::vector<Acker::Completion> done;
  bool idle = false;
  while (!topo_->stopping()) {
    auto can_emit = [&] {
      return topo_->active() && !spout_->Finished() &&
             (cfg.max_spout_pending == 0 || acker_.pending() < cfg.max_spout_pending);
    };
    done.clear();
    const bool wait = (idle && !spout_->WaitsForInput()) || !can_emit();
    acker_.TakeCompletions(&done,
                           wait ? std::chrono::microseconds(1000) : std::chrono::microseconds(0));
    // Ack/Fail may emit (a replay): counted in flight until flushed, as a NextTuple below.
    if (!done.empty()) topo_->in_flight().fetch_add(1, std::memory_order_acq_rel);
    for (const Acker::Completion& c : done) {
      const auto t0 = SteadyClock::now();
      if (c.acked) {
        metrics_.acked.fetch_add(1, std::memory_order_relaxed);
        metrics_.latency.Record(static_cast<uint64_t>(c.latency_us) * 1000);
        spout_->Ack(c.id);
      } else {
        metrics_.failed.fetch_add(1, std::memory_order_relaxed);
        spout_->Fail(c.id);
      }
      metrics_.busy_nanos.fetch_add(static_cast<uint64_t>((SteadyClock::now() - t0).count()),
                                    std::memory_order_relaxed);
    }
    if (!done.empty()) {
      if (Status f = FlushOut(); !f.ok() && !topo_->stopping()) RecordError(f);
      topo_->in_flight().fetch_sub(1, std::memory_order_acq_rel);
    }
    if (timeout.count() > 0) {
      const auto now = SteadyClock::now();
      if (now >= next_rotate) {
        metrics_.timed_out.fetch_add(acker_.Rotate(), std::memory_order_relaxed);
        next_rotate = now + rotate_every;
      }
    }
    idle = false;
    if (can_emit()) {
      const uint64_t before = emitted_now_;
      const auto t0 = SteadyClock::now();
      // The step counts in flight until what it emitted is in the queues (FlushOut).
      topo_->in_flight().fetch_add(1, std::memory_order_acq_rel);
      Status s = spout_->NextTuple();
      if (Status f = FlushOut(); s.ok()) s = f;
      topo_->in_flight().fetch_sub(1, std::memory_order_acq_rel);
      idle = emitted_now_ == before;
      // A call that emitted nothing waited for input (a log poll's timeout): not busy, so an
      // idle spout's capacity is near 0 as Storm's idle executors are.
      if (!idle) {
        metrics_.busy_nanos.fetch_add(static_cast<uint64_t>((SteadyClock::now() - t0).count()),
                                      std::memory_order_relaxed);
      }
      if (!s.ok() && !topo_->stopping()) RecordError(s);
    }
    quiet_.store(acker_.pending() == 0 && acker_.undelivered() == 0 &&
                     (!topo_->active() || spout_->Finished()),
                 std::memory_order_release);
  }
  spout_->Close();
  (void)FlushOut();  // What Close emitted, if the queues still take it.
}

}  // namespace smartcar::topology
