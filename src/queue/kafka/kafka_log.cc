// The Kafka engine: configuration, connection check, topics, the producer and group lag.
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "queue/kafka/kafka_log.h"
#include "queue/kafka/kafka_log_impl.h"
#include "queue/kafka/mock_cluster.h"

namespace smartcar::queue::kafka {

void EventCollector::event_cb(RdKafka::Event& event) {
  if (event.type() == RdKafka::Event::EVENT_ERROR ||
      (event.type() == RdKafka::Event::EVENT_LOG &&
       event.severity() <= RdKafka::Event::EVENT_SEVERITY_WARNING)) {
    std::lock_guard<std::mutex> l(mu_);
    last_error_ = event.str();
  }
}

std::string EventCollector::last_error() const {
  std::lock_guard<std::mutex> l(mu_);
  return last_error_;
}

Status FromKafka(RdKafka::ErrorCode err, std::string_view what) {
  if (err == RdKafka::ERR_NO_ERROR) return Status::OK();
  const std::string msg = std::string(what) + ": " + RdKafka::err2str(err);
  switch (err) {
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
    case RdKafka::ERR__UNKNOWN_TOPIC:
    case RdKafka::ERR__UNKNOWN_PARTITION:
      return Status::NotFound(msg);
    case RdKafka::ERR__INVALID_ARG:
      return Status::InvalidArgument(msg);
    case RdKafka::ERR_REBALANCE_IN_PROGRESS:
    case RdKafka::ERR_ILLEGAL_GENERATION:
    case RdKafka::ERR_UNKNOWN_MEMBER_ID:
    case RdKafka::ERR__ASSIGN_PARTITIONS:
    case RdKafka::ERR__REVOKE_PARTITIONS:
      return Status::Aborted(msg);
    default:
      return Status::IOError(msg);
  }
}

Result<std::unique_ptr<RdKafka::Conf>> BuildConf(const QueueOptions& options,
                                                 const std::map<std::string, std::string>& defaults,
                                                 RdKafka::EventCb* events) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  auto set = [&](const std::string& k, const std::string& v) -> Status {
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
      return Status::InvalidArgument("kafka property '" + k + "'='" + v + "': " + err);
    }
    return Status::OK();
  };
  if (Status s = set("bootstrap.servers", options.brokers); !s.ok()) return Err(std::move(s));
  for (const auto& [k, v] : defaults) {
    if (options.kafka_properties.count(k) != 0) continue;
    if (Status s = set(k, v); !s.ok()) return Err(std::move(s));
  }
  for (const auto& [k, v] : options.kafka_properties) {
    if (Status s = set(k, v); !s.ok()) return Err(std::move(s));
  }
  if (events != nullptr && conf->set("event_cb", events, err) != RdKafka::Conf::CONF_OK) {
    return Err(Status::InvalidArgument("kafka event_cb: " + err));
  }
  return conf;
}

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

class DeliveryReports final : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& m) override {
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
};

class KafkaLog;

class KafkaProducer final : public Producer {
 public:
  explicit KafkaProducer(KafkaLog* log) : log_(log) {}
  Result<std::vector<RecordPosition>> Append(const AppendOptions& options,
                                             std::span<const Record> records) override;

 private:
  KafkaLog* log_;
};

class KafkaLog final : public Log {
 public:
  explicit KafkaLog(QueueOptions options) : options_(std::move(options)) {}

  Status Open() {
    if (options_.brokers.empty()) {
      return Status::InvalidArgument(
          "queue brokers is empty (the kafka engine needs --brokers host:port,...)");
    }
    if (options_.connect_attempts < 1 || options_.connect_timeout_ms < 1) {
      return Status::InvalidArgument("queue connect_attempts and connect_timeout_ms must be >= 1");
    }
    const std::map<std::string, std::string> defaults = {
        {"acks", "all"},
        {"enable.idempotence", "true"},
        {"partitioner", "murmur2_random"},  // Java's default partitioner; see partitioner.h.
        {"linger.ms", "5"},
        {"message.timeout.ms", std::to_string(options_.request_timeout_ms)},
        {"log_level", "3"},
    };
    auto conf = BuildConf(options_, defaults, &events_);
    if (!conf) return conf.error();
    std::string err;
    if ((*conf)->set("dr_cb", &reports_, err) != RdKafka::Conf::CONF_OK) {
      return Status::InvalidArgument("kafka dr_cb: " + err);
    }
    producer_.reset(RdKafka::Producer::create(conf->get(), err));
    if (!producer_) return Status::InvalidArgument("kafka producer: " + err);
    // Bounded retries, then an error naming the brokers and librdkafka's last complaint.
    const int64_t per_attempt =
        std::max<int64_t>(1, options_.connect_timeout_ms / options_.connect_attempts);
    Status last;
    for (int attempt = 1; attempt <= options_.connect_attempts; ++attempt) {
      auto topics = FetchTopics(producer_.get(), per_attempt);
      if (topics) {
        std::lock_guard<std::mutex> l(mu_);
        partitions_ = std::move(*topics);
        return Status::OK();
      }
      last = topics.error();
    }
    std::string detail = events_.last_error();
    if (detail.empty()) detail = last.message();
    return Status::IOError("no Kafka broker reachable at '" + options_.brokers + "' after " +
                           std::to_string(options_.connect_attempts) + " attempts (" +
                           std::to_string(options_.connect_timeout_ms) + " ms): " + detail);
  }

