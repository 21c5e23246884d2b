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

// The Kafka engine: one librdkafka producer handle serves producers, metadata and admin requests.
class KafkaLog final : public Log {
 public:
  explicit KafkaLog(QueueOptions options) : options_(std::move(options)) {}

  // Checks the options and connects: bounded metadata attempts, then an error naming the brokers.
  Status Open();

  Status CreateTopic(const CreateTopicOptions& o) override;
  Status DeleteTopic(std::string_view name) override;
  Result<std::vector<std::string>> ListTopics() override;
  Result<TopicDescription> DescribeTopic(std::string_view name) override;
  Result<std::unique_ptr<Producer>> NewProducer(const ProducerOptions&) override;
  Result<std::unique_ptr<Consumer>> NewConsumer(const ConsumerOptions& options) override;
  Result<GroupDescription> DescribeGroup(std::string_view group) override;

  // Not stored by this engine (AppendOptions::state_key needs Kafka transactions).
  Result<std::optional<std::string>> ReadProducerState(std::string_view, std::string_view) override;
  Result<RetentionResult> EnforceRetention(const RetentionOptions&) override;

  // Producer side.
  RdKafka::Producer* producer() { return producer_.get(); }
  const QueueOptions& options() const { return options_; }
  // The partition count of `topic`, refreshing metadata once on a miss. NotFound when unknown.
  Result<int32_t> Partitions(const std::string& topic);

 private:
  Status AdminCreate(const CreateTopicOptions& o);
  // Waits for one admin result on `q` and turns its first topic error into a Status.
  Status AwaitAdmin(rd_kafka_queue_t* q, const std::string& what);
  // Refreshes the metadata cache until `done` holds (topic changes propagate asynchronously).
  template <class Pred>
  Status RefreshUntil(Pred done, const std::string& topic);

  const QueueOptions options_;
  EventCollector events_;
  DeliveryReports reports_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::mutex mu_;
  std::map<std::string, int32_t> partitions_;  // GUARDED_BY(mu_)
};

}  // namespace smartcar::queue::kafka
