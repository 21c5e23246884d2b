// Fixture shared by the queue tests: opens either engine (Kafka on librdkafka's mock cluster),
// reopens it, and small helpers to produce and drain.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "queue/kafka/mock_cluster.h"
#include "queue/log.h"
#include "test_util.h"

namespace smartcar::queue::testing {

class LogTestBase {
 public:
  explicit LogTestBase(Engine engine) : engine_(engine) {}

  void StartEngine() {
    options_.engine = engine_;
    if (engine_ == Engine::kKafka) {
      auto mock = kafka::KafkaMockCluster::Start(3);
      ASSERT_TRUE(mock.has_value()) << mock.error().ToString();
      mock_ = std::move(*mock);
      options_.brokers = mock_->bootstrap_servers();
      options_.connect_timeout_ms = 5000;
      options_.request_timeout_ms = 10000;
      // Group protocol on the mock: sessions that survive a loaded machine, frequent heartbeats
      // (quick rejoins), quick fetches.
      options_.kafka_properties = {{"session.timeout.ms", "6000"},
                                   {"heartbeat.interval.ms", "200"},
                                   {"fetch.wait.max.ms", "50"},
                                   {"linger.ms", "1"}};
    } else {
      options_.data_dir = dir_.file("log");
      options_.retention_check_interval_ms = 0;
    }
    Reopen();
  }

  // Closes and reopens the log (embedded: the RocksDB database; kafka: a new client).
  void Reopen() {
    log_.reset();
    auto log = OpenLog(options_);
    ASSERT_TRUE(log.has_value()) << log.error().ToString();
    log_ = std::move(*log);
  }

  void CreateTopic(const std::string& name, int32_t partitions, TopicConfig config = {}) {
    config.partitions = partitions;
    Status s = log_->CreateTopic({name, config});
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::vector<RecordPosition> Append(const std::string& topic, const std::vector<Record>& records) {
    auto producer = log_->NewProducer({});
    EXPECT_TRUE(producer.has_value());
    if (!producer) return {};
    auto r = (*producer)->Append({topic}, records);
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return r ? *r : std::vector<RecordPosition>{};
  }

  std::unique_ptr<Consumer> NewConsumer(const std::string& group,
                                        RebalanceListener* listener = nullptr,
                                        OffsetReset reset = OffsetReset::kEarliest) {
    ConsumerOptions o;
    o.group = group;
    o.reset = reset;
    o.listener = listener;
    auto c = log_->NewConsumer(o);
    EXPECT_TRUE(c.has_value()) << c.error().ToString();
    return c ? std::move(*c) : nullptr;
  }

  // Polls until `want` records arrived or 30 s passed.
  static std::vector<ConsumedRecord> Drain(Consumer* c, size_t want, size_t max_per_poll = 500) {
    std::vector<ConsumedRecord> out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (out.size() < want && std::chrono::steady_clock::now() < deadline) {
      auto r = c->Poll({max_per_poll, 200});
      EXPECT_TRUE(r.has_value()) << r.error().ToString();
      if (!r) break;
      for (auto& rec : *r) out.push_back(std::move(rec));
    }
    return out;
  }

  static Record Rec(std::string key, std::string value, int64_t ts = 0) {
    Record r;
    r.key = std::move(key);
    r.value = std::move(value);
    r.timestamp_ms = ts;
    return r;
  }

 protected:
  const Engine engine_;
  smartcar::testing::TempDir dir_;
  std::unique_ptr<kafka::KafkaMockCluster> mock_;
  QueueOptions options_;
  std::unique_ptr<Log> log_;
};

// Records every callback.
class RecordingListener final : public RebalanceListener {
 public:
  void OnPartitionsRevoked(const std::vector<TopicPartition>& p) override {
    revoked.insert(revoked.end(), p.begin(), p.end());
    if (on_revoke) on_revoke(p);
  }
  void OnPartitionsAssigned(const std::vector<TopicPartition>& p) override {
    assigned.insert(assigned.end(), p.begin(), p.end());
  }
  std::vector<TopicPartition> revoked, assigned;
  std::function<void(const std::vector<TopicPartition>&)> on_revoke;
};

}  // namespace smartcar::queue::testing
