// The Kafka engine's producer side: KafkaProducer::Append (produce, then wait for every delivery
// report), the delivery reports, and the topic partition counts it checks records against.
#include <atomic>
#include <mutex>
#include <span>
#include <vector>

#include "queue/kafka/kafka_log_impl.h"

namespace smartcar::queue::kafka {
namespace {

// Per-Append delivery bookkeeping; the opaque of each produced message points at one Slot.
struct Delivery {
  std::atomic<size_t> pending{0};
  std::mutex mu;
  Status status;
  std::vector<RecordPosition> positions;
};
struct Slot {
  Delivery* delivery;
  size_t index;
};

class KafkaProducer final : public Producer {
 public:
  explicit KafkaProducer(KafkaLog* log) : log_(log) {}
  Result<std::vector<RecordPosition>> Append(const AppendOptions& options,
                                             std::span<const Record> records) override;

 private:
  KafkaLog* log_;
};

Result<std::vector<RecordPosition>> KafkaProducer::Append(const AppendOptions& options,
                                                          std::span<const Record> records) {
  if (records.empty()) return std::vector<RecordPosition>();
  auto n = log_->Partitions(options.topic);
  if (!n) return Err(n.error());
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& p = records[i].partition;
    if (p.has_value() && (p->value < 0 || p->value >= *n)) {
      return Err(Status::InvalidArgument("record " + std::to_string(i + 1) + ": partition " +
                                         std::to_string(p->value) + " is out of range for topic '" +
                                         options.topic + "' (" + std::to_string(*n) +
                                         " partitions)"));
    }
  }
  Delivery d;
  d.positions.resize(records.size());
  std::vector<Slot> slots(records.size());
  RdKafka::Producer* producer = log_->producer();
  Status produce_error;
  for (size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    slots[i] = {&d, i};
    RdKafka::Headers* headers = nullptr;
    if (!r.headers.empty()) {
      headers = RdKafka::Headers::create();
      for (const Header& h : r.headers) {
        (void)headers->add(h.key, h.value.data(), h.value.size());
      }
    }
    const int32_t partition = r.partition ? r.partition->value : RdKafka::Topic::PARTITION_UA;
    d.pending.fetch_add(1);
    for (;;) {
      RdKafka::ErrorCode err = producer->produce(
          options.topic, partition, RdKafka::Producer::RK_MSG_COPY,
          const_cast<char*>(r.value.data()), r.value.size(), r.key.empty() ? nullptr : r.key.data(),
          r.key.size(), r.timestamp_ms, headers, &slots[i]);
      if (err == RdKafka::ERR__QUEUE_FULL) {
        producer->poll(10);
        continue;
      }
      if (err != RdKafka::ERR_NO_ERROR) {
        delete headers;  // Not taken over on failure.
        d.pending.fetch_sub(1);
        produce_error = FromKafka(
            err, "producing record " + std::to_string(i + 1) + " to '" + options.topic + "'");
      }
      break;
    }
    if (!produce_error.ok()) break;
  }
  // Every produced record gets exactly one delivery report (at the latest after
  // message.timeout.ms); wait for all of them: only then is the batch acknowledged.
  while (d.pending.load() > 0) producer->poll(5);
  if (!produce_error.ok()) return Err(std::move(produce_error));
  std::lock_guard<std::mutex> l(d.mu);
  if (!d.status.ok()) return Err(std::move(d.status));
  return std::move(d.positions);
}

}  // namespace

void DeliveryReports::dr_cb(RdKafka::Message& m) {
  auto* slot = static_cast<Slot*>(m.msg_opaque());
  if (slot == nullptr) return;
  Delivery* d = slot->delivery;
  {
    std::lock_guard<std::mutex> l(d->mu);
    if (m.err() != RdKafka::ERR_NO_ERROR) {
      if (d->status.ok()) {
        d->status = FromKafka(m.err(), "record " + std::to_string(slot->index + 1) + " to " +
                                           m.topic_name() + " was not acknowledged");
      }
    } else {
      d->positions[slot->index] = {PartitionId(m.partition()), Offset(m.offset())};
    }
  }
  d->pending.fetch_sub(1);
}

Result<std::unique_ptr<Producer>> KafkaLog::NewProducer(const ProducerOptions&) {
  return std::unique_ptr<Producer>(std::make_unique<KafkaProducer>(this));
}

Result<int32_t> KafkaLog::Partitions(const std::string& topic) {
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = partitions_.find(topic);
    if (it != partitions_.end()) return it->second;
  }
  auto topics = FetchTopics(producer_.get(), options_.request_timeout_ms);
  if (!topics) return Err(topics.error());
  std::lock_guard<std::mutex> l(mu_);
  partitions_ = std::move(*topics);
  auto it = partitions_.find(topic);
  if (it == partitions_.end()) {
    return Err(Status::NotFound("topic '" + topic + "' does not exist"));
  }
  return it->second;
}

}  // namespace smartcar::queue::kafka
