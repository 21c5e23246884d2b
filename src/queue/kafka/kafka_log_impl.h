// The Kafka engine's classes; internal to src/queue/kafka/ (librdkafka stays in this folder).
// KafkaLog's methods live in kafka_log.cc (open), kafka_admin.cc (topics, group lag) and
// kafka_producer.cc (producer side); its consumers in kafka_consumer.cc.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "queue/kafka/kafka_config.h"
#include "queue/log.h"

namespace smartcar::queue::kafka {

// Topic name -> partition count, from a fresh all-topics metadata request (never auto-creates).
Result<std::map<std::string, int32_t>> FetchTopics(RdKafka::Handle* handle, int64_t timeout_ms);

Result<std::unique_ptr<Consumer>> NewKafkaConsumer(const QueueOptions& queue,
                                                   const ConsumerOptions& options);

// Records the outcome of each produced message in the Append that sent it (the message's
// opaque points at one of that Append's slots; kafka_producer.cc).
class DeliveryReports final : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& m) override;
};

// The topic holding producer state (AppendOptions::state_key) on Kafka: one compacted partition,
// record key "TOPIC/STATE_KEY", value the state. Written in the same transaction as the records
// (Kafka Connect's exactly-once source offsets); "__" hides it from `topic list`.
inline constexpr char kProducerStateTopic[] = "__smartcar_producer_state";
// Creating it is attempted for this long: a cluster without a controller to answer (the mock
// of another process) then creates it on the first transaction's produce instead.
inline constexpr int64_t kStateTopicCreateTimeoutMs = 3000;
// Not a librdkafka property (taken out before librdkafka sees the others): "disabled" turns the
// transactions off for a cluster that does not allow them (ACLs, Kafka-compatible brokers
// without transactions); the collector is then at-least-once into Kafka. Kafka Connect's name.
inline constexpr char kExactlyOnceProperty[] = "exactly.once.source.support";
inline std::string StateRecordKey(std::string_view topic, std::string_view key) {
  return std::string(topic) + "/" + std::string(key);
}

// A transactional producer for one (topic, state key): transactional.id "smartcar-TOPIC-KEY", so
// a restarted process fences the crashed one and aborts its open transaction.
struct TransactionalProducer {
  std::mutex mu;  // One transaction at a time; guards the fields below.
  std::unique_ptr<RdKafka::Producer> producer;  // Null until first use and after a fatal error.
  // Set when the last commit's outcome is unknown (it timed out): the state it carried. The
  // next Append first looks whether that state was stored.
  std::optional<std::string> unknown_commit;
};

// The Kafka engine: one librdkafka producer handle serves producers, metadata and admin requests;
// appends that carry producer state use a transactional producer per state key.
class KafkaLog final : public Log {
 public:
  // `exactly_once`: appends with producer state are transactions (kExactlyOnceProperty).
  KafkaLog(QueueOptions options, bool exactly_once)
      : options_(std::move(options)), exactly_once_(exactly_once) {}

  // Checks the options and connects: bounded metadata attempts, then an error naming the brokers.
  Status Open();

  Status CreateTopic(const CreateTopicOptions& o) override;
  Status DeleteTopic(std::string_view name) override;
  Result<std::vector<std::string>> ListTopics() override;
  Result<TopicDescription> DescribeTopic(std::string_view name) override;
  Result<std::unique_ptr<Producer>> NewProducer(const ProducerOptions&) override;
  Result<std::unique_ptr<Consumer>> NewConsumer(const ConsumerOptions& options) override;
  Result<GroupDescription> DescribeGroup(std::string_view group) override;

  // Fences the previous producer of this state key first (its open transaction is aborted), then
  // reads kProducerStateTopic with read_committed to its end.
  Result<std::optional<std::string>> ReadProducerState(std::string_view topic,
                                                       std::string_view key) override;
  Result<RetentionResult> EnforceRetention(const RetentionOptions&) override;

  // Producer side.
  RdKafka::Producer* producer() { return producer_.get(); }
  const QueueOptions& options() const { return options_; }
  bool exactly_once() const { return exactly_once_; }
  // The partition count of `topic`, refreshing metadata once on a miss. NotFound when unknown.
  Result<int32_t> Partitions(const std::string& topic);
  // The transactional producer slot of (topic, key); lives as long as the log.
  TransactionalProducer* Transactional(const std::string& topic, const std::string& key);
  // REQUIRES: t->mu held. Creates and initialises (init_transactions) t->producer when it is
  // null (first use, or reset after a fatal error); creates kProducerStateTopic when missing.
  Status StartTransactional(TransactionalProducer* t, const std::string& topic,
                            const std::string& key);
  // The last committed state of (topic, key) in kProducerStateTopic, read with read_committed up
  // to the partition's end (without fencing; ReadProducerState fences first).
  Result<std::optional<std::string>> ReadStateTopic(std::string_view topic, std::string_view key);

 private:
  // `compact`: cleanup.policy=compact (kProducerStateTopic).
  // timeout_ms <= 0: request_timeout_ms.
  Status AdminCreate(const CreateTopicOptions& o, bool compact = false, int64_t timeout_ms = 0);
  // Creates kProducerStateTopic (1 partition, compacted) when missing. On a cluster that refuses
  // CreateTopics (the mock of another process) the first transaction auto-creates it.
  Status EnsureStateTopic();
  // A producer with our defaults and the user's properties; transactional when the id is set.
  Result<std::unique_ptr<RdKafka::Producer>> NewRdProducer(const std::string& transactional_id);
  // Waits for one admin result on `q` and turns its first topic error into a Status.
  Status AwaitAdmin(rd_kafka_queue_t* q, const std::string& what, int64_t timeout_ms);
  // Refreshes the metadata cache until `done` holds (topic changes propagate asynchronously).
  template <class Pred>
  Status RefreshUntil(Pred done, const std::string& topic);

  const QueueOptions options_;
  const bool exactly_once_;
  EventCollector events_;
  DeliveryReports reports_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::mutex mu_;
  std::map<std::string, int32_t> partitions_;  // GUARDED_BY(mu_)
  std::mutex txn_mu_;
  // "TOPIC/KEY" -> its producer slot; never erased while the log lives.
  std::map<std::string, std::unique_ptr<TransactionalProducer>> txn_;  // GUARDED_BY(txn_mu_)
};

}  // namespace smartcar::queue::kafka
