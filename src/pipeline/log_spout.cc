// LogSpout: reads the driving topic as a member of the consumer group and emits one tuple per
// record with message id (partition, offset). Offsets are committed only up to the first record
// not yet fully acked (OffsetTracker), so a crash replays from there. Failed records are
// re-emitted from memory.
#include <chrono>
#include <deque>
#include <thread>
#include <unordered_map>

#include "pipeline/components.h"
#include "queue/log.h"
#include "topology/offset_tracker.h"

namespace smartcar::pipeline {
namespace {

using topology::MessageId;

constexpr int kOffsetBits = 48;
MessageId EncodeId(int32_t partition, int64_t offset) {
  return (static_cast<uint64_t>(partition) << kOffsetBits) | static_cast<uint64_t>(offset);
}

class LogSpout final : public topology::Spout, public queue::RebalanceListener {
 public:
  explicit LogSpout(const PipelineOptions& o) : o_(o) {}

  void DeclareOutputFields(topology::OutputFieldsDeclarer& d) const override {
    d.Declare(topology::Fields{"line", "partition", "offset"});
    d.DeclareStream(kEndOfInputStream, topology::Fields{"from"});
  }

  Status Open(const topology::TopologyContext&,
              topology::SpoutOutputCollector& collector) override {
    collector_ = &collector;
    queue::ConsumerOptions co;
    co.group = o_.group;
    co.reset = queue::OffsetReset::kEarliest;
    co.listener = this;
    auto consumer = o_.log->NewConsumer(co);
    if (!consumer) return consumer.error();
    consumer_ = std::move(*consumer);
    queue::SubscribeOptions so;
    so.topics = {o_.topic};
    return consumer_->Subscribe(so);
  }

  Status NextTuple() override {
    if (!replay_.empty()) {
      const MessageId id = replay_.front();
      replay_.pop_front();
      auto it = records_.find(id);
      if (it != records_.end()) return EmitRecord(id, it->second);
      return Status::OK();
    }
    MaybeCommit(false);
    if (eos_sent_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return Status::OK();
    }
    queue::PollOptions po;
    po.max_records = 500;
    po.timeout_ms = 20;
    auto recs = consumer_->Poll(po);
    if (!recs) return recs.error();
    for (auto& r : *recs) {
      const MessageId id = EncodeId(r.partition.value, r.offset.value);
      if (!tracker_.Committable(r.partition.value))
        tracker_.Reset(r.partition.value, r.offset.value);
      Held& h = records_[id];
      h.partition = r.partition.value;
      h.offset = r.offset.value;
      h.line = std::move(r.value);
      if (o_.counters) o_.counters->consumed++;
      SMARTCAR_RETURN_IF_ERROR(EmitRecord(id, h));
    }
    if (recs->empty() && o_.input_complete != nullptr && o_.input_complete->load() && AtEnd()) {
      SMARTCAR_RETURN_IF_ERROR(collector_->Emit(
          kEndOfInputStream, {topology::Value{std::string("spout")}}, std::nullopt));
      eos_sent_ = true;
    }
    return Status::OK();
  }

  void Ack(MessageId id) override {
    auto it = records_.find(id);
    if (it == records_.end()) return;
    tracker_.Acked(it->second.partition, it->second.offset);
    records_.erase(it);
  }

  void Fail(MessageId id) override {
    if (records_.count(id)) replay_.push_back(id);
  }

  bool Finished() const override { return eos_sent_ && records_.empty() && final_committed_; }

  void Close() override {
    MaybeCommit(true);
    if (consumer_) (void)consumer_->Close();
  }

  void OnPartitionsRevoked(const std::vector<queue::TopicPartition>& partitions) override {
    MaybeCommit(true);
    for (const auto& tp : partitions) {
      for (auto it = records_.begin(); it != records_.end();) {
        it = it->second.partition == tp.partition.value ? records_.erase(it) : std::next(it);
      }
    }
    // Tracking restarts from the committed offset when the partition comes back.
    tracker_ = topology::OffsetTracker();
  }
  void OnPartitionsAssigned(const std::vector<queue::TopicPartition>&) override {}

 private:
  struct Held {
    int32_t partition = 0;
    int64_t offset = 0;
    std::string line;
  };

  Status EmitRecord(MessageId id, const Held& h) {
    tracker_.Emitted(h.partition, h.offset);
    return collector_->Emit(
        topology::kDefaultStream,
        {topology::Value{h.line}, topology::Value{int64_t{h.partition}}, topology::Value{h.offset}},
        id);
  }

  // True when every assigned partition has been read to its end.
  bool AtEnd() {
    auto desc = o_.log->DescribeTopic(o_.topic);
    if (!desc) return false;
    for (const auto& p : desc->partitions) {
      auto pos = consumer_->Position(queue::TopicPartition{o_.topic, p.partition});
      if (!pos) {
        if (p.latest.value > p.earliest.value) return false;  // Not assigned yet but has data.
        continue;
      }
      if (pos->value < p.latest.value) return false;
    }
    return true;
  }

  void MaybeCommit(bool force) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_commit_ < std::chrono::milliseconds(200)) return;
    last_commit_ = now;
    queue::CommitOptions co;
    for (const auto& tp :
         consumer_ ? consumer_->Assignment() : std::vector<queue::TopicPartition>{}) {
      auto c = tracker_.Committable(tp.partition.value);
      if (!c) continue;
      auto& last = committed_[tp.partition.value];
      if (last == *c && last != 0) continue;
      co.offsets.push_back(queue::TopicPartitionOffset{tp, queue::Offset(*c)});
    }
    if (!co.offsets.empty()) {
      Status s = consumer_->Commit(co);
      if (s.ok()) {
        for (const auto& tpo : co.offsets) committed_[tpo.tp.partition.value] = tpo.offset.value;
      }
    }
    if (eos_sent_ && records_.empty()) final_committed_ = true;
  }

  PipelineOptions o_;
  topology::SpoutOutputCollector* collector_ = nullptr;
  std::unique_ptr<queue::Consumer> consumer_;
  topology::OffsetTracker tracker_;
  std::unordered_map<MessageId, Held> records_;
  std::deque<MessageId> replay_;
  std::unordered_map<int32_t, int64_t> committed_;
  std::chrono::steady_clock::time_point last_commit_{};
  bool eos_sent_ = false;
  bool final_committed_ = false;
};

}  // namespace

std::unique_ptr<topology::Spout> MakeLogSpout(const PipelineOptions& options) {
  return std::make_unique<LogSpout>(options);
}

}  // namespace smartcar::pipeline
