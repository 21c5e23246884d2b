// An in-process Kafka cluster for tests and demos: librdkafka's mock cluster
// (rd_kafka_mock_cluster_new), listening on 127.0.0.1 with random ports. It speaks the Kafka
// protocol (produce, fetch, metadata, consumer groups, offset commits, transactions) and can inject
// broker failures. The mock does not implement CreateTopics; KafkaLog::CreateTopic creates topics
// on a mock cluster of this process directly (found by its bootstrap servers).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace smartcar::queue::kafka {

class KafkaMockCluster {
 public:
  // Starts `brokers` mock brokers (ids 1..brokers). Thread-safe; lives until destroyed.
  static Result<std::unique_ptr<KafkaMockCluster>> Start(int brokers);
  ~KafkaMockCluster();
  KafkaMockCluster(const KafkaMockCluster&) = delete;
  KafkaMockCluster& operator=(const KafkaMockCluster&) = delete;

  // "127.0.0.1:port,127.0.0.1:port,...", for QueueOptions::brokers.
  const std::string& bootstrap_servers() const { return bootstraps_; }

  Status CreateTopic(std::string_view name, int32_t partitions, int replication_factor);
  // Makes broker `id` close its connections and refuse new ones (leaders stay where they are).
  Status SetBrokerDown(int32_t broker_id);
  Status SetBrokerUp(int32_t broker_id);
  // The next `count` Produce requests fail with NOT_ENOUGH_REPLICAS (a retriable error).
  void FailNextProduceRequests(int count);
  // Moves the leader of `topic`/`partition` to broker `broker_id`.
  Status SetPartitionLeader(std::string_view topic, int32_t partition, int32_t broker_id);

  // Makes broker `broker_id` the transaction coordinator of `transactional_id`.
  Status SetTransactionCoordinator(std::string_view transactional_id, int32_t broker_id);

  // The cluster started in this process with these bootstrap servers, or null.
  static KafkaMockCluster* Find(std::string_view bootstraps);

 private:
  struct Impl;
  explicit KafkaMockCluster(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string bootstraps_;
};

}  // namespace smartcar::queue::kafka
