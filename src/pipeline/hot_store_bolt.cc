// HotStoreBolt: writes detections to the hot store (set <date> ← car, and <date>:<car> → JSON),
// batched by size, per micro-batch and on each tick. Detections are untracked (log_spout.cc) and
// acked at once; a mark is acked only after the store acknowledged the write of the detections
// before it. Both writes are idempotent, so replays never double-count.
//
// A failed write (Redis down) is a pause, not a loss: the batch is kept and retried with backoff
// (50 ms doubling to 5 s) while the engine is reported degraded (EngineHealth: status line,
// /healthz, /stats.json); the marks behind it stay unacked, so nothing after them is
// committed, and only an outage longer than the message timeout restarts the spout
// from the committed offsets.
#include <algorithm>
#include <chrono>
#include <vector>

#include "hot/detection.h"
#include "hot/hot_store.h"
#include "pipeline/components.h"

namespace smartcar::pipeline {
namespace {

class HotStoreBolt final : public topology::Bolt {
 public:
  explicit HotStoreBolt(const PipelineOptions& o) : o_(o) {}

  Status Prepare(const topology::TopologyContext&, topology::OutputCollector& collector) override {
    out_ = &collector;
    return Status::OK();
  }

  Status Execute(const topology::Tuple& input) override {
    if (input.source_stream() == kMarkStream) {
      marks_.push_back(input.AckHandle());  // Settled with the detections before it.
      (void)Flush();
      return Status::OK();
    }
    const hot::Detection* d = input.GetAs<hot::Detection>(field::kDetection);
    out_->Ack(input);  // Untracked: the marks behind it stand for it.
    if (d == nullptr) return Status::InvalidArgument("tuple without a 'detection' field");
    hot::AddDetection(*d, &batch_);
    ++batched_;
    // A failed write keeps the batch for a retry; it is reported by BatchEnd.
    if (batched_ >= o_.hot_batch) (void)Flush();
    return Status::OK();
  }

  // Detections are few: each micro-batch's are written as soon as it is executed (latency),
  // in one write however many there are (throughput).
  Status BatchEnd() override { return Flush(); }
  Status Tick() override { return Flush(); }
  bool WantsTick() const override { return batched_ > 0 || !marks_.empty(); }
  void Close() override { (void)Flush(); }

 private:
  Status Flush() {
    if (batched_ == 0) {  // Marks only: nothing to write, nothing failed before them.
      for (const auto& mark : marks_) out_->Ack(mark);
      marks_.clear();
      return Status::OK();
    }
    const auto now = std::chrono::steady_clock::now();
    if (now < next_retry_) return Status::OK();  // Backing off after a failed write.
    Status s = o_.hot->Write(batch_);
    const std::string engine = "hot store " + o_.hot->Describe();
    if (!s.ok()) {
      if (o_.health != nullptr) o_.health->Failed(engine, s);
      backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(5000));
      next_retry_ = now + backoff_;
      return s;  // Kept; retried on the next batch end or tick.
    }
    if (o_.health != nullptr) o_.health->Recovered(engine);
    backoff_ = std::chrono::milliseconds(25);
    next_retry_ = {};
    for (const auto& mark : marks_) out_->Ack(mark);
    if (o_.counters) o_.counters->detections += batched_;
    batch_.Clear();
    batched_ = 0;
    marks_.clear();
    return s;
  }

  PipelineOptions o_;
  topology::OutputCollector* out_ = nullptr;
  hot::HotWriteBatch batch_;
  size_t batched_ = 0;                  // Detections in batch_.
  std::vector<topology::Tuple> marks_;  // Behind the detections of batch_.
  std::chrono::milliseconds backoff_{25};
  std::chrono::steady_clock::time_point next_retry_{};
};

}  // namespace

std::unique_ptr<topology::Bolt> MakeHotStoreBolt(const PipelineOptions& options) {
  return std::make_unique<HotStoreBolt>(options);
}

}  // namespace smartcar::pipeline
