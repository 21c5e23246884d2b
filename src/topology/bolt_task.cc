// The bolt executor loop and the bolt side of anchoring and acking.
#include <algorithm>

#include "topology/topology_impl.h"

namespace smartcar::topology {

using SteadyClock = std::chrono::steady_clock;

BoltTask::BoltTask(TopologyImpl* topo, ComponentRuntime* c, int task_id, int index,
                   std::unique_ptr<Bolt> bolt, size_t queue_capacity)
    : TaskBase(topo, c, task_id, index), bolt_(std::move(bolt)), queue_(queue_capacity) {}

Status BoltTask::Emit(std::string_view stream, const std::vector<const Tuple*>& anchors,
                      Values values) {
  return EmitImpl(stream, nullptr, anchors, std::move(values));
}

Status BoltTask::EmitDirect(int task, std::string_view stream,
                            const std::vector<const Tuple*>& anchors, Values values) {
  return EmitImpl(stream, &task, anchors, std::move(values));
}

Status BoltTask::EmitImpl(std::string_view stream, const int* direct,
                          const std::vector<const Tuple*>& anchors, Values values) {
  const OutStream* os = nullptr;
  SMARTCAR_RETURN_IF_ERROR(Route(stream, direct, values, &os, &dests_));
  // Each anchor gets its own edge id e_i for this child (XORed into the anchor's out_xor, so
  // the anchor's ack adds it to each of its roots); the child's edge for a root is the XOR of the
  // e_i of the anchors carrying that root, so every e_i enters each root twice. (Storm shares one
  // edge id among anchors, which loses track of the child when two anchors share a root.)
  const size_t n = dests_.size();
  for (size_t i = 0; i < n; ++i) {
    Tuple t(os->schema, task_id_, i + 1 == n ? std::move(values) : values);
    base_.clear();
    for (const Tuple* a : anchors) {
      if (a->anchors().empty()) continue;
      const uint64_t e = NewEdge();
      a->add_out_xor(e);
      for (const Anchor& an : a->anchors()) {
        auto it = std::find_if(base_.begin(), base_.end(),
                               [&](const Anchor& b) { return b.root == an.root; });
        if (it == base_.end()) {
          base_.push_back(Anchor{an.root, e, an.acker});
        } else {
          it->edge ^= e;
        }
      }
    }
    if (!base_.empty()) t.set_anchors(base_);
    SMARTCAR_RETURN_IF_ERROR(Deliver(dests_[i], std::move(t)));
  }
  return Status::OK();
}

void BoltTask::Ack(const Tuple& input) {
  if (input.settled()) return;
  input.set_settled();
  for (const Anchor& a : input.anchors()) {
    auto it =
        std::find_if(acks_.begin(), acks_.end(), [&](const auto& p) { return p.first == a.acker; });
    if (it == acks_.end()) {
      acks_.emplace_back(a.acker, std::vector<Acker::AckUpdate>());
      it = acks_.end() - 1;
    }
    it->second.push_back(Acker::AckUpdate{a.root, a.edge ^ input.out_xor()});
  }
  metrics_.acked.fetch_add(1, std::memory_order_relaxed);
}

void BoltTask::FlushAcks() {
  for (auto& [acker, updates] : acks_) {
    if (updates.empty()) continue;
    acker->UpdateMany(updates.data(), updates.size());
    updates.clear();
  }
}

void BoltTask::Fail(const Tuple& input) {
  if (input.settled()) return;
  input.set_settled();
  for (const Anchor& a : input.anchors()) a.acker->Fail(a.root);
  metrics_.failed.fetch_add(1, std::memory_order_relaxed);
}

void BoltTask::Loop() {
  start_status_ = bolt_->Prepare(context_, *this);
  started_.store(true, std::memory_order_release);
  if (!start_status_.ok()) RecordError(start_status_);
  const TopologyConfig& cfg = topo_->config();
  const auto tick = cfg.tick_interval;
  auto next_tick = SteadyClock::now() + tick;
  std::vector<Tuple> batch;
  batch.reserve(std::min<size_t>(cfg.max_batch, 4096));
  // One Execute in kTimeEvery is timed for the latency quantiles (the first one too), as Storm
  // samples its execute latency: a clock read per tuple was ~1 % of a pilot day's run.
  constexpr uint64_t kTimeEvery = 16;
  uint64_t seq = 0;
  while (true) {
    batch.clear();
    const bool ticking = tick.count() > 0 && bolt_->WantsTick();
    const auto deadline = ticking ? next_tick : SteadyClock::now() + std::chrono::seconds(1);
    const bool open = queue_.PopAll(&batch, cfg.max_batch, deadline);
    if (!batch.empty()) {
      const auto batch_start = SteadyClock::now();
      uint64_t executed = 0;
      for (Tuple& t : batch) {
        if (!topo_->stopping() && start_status_.ok()) {
          const bool timed = seq++ % kTimeEvery == 0;
          const auto t0 = timed ? SteadyClock::now() : batch_start;
          Status s = bolt_->Execute(t);
          if (!s.ok()) {
            if (!topo_->stopping()) RecordError(s);
            Fail(t);
          }
          if (timed) {
            metrics_.latency.Record(static_cast<uint64_t>((SteadyClock::now() - t0).count()));
          }
          ++executed;
        }
      }
      metrics_.executed.fetch_add(executed, std::memory_order_relaxed);
      if (!topo_->stopping() && start_status_.ok()) {
        Status s = bolt_->BatchEnd();
        if (!s.ok() && !topo_->stopping()) RecordError(s);
      }
      const auto batch_end = SteadyClock::now();
      // The batch's outputs go to their queues before its inputs stop counting in flight.
      if (Status s = FlushOut(); !s.ok() && !topo_->stopping()) RecordError(s);
      topo_->in_flight().fetch_sub(static_cast<int64_t>(batch.size()), std::memory_order_acq_rel);
      FlushAcks();
      metrics_.busy_nanos.fetch_add(static_cast<uint64_t>((batch_end - batch_start).count()),
                                    std::memory_order_relaxed);
    }
    if (!open) break;
    const bool tick_due = tick.count() > 0 && SteadyClock::now() >= next_tick;
    if (tick_due && !bolt_->WantsTick()) {
      next_tick = SteadyClock::now() + tick;  // Skipped: nothing to do.
    } else if (tick_due && !topo_->stopping() && start_status_.ok()) {
      const auto t0 = SteadyClock::now();
      topo_->in_flight().fetch_add(1, std::memory_order_acq_rel);  // until its outputs are queued
      Status s = bolt_->Tick();
      if (!s.ok()) RecordError(s);
      if (Status f = FlushOut(); !f.ok() && !topo_->stopping()) RecordError(f);
      topo_->in_flight().fetch_sub(1, std::memory_order_acq_rel);
      FlushAcks();
      next_tick = SteadyClock::now() + tick;
      metrics_.busy_nanos.fetch_add(static_cast<uint64_t>((next_tick - tick - t0).count()),
                                    std::memory_order_relaxed);
    }
  }
  bolt_->Close();
  (void)FlushOut();  // What Close emitted, if the queues still take it.
  FlushAcks();
}

}  // namespace smartcar::topology
