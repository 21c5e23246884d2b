// Topology lifecycle (Submit, Run, Drain, Stop) and stats.
#include <algorithm>
#include <limits>
#include <thread>

#include "core/thread_name.h"
#include "topology/topology_impl.h"

namespace smartcar::topology {

using SteadyClock = std::chrono::steady_clock;

Status TopologyImpl::Submit() {
  {
    std::lock_guard<std::mutex> lock(lifecycle_mu_);
    if (submitted_)
      return Status::InvalidArgument("topology '" + config_.name + "' was already submitted");
    submitted_ = true;
    started_at_ = SteadyClock::now();
    for (auto& task : tasks_) {
      TaskBase* t = task.get();
      threads_.emplace_back([t] {
        NameThisThread(t->component()->id + "-" + std::to_string(t->context().task_index));
        t->Loop();
      });
    }
  }
  // Wait for every Open/Prepare to return.
  for (auto& task : tasks_) {
    while (!task->started().load(std::memory_order_acquire)) std::this_thread::yield();
  }
  for (auto& task : tasks_) {
    if (!task->start_status().ok()) {
      Status s = task->start_status().WithPrefix("component '" + task->component()->id + "' task " +
                                                 std::to_string(task->task_id()) + ": ");
      Stop();
      return s;
    }
  }
  return Status::OK();
}

Status TopologyImpl::WaitQuiet(std::chrono::milliseconds timeout, bool* quiet) {
  const auto deadline = SteadyClock::now() + timeout;
  *quiet = false;
  while (!stopping()) {
    const bool spouts_quiet =
        std::all_of(spouts_.begin(), spouts_.end(), [](SpoutTask* s) { return s->quiet(); });
    if (spouts_quiet && in_flight_.load(std::memory_order_acquire) == 0) {
      *quiet = true;
      return Status::OK();
    }
    if (SteadyClock::now() >= deadline) {
      return Status::Busy("topology '" + config_.name + "' did not settle within " +
                          std::to_string(timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return Status::Aborted("topology '" + config_.name + "' was stopped");
}

Status TopologyImpl::WaitIdle(std::chrono::milliseconds timeout) {
  const auto start = SteadyClock::now();
  const auto deadline = start + timeout;
  const auto settle = std::max<std::chrono::milliseconds>(std::chrono::milliseconds(100),
                                                          3 * config_.tick_interval);
  size_t last_pending = std::numeric_limits<size_t>::max();
  auto unchanged_since = start;
  while (!stopping()) {
    const auto now = SteadyClock::now();
    const bool spouts_quiet =
        std::all_of(spouts_.begin(), spouts_.end(), [](SpoutTask* s) { return s->quiet(); });
    const int64_t in_flight = in_flight_.load(std::memory_order_acquire);
    if (spouts_quiet && in_flight == 0) return Status::OK();
    size_t pending = 0, undelivered = 0;
    for (SpoutTask* s : spouts_) {
      pending += s->acker().pending();
      undelivered += s->acker().undelivered();
    }
    if (in_flight != 0 || undelivered != 0 || pending != last_pending) {
      last_pending = pending;
      unchanged_since = now;
    } else if (now - unchanged_since >= settle) {
      return Status::OK();
    }
    if (now >= deadline) {
      return Status::Busy("topology '" + config_.name + "' did not become idle within " +
                          std::to_string(timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return Status::Aborted("topology '" + config_.name + "' was stopped");
}

void TopologyImpl::Stop() {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (stopped_) return;
  stopped_ = true;
  stopping_.store(true, std::memory_order_release);
  active_.store(false, std::memory_order_release);
  for (BoltTask* b : bolts_) b->queue().Close();
  for (SpoutTask* s : spouts_) s->acker().Wake();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

TopologyStats TopologyImpl::Stats() const {
  TopologyStats stats;
  stats.name = config_.name;
  const auto now = SteadyClock::now();
  double uptime_ns = 0;
  {
    std::lock_guard<std::mutex> lock(lifecycle_mu_);
    if (submitted_) uptime_ns = static_cast<double>((now - started_at_).count());
  }
  stats.uptime_seconds = uptime_ns / 1e9;
  for (const auto& c : components_) {
    ComponentStats cs;
    cs.id = c->id;
    cs.is_spout = c->is_spout;
    cs.inputs = c->inputs;
    {
      std::lock_guard<std::mutex> lock(c->error_mu);
      cs.last_error = c->last_error;
    }
    LatencyHistogram merged;
    for (int id : c->task_ids) {
      TaskBase* t = tasks_[static_cast<size_t>(id)].get();
      TaskMetrics& m = t->metrics();
      TaskStats ts;
      ts.task_id = id;
      ts.emitted = m.emitted.load(std::memory_order_relaxed);
      ts.executed = m.executed.load(std::memory_order_relaxed);
      ts.acked = m.acked.load(std::memory_order_relaxed);
      ts.failed = m.failed.load(std::memory_order_relaxed);
      ts.timed_out = m.timed_out.load(std::memory_order_relaxed);
      ts.errors = m.errors.load(std::memory_order_relaxed);
      ts.capacity =
          uptime_ns > 0
              ? std::min(1.0, static_cast<double>(m.busy_nanos.load(std::memory_order_relaxed)) /
                                  uptime_ns)
              : 0;
      ts.busy_ns = m.busy_nanos.load(std::memory_order_relaxed);
      ts.latency_p50_ns = m.latency.Quantile(0.50);
      ts.latency_p99_ns = m.latency.Quantile(0.99);
      merged.Merge(m.latency);
      if (c->is_spout) {
        ts.pending = static_cast<SpoutTask*>(t)->acker().pending();
      } else {
        auto* b = static_cast<BoltTask*>(t);
        ts.queue_depth = b->queue().size();
        ts.queue_high_water = b->queue().high_water();
      }
      TaskStats& tot = cs.total;
      tot.emitted += ts.emitted;
      tot.executed += ts.executed;
      tot.acked += ts.acked;
      tot.failed += ts.failed;
      tot.timed_out += ts.timed_out;
      tot.errors += ts.errors;
      tot.capacity = std::max(tot.capacity, ts.capacity);
      tot.busy_ns += ts.busy_ns;
      tot.queue_depth += ts.queue_depth;
      tot.queue_high_water = std::max(tot.queue_high_water, ts.queue_high_water);
      tot.pending += ts.pending;
      cs.tasks.push_back(ts);
    }
    cs.total.task_id = -1;
    cs.total.latency_p50_ns = merged.Quantile(0.50);
    cs.total.latency_p99_ns = merged.Quantile(0.99);
    stats.components.push_back(std::move(cs));
  }
  return stats;
}

Topology::Topology(std::unique_ptr<TopologyImpl> impl) : impl_(std::move(impl)) {}
Topology::~Topology() { impl_->Stop(); }

Status Topology::Submit() { return impl_->Submit(); }

Status Topology::Run(std::chrono::milliseconds timeout) {
  if (!impl_->submitted()) SMARTCAR_RETURN_IF_ERROR(impl_->Submit());
  bool quiet = false;
  SMARTCAR_RETURN_IF_ERROR(impl_->WaitQuiet(timeout, &quiet));
  impl_->Stop();
  return Status::OK();
}

Status Topology::Drain(std::chrono::milliseconds timeout) {
  impl_->Deactivate();
  bool quiet = false;
  Status s = impl_->WaitQuiet(timeout, &quiet);
  impl_->Stop();
  return s;
}

Status Topology::Shutdown(std::chrono::milliseconds timeout) {
  impl_->Deactivate();
  Status s = impl_->WaitIdle(timeout);
  impl_->Stop();
  return s;
}

void Topology::Stop() { impl_->Stop(); }
TopologyStats Topology::Stats() const { return impl_->Stats(); }
std::string Topology::MetricsText() const { return FormatPrometheus(impl_->Stats()); }
const TopologyConfig& Topology::config() const { return impl_->config(); }

}  // namespace smartcar::topology
