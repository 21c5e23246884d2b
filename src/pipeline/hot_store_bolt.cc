// HotStoreBolt: writes detections to the hot store (set <date> ← car, and <date>:<car> → JSON),
// batched by size, per micro-batch and on each tick; inputs are acked only after the store
// acknowledged the write. Both writes are idempotent, so replays never double-count.
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
    const std::string* json = input.GetAs<std::string>("detection");
    if (json == nullptr) {
      out_->Ack(input);
      return Status::InvalidArgument("tuple without a 'detection' field");
    }
    auto d = hot::DetectionFromJson(*json);
    if (!d) {
      out_->Ack(input);
      return d.error();
    }
    hot::AddDetection(*d, &batch_);
    inputs_.push_back(input);
    if (inputs_.size() >= o_.hot_batch) return Flush();
    return Status::OK();
  }

  // Detections are few: each micro-batch's are written as soon as it is executed (latency),
  // in one write however many there are (throughput).
  Status BatchEnd() override { return Flush(); }
  Status Tick() override { return Flush(); }
  void Close() override { (void)Flush(); }

 private:
  Status Flush() {
    if (inputs_.empty()) return Status::OK();
    Status s = o_.hot->Write(batch_);
    for (const auto& t : inputs_) {
      if (s.ok()) {
        out_->Ack(t);
      } else {
        out_->Fail(t);
      }
    }
    if (s.ok() && o_.counters) o_.counters->detections += inputs_.size();
    batch_.Clear();
    inputs_.clear();
    return s;
  }

  PipelineOptions o_;
  topology::OutputCollector* out_ = nullptr;
  hot::HotWriteBatch batch_;
  std::vector<topology::Tuple> inputs_;
};

}  // namespace

std::unique_ptr<topology::Bolt> MakeHotStoreBolt(const PipelineOptions& options) {
  return std::make_unique<HotStoreBolt>(options);
}

}  // namespace smartcar::pipeline
