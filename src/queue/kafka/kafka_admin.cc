// The Kafka engine's metadata and admin side: topic metadata (FetchTopics), create/delete/list/
// describe topics through librdkafka's Admin API (or the mock cluster), consumer group lag.
#include <algorithm>
#include <chrono>
#include <thread>

#include "queue/kafka/kafka_log_impl.h"
#include "queue/kafka/mock_cluster.h"

namespace smartcar::queue::kafka {

Result<std::map<std::string, int32_t>> FetchTopics(RdKafka::Handle* handle, int64_t timeout_ms) {
  RdKafka::Metadata* md = nullptr;
  RdKafka::ErrorCode err =
      handle->metadata(true, nullptr, &md, static_cast<int>(std::max<int64_t>(1, timeout_ms)));
  SMARTCAR_RETURN_IF_ERROR(FromKafka(err, "fetching Kafka metadata"));
  std::unique_ptr<RdKafka::Metadata> owner(md);
  std::map<std::string, int32_t> topics;
  for (const RdKafka::TopicMetadata* t : *md->topics()) {
    if (t->err() != RdKafka::ERR_NO_ERROR) continue;
    topics[t->topic()] = static_cast<int32_t>(t->partitions()->size());
  }
  return topics;
}

// Declared in kafka_log_impl.h; defined here, before CreateTopic and DeleteTopic, its only users.
template <class Pred>
Status KafkaLog::RefreshUntil(Pred done, const std::string& topic) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.request_timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    auto topics = FetchTopics(producer_.get(), options_.request_timeout_ms);
    if (topics && done(*topics)) {
      std::lock_guard<std::mutex> l(mu_);
      partitions_ = std::move(*topics);
      return Status::OK();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status::IOError("topic '" + topic + "': change not visible in metadata after " +
                         std::to_string(options_.request_timeout_ms) + " ms");
}

Status KafkaLog::CreateTopic(const CreateTopicOptions& o) {
  SMARTCAR_RETURN_IF_ERROR(ValidateTopicName(o.name));
  if (o.config.partitions < 1) {
    return Status::InvalidArgument("topic '" + o.name + "': partitions must be >= 1, got " +
                                   std::to_string(o.config.partitions));
  }
  auto topics = FetchTopics(producer_.get(), options_.request_timeout_ms);
  if (!topics) return topics.error();
  if (topics->count(o.name) != 0) {
    return Status::InvalidArgument("topic '" + o.name + "' already exists");
  }
  if (KafkaMockCluster* mock = KafkaMockCluster::Find(options_.brokers)) {
    SMARTCAR_RETURN_IF_ERROR(
        mock->CreateTopic(o.name, o.config.partitions, o.config.replication_factor));
  } else {
    SMARTCAR_RETURN_IF_ERROR(AdminCreate(o));
  }
  return RefreshUntil([&](const auto& t) { return t.count(o.name) != 0; }, o.name);
}

Status KafkaLog::DeleteTopic(std::string_view name) {
  auto topics = FetchTopics(producer_.get(), options_.request_timeout_ms);
  if (!topics) return topics.error();
  const std::string n(name);
  if (topics->count(n) == 0) return Status::NotFound("topic '" + n + "' does not exist");
  if (KafkaMockCluster::Find(options_.brokers) != nullptr) {
    return Status::NotSupported("the librdkafka mock cluster cannot delete topics");
  }
  rd_kafka_t* rk = producer_->c_ptr();
  rd_kafka_DeleteTopic_t* del = rd_kafka_DeleteTopic_new(n.c_str());
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_DeleteTopics(rk, &del, 1, nullptr, q);
  Status s = AwaitAdmin(q, "deleting topic '" + n + "'", options_.request_timeout_ms);
  rd_kafka_DeleteTopic_destroy(del);
  rd_kafka_queue_destroy(q);
  SMARTCAR_RETURN_IF_ERROR(s);
  return RefreshUntil([&](const auto& t) { return t.count(n) == 0; }, n);
}

Result<std::vector<std::string>> KafkaLog::ListTopics() {
  auto topics = FetchTopics(producer_.get(), options_.request_timeout_ms);
  if (!topics) return Err(topics.error());
  std::vector<std::string> names;
  for (const auto& [name, n] : *topics) {
    if (!name.starts_with("__")) names.push_back(name);  // Skip __consumer_offsets etc.
  }
  return names;
}

Result<TopicDescription> KafkaLog::DescribeTopic(std::string_view name) {
  auto topics = FetchTopics(producer_.get(), options_.request_timeout_ms);
  if (!topics) return Err(topics.error());
  auto it = topics->find(std::string(name));
  if (it == topics->end()) {
    return Err(Status::NotFound("topic '" + std::string(name) + "' does not exist"));
  }
  TopicDescription d;
  d.name = it->first;
  d.config.partitions = it->second;
  d.config.retention_ms = 0;  // Kept by the brokers (kafka-configs); not fetched here.
  d.config.retention_bytes = 0;
  for (int32_t p = 0; p < it->second; ++p) {
    int64_t lo = 0, hi = 0;
    SMARTCAR_RETURN_IF_ERROR(
        FromKafka(producer_->query_watermark_offsets(d.name, p, &lo, &hi,
                                                     static_cast<int>(options_.request_timeout_ms)),
                  "reading offsets of " + d.name + "/" + std::to_string(p)));
    d.partitions.push_back({PartitionId(p), Offset(lo), Offset(hi)});
  }
  return d;
}

Result<GroupDescription> KafkaLog::DescribeGroup(std::string_view group) {
  if (group.empty()) return Err(Status::InvalidArgument("consumer group name is empty"));
  auto topics = FetchTopics(producer_.get(), options_.request_timeout_ms);
  if (!topics) return Err(topics.error());
  QueueOptions q = options_;
  q.kafka_properties["group.id"] = std::string(group);
  auto conf = BuildConf(q, {{"enable.auto.commit", "false"}, {"log_level", "3"}}, nullptr);
  if (!conf) return Err(conf.error());
  std::string err;
  std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(conf->get(), err));
  if (!c) return Err(Status::InvalidArgument("kafka consumer: " + err));
  std::vector<RdKafka::TopicPartition*> parts;
  for (const auto& [name, n] : *topics) {
    if (name.starts_with("__")) continue;
    for (int32_t p = 0; p < n; ++p) parts.push_back(RdKafka::TopicPartition::create(name, p));
  }
  GroupDescription d;
  d.group = std::string(group);
  RdKafka::ErrorCode e = c->committed(parts, static_cast<int>(options_.request_timeout_ms));
  Status s = FromKafka(e, "reading committed offsets of group '" + d.group + "'");
  for (RdKafka::TopicPartition* tp : parts) {
    if (s.ok() && tp->err() == RdKafka::ERR_NO_ERROR && tp->offset() >= 0) {
      int64_t lo = 0, hi = 0;
      if (producer_->query_watermark_offsets(tp->topic(), tp->partition(), &lo, &hi,
                                             static_cast<int>(options_.request_timeout_ms)) ==
          RdKafka::ERR_NO_ERROR) {
        GroupPartitionLag lag;
        lag.tp = {tp->topic(), PartitionId(tp->partition())};
        lag.committed = Offset(tp->offset());
        lag.latest = Offset(hi);
        lag.lag = std::max<int64_t>(0, hi - tp->offset());
        d.partitions.push_back(std::move(lag));
      }
    }
    delete tp;
  }
  (void)c->close();
  SMARTCAR_RETURN_IF_ERROR(s);
  if (d.partitions.empty()) {
    return Err(Status::NotFound("consumer group '" + d.group + "' has no committed offsets"));
  }
  return d;
}

