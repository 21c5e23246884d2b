// The Kafka engine's producer side: KafkaProducer::Append (produce, then wait for every delivery
// report), the delivery reports, and the topic partition counts it checks records against.
#include <atomic>
#include <mutex>
#include <span>
#include <utility>
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

inline constexpr int kFlushWaitMs = 1000;  // Then polling continues until every report is in.

// One Append's records in flight. The delivery reports point at its slots, so it must not go
// away while any is pending: Await() before it does.
class InFlight {
 public:
  explicit InFlight(size_t n) : slots_(n) { d_.positions.resize(n); }

  // Enqueues `records` as slots first, first + 1, ...; stops at the first refused record.
  Status Produce(RdKafka::Producer* producer, const std::string& topic,
                 std::span<const Record> records, size_t first) {
    for (size_t i = 0; i < records.size(); ++i) {
      const Record& r = records[i];
      slots_[first + i] = {&d_, first + i};
      RdKafka::Headers* headers = nullptr;
      if (!r.headers.empty()) {
        headers = RdKafka::Headers::create();
        for (const Header& h : r.headers) {
          (void)headers->add(h.key, h.value.data(), h.value.size());
        }
      }
      const int32_t partition = r.partition ? r.partition->value : RdKafka::Topic::PARTITION_UA;
      d_.pending.fetch_add(1);
      for (;;) {
        RdKafka::ErrorCode err = producer->produce(
            topic, partition, RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(r.value.data()),
            r.value.size(), r.key.empty() ? nullptr : r.key.data(), r.key.size(), r.timestamp_ms,
            headers, &slots_[first + i]);
        if (err == RdKafka::ERR__QUEUE_FULL) {
          producer->poll(10);
          continue;
        }
        if (err != RdKafka::ERR_NO_ERROR) {
          delete headers;  // Not taken over on failure.
          d_.pending.fetch_sub(1);
          return FromKafka(err,
                           "producing record " + std::to_string(i + 1) + " to '" + topic + "'");
        }
        break;
      }
    }
    return Status::OK();
  }

  // Waits for every delivery report (each produced record gets exactly one, at the latest after
  // message.timeout.ms); the first failure, else OK. `flush`: send at once (only for a producer
  // no other Append shares: flush waits for all of its messages).
  Status Await(RdKafka::Producer* producer, bool flush = false) {
    if (flush && d_.pending.load() > 0) (void)producer->flush(kFlushWaitMs);
    while (d_.pending.load() > 0) producer->poll(5);
    std::lock_guard<std::mutex> l(d_.mu);
    return d_.status;
  }

  // REQUIRES: Await() returned OK. Where the first `n` records went.
  std::vector<RecordPosition> TakePositions(size_t n) {
    d_.positions.resize(n);
    return std::move(d_.positions);
  }

 private:
  Delivery d_;
  std::vector<Slot> slots_;
};

class KafkaProducer final : public Producer {
 public:
  explicit KafkaProducer(KafkaLog* log) : log_(log) {}
  Result<std::vector<RecordPosition>> Append(const AppendOptions& options,
                                             std::span<const Record> records) override;

 private:
  // Records and state in one Kafka transaction: both are visible to read_committed readers, or
  // neither.
  Result<std::vector<RecordPosition>> AppendWithState(const AppendOptions& options,
                                                      std::span<const Record> records);
  KafkaLog* log_;
};

Result<std::vector<RecordPosition>> KafkaProducer::Append(const AppendOptions& options,
                                                          std::span<const Record> records) {
  if (records.empty() && options.state_key.empty()) return std::vector<RecordPosition>();
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
  if (!options.state_key.empty() && log_->exactly_once()) return AppendWithState(options, records);
  InFlight batch(records.size());
  Status produced = batch.Produce(log_->producer(), options.topic, records, 0);
  Status delivered = batch.Await(log_->producer());
  SMARTCAR_RETURN_IF_ERROR(produced);
  SMARTCAR_RETURN_IF_ERROR(delivered);
  return batch.TakePositions(records.size());
}

Result<std::vector<RecordPosition>> KafkaProducer::AppendWithState(
    const AppendOptions& options, std::span<const Record> records) {
  TransactionalProducer* t = log_->Transactional(options.topic, options.state_key);
  std::lock_guard<std::mutex> l(t->mu);
  SMARTCAR_RETURN_IF_ERROR(log_->StartTransactional(t, options.topic, options.state_key));
  const int timeout = static_cast<int>(log_->options().request_timeout_ms);
  if (t->unknown_commit) {
    // The previous commit timed out: if it went through after all, this is the same batch again
    // (the caller retries what failed) and it is stored already.
    auto stored = log_->ReadStateTopic(options.topic, options.state_key);
    if (!stored) return Err(stored.error());
    const std::optional<std::string> unknown = std::exchange(t->unknown_commit, std::nullopt);
    if (*stored == unknown && unknown == options.state_value) {
      return std::vector<RecordPosition>(records.size(),
                                         RecordPosition{PartitionId(-1), Offset(-1)});
    }
  }
  RdKafka::Producer* p = t->producer.get();
  const std::string what = "topic '" + options.topic + "', transaction of " + options.state_key;
  // The state record is sent only once every record is acknowledged: even a broker that does
  // not hide aborted transactions (the mock cluster) then never shows a state ahead of its
  // records. This producer is ours alone (t->mu), so flush() waits for this batch only and,
  // unlike polling, does not wait out linger.ms.
  InFlight batch(records.size() + 1);
  Status s = FromKafkaError(p->begin_transaction(), what + ": begin");
  if (s.ok()) s = batch.Produce(p, options.topic, records, 0);
  if (s.ok()) s = batch.Await(p, /*flush=*/true);
  if (s.ok()) {
    Record state;
    state.key = StateRecordKey(options.topic, options.state_key);
    state.value = options.state_value;
    state.partition = PartitionId(0);
    s = batch.Produce(p, kProducerStateTopic, std::span<const Record>(&state, 1), records.size());
  }
  if (s.ok()) s = batch.Await(p, /*flush=*/true);
  if (s.ok()) {
    // A commit that times out is retried (librdkafka's contract); after that its outcome is
    // unknown until the stored state says.
    for (int attempt = 0;; ++attempt) {
      RdKafka::Error* e = p->commit_transaction(timeout);
      if (e == nullptr) return batch.TakePositions(records.size());
      const bool retriable = e->is_retriable();
      const bool abortable = e->txn_requires_abort();
      s = FromKafkaError(e, what + ": commit");
      if (!retriable || attempt >= 2) {
        if (!abortable) {
          t->unknown_commit = options.state_value;
          t->producer.reset();
          return Err(std::move(s));
        }
        break;
      }
    }
  }
  // Nothing of this batch becomes visible: abort (which purges what is still queued); a
  // producer that cannot abort is replaced (its successor's init_transactions aborts the
  // transaction on the coordinator).
  Status aborted = FromKafkaError(p->abort_transaction(timeout), what + ": abort");
  (void)batch.Await(p);
  if (!aborted.ok()) t->producer.reset();
  return Err(std::move(s));
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