  Status CreateTopic(const CreateTopicOptions& o) override {
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

  Status DeleteTopic(std::string_view name) override {
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
    Status s = AwaitAdmin(q, "deleting topic '" + n + "'");
    rd_kafka_DeleteTopic_destroy(del);
    rd_kafka_queue_destroy(q);
    SMARTCAR_RETURN_IF_ERROR(s);
    return RefreshUntil([&](const auto& t) { return t.count(n) == 0; }, n);
  }

  Result<std::vector<std::string>> ListTopics() override {
    auto topics = FetchTopics(producer_.get(), options_.request_timeout_ms);
    if (!topics) return Err(topics.error());
    std::vector<std::string> names;
    for (const auto& [name, n] : *topics) {
      if (!name.starts_with("__")) names.push_back(name);  // Skip __consumer_offsets etc.
    }
    return names;
  }

  Result<TopicDescription> DescribeTopic(std::string_view name) override {
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
          FromKafka(producer_->query_watermark_offsets(
                        d.name, p, &lo, &hi, static_cast<int>(options_.request_timeout_ms)),
                    "reading offsets of " + d.name + "/" + std::to_string(p)));
      d.partitions.push_back({PartitionId(p), Offset(lo), Offset(hi)});
    }
    return d;
  }

  Result<std::unique_ptr<Producer>> NewProducer(const ProducerOptions&) override {
    return std::unique_ptr<Producer>(std::make_unique<KafkaProducer>(this));
  }

  Result<std::unique_ptr<Consumer>> NewConsumer(const ConsumerOptions& options) override {
    return NewKafkaConsumer(options_, options);
  }

  Result<GroupDescription> DescribeGroup(std::string_view group) override {
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

  // Not stored by this engine (AppendOptions::state_key needs Kafka transactions).
  Result<std::optional<std::string>> ReadProducerState(std::string_view,
                                                       std::string_view) override {
    return std::optional<std::string>();
  }

  Result<RetentionResult> EnforceRetention(const RetentionOptions&) override {
    return Err(
        Status::NotSupported("Kafka brokers apply retention.ms and retention.bytes themselves"));
  }

  // Producer side.
  RdKafka::Producer* producer() { return producer_.get(); }
  const QueueOptions& options() const { return options_; }
  // The partition count of `topic`, refreshing metadata once on a miss. NotFound when unknown.
  Result<int32_t> Partitions(const std::string& topic) {
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

 private:
  Status AdminCreate(const CreateTopicOptions& o) {
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
    rd_kafka_t* rk = producer_->c_ptr();
    rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &nt, 1, nullptr, q);
    Status s = AwaitAdmin(q, "creating topic '" + o.name + "'");
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_queue_destroy(q);
    return s;
  }

  // Waits for one admin result on `q` and turns its first topic error into a Status.
  Status AwaitAdmin(rd_kafka_queue_t* q, const std::string& what) {
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, static_cast<int>(options_.request_timeout_ms));
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

  // Refreshes the metadata cache until `done` holds (topic changes propagate asynchronously).
  template <class Pred>
  Status RefreshUntil(Pred done, const std::string& topic) {
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

  const QueueOptions options_;
  EventCollector events_;
  DeliveryReports reports_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::mutex mu_;
  std::map<std::string, int32_t> partitions_;  // GUARDED_BY(mu_)
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

Result<std::unique_ptr<Log>> OpenKafkaLog(const QueueOptions& options) {
  auto log = std::make_unique<KafkaLog>(options);
  if (Status s = log->Open(); !s.ok()) return Err(std::move(s));
  return std::unique_ptr<Log>(std::move(log));
}

}  // namespace smartcar::queue::kafka