Status KafkaLog::EnsureStateTopic() {
  auto topics = FetchTopics(producer_.get(), options_.request_timeout_ms);
  if (!topics) return topics.error();
  if (topics->count(kProducerStateTopic) != 0) return Status::OK();
  CreateTopicOptions o;
  o.name = kProducerStateTopic;
  o.config.partitions = 1;
  o.config.replication_factor = -1;  // The brokers' default.replication.factor.
  o.config.retention_ms = 0;
  o.config.retention_bytes = 0;
  if (KafkaMockCluster* mock = KafkaMockCluster::Find(options_.brokers)) {
    Status s = mock->CreateTopic(o.name, 1, 1);
    if (!s.ok()) return s;
  } else if (Status s = AdminCreate(o, /*compact=*/true, kStateTopicCreateTimeoutMs);
             !s.ok() && s.message().find("already exists") == std::string::npos) {
    // The mock cluster of another process answers CreateTopics with an error; it creates the
    // topic on the first produce instead. A real cluster that refuses both names the topic then.
    return Status::OK();
  }
  return RefreshUntil([](const auto& t) { return t.count(kProducerStateTopic) != 0; },
                      kProducerStateTopic);
}

Status KafkaLog::AdminCreate(const CreateTopicOptions& o, bool compact, int64_t timeout_ms) {
  if (timeout_ms <= 0) timeout_ms = options_.request_timeout_ms;
  char err[512];
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(o.name.c_str(), o.config.partitions,
                                                  o.config.replication_factor, err, sizeof err);
  if (nt == nullptr) return Status::InvalidArgument("topic '" + o.name + "': " + err);
  if (o.config.retention_ms != 0) {
    (void)rd_kafka_NewTopic_set_config(nt, "retention.ms",
                                       std::to_string(o.config.retention_ms).c_str());
  }
  if (o.config.retention_bytes != 0) {
    (void)rd_kafka_NewTopic_set_config(nt, "retention.bytes",
                                       std::to_string(o.config.retention_bytes).c_str());
  }
  if (compact) (void)rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact");
  rd_kafka_t* rk = producer_->c_ptr();
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* admin = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  (void)rd_kafka_AdminOptions_set_request_timeout(admin, static_cast<int>(timeout_ms), err,
                                                  sizeof err);
  rd_kafka_CreateTopics(rk, &nt, 1, admin, q);
  Status s = AwaitAdmin(q, "creating topic '" + o.name + "'", timeout_ms);
  rd_kafka_AdminOptions_destroy(admin);
  rd_kafka_NewTopic_destroy(nt);
  rd_kafka_queue_destroy(q);
  return s;
}

Status KafkaLog::AwaitAdmin(rd_kafka_queue_t* q, const std::string& what, int64_t timeout_ms) {
  // A little longer than the request's own timeout, so its error (not ours) is reported.
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, static_cast<int>(timeout_ms + 1000));
  if (ev == nullptr) return Status::IOError(what + ": no answer from " + options_.brokers);
  Status s;
  if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    s = Status::IOError(what + ": " + rd_kafka_event_error_string(ev));
  } else {
    size_t n = 0;
    const rd_kafka_topic_result_t** results = nullptr;
    if (const auto* c = rd_kafka_event_CreateTopics_result(ev)) {
      results = rd_kafka_CreateTopics_result_topics(c, &n);
    } else if (const auto* d = rd_kafka_event_DeleteTopics_result(ev)) {
      results = rd_kafka_DeleteTopics_result_topics(d, &n);
    }
    for (size_t i = 0; i < n && s.ok(); ++i) {
      if (rd_kafka_topic_result_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* m = rd_kafka_topic_result_error_string(results[i]);
        s = Status::InvalidArgument(what + ": " + (m != nullptr ? m : "failed"));
      }
    }
  }
  rd_kafka_event_destroy(ev);
  return s;
}

}  // namespace smartcar::queue::kafka
