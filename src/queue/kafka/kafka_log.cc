// The Kafka engine's Log: options check and connection (KafkaLog::Open), consumers, the calls
// Kafka brokers handle themselves, and OpenKafkaLog. Topics: kafka_admin.cc; producer:
// kafka_producer.cc; configuration: kafka_config.cc.
#include <algorithm>
#include <chrono>

#include "queue/kafka/kafka_log.h"
#include "queue/kafka/kafka_log_impl.h"

namespace smartcar::queue::kafka {

Status KafkaLog::Open() {
  if (options_.brokers.empty()) {
    return Status::InvalidArgument(
        "queue brokers is empty (the kafka engine needs --brokers host:port,...)");
  }
  if (options_.connect_attempts < 1 || options_.connect_timeout_ms < 1) {
    return Status::InvalidArgument("queue connect_attempts and connect_timeout_ms must be >= 1");
  }
  auto producer = NewRdProducer("");
  if (!producer) return producer.error();
  producer_ = std::move(*producer);
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

Result<std::unique_ptr<RdKafka::Producer>> KafkaLog::NewRdProducer(
    const std::string& transactional_id) {
  std::map<std::string, std::string> defaults = {
      {"acks", "all"},
      {"enable.idempotence", "true"},
      {"partitioner", "murmur2_random"},  // Java's default partitioner; see partitioner.h.
      {"linger.ms", "5"},
      {"message.timeout.ms", std::to_string(options_.request_timeout_ms)},
      {"log_level", "3"},
  };
  auto conf = BuildConf(options_, defaults, &events_);
  if (!conf) return Err(conf.error());
  std::string err;
  if ((*conf)->set("dr_cb", &reports_, err) != RdKafka::Conf::CONF_OK) {
    return Err(Status::InvalidArgument("kafka dr_cb: " + err));
  }
  if (!transactional_id.empty() &&
      (*conf)->set("transactional.id", transactional_id, err) != RdKafka::Conf::CONF_OK) {
    return Err(Status::InvalidArgument("kafka transactional.id: " + err));
  }
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf->get(), err));
  if (!p) return Err(Status::InvalidArgument("kafka producer: " + err));
  return p;
}

TransactionalProducer* KafkaLog::Transactional(const std::string& topic, const std::string& key) {
  std::lock_guard<std::mutex> l(txn_mu_);
  auto& slot = txn_[StateRecordKey(topic, key)];
  if (!slot) slot = std::make_unique<TransactionalProducer>();
  return slot.get();
}

Status KafkaLog::StartTransactional(TransactionalProducer* t, const std::string& topic,
                                    const std::string& key) {
  if (t->producer) return Status::OK();
  SMARTCAR_RETURN_IF_ERROR(EnsureStateTopic());
  auto p = NewRdProducer("smartcar-" + topic + "-" + key);
  if (!p) return p.error();
  // Fences every earlier producer with this id: a transaction it left open is aborted (or
  // finished) before this returns, so what is read afterwards is final.
  SMARTCAR_RETURN_IF_ERROR(
      FromKafkaError((*p)->init_transactions(static_cast<int>(options_.request_timeout_ms)),
                     "topic '" + topic + "': starting the transactional producer of " + key +
                         " on " + options_.brokers));
  t->producer = std::move(*p);
  return Status::OK();
}

Result<std::optional<std::string>> KafkaLog::ReadProducerState(std::string_view topic,
                                                               std::string_view key) {
  auto n = Partitions(std::string(topic));
  if (!n) return Err(n.error());
  if (!exactly_once_) return std::optional<std::string>();
  TransactionalProducer* t = Transactional(std::string(topic), std::string(key));
  {
    std::lock_guard<std::mutex> l(t->mu);
    SMARTCAR_RETURN_IF_ERROR(StartTransactional(t, std::string(topic), std::string(key)));
  }
  return ReadStateTopic(topic, key);
}

Result<std::optional<std::string>> KafkaLog::ReadStateTopic(std::string_view topic,
                                                            std::string_view key) {
  const int timeout = static_cast<int>(options_.request_timeout_ms);
  auto topics = FetchTopics(producer_.get(), timeout);
  if (!topics) return Err(topics.error());
  if (topics->count(kProducerStateTopic) == 0) return std::optional<std::string>();
  // Read up to the end as of now: once the last stable offset passes it, every transaction
  // that wrote below it has finished.
  int64_t lo = 0, hi = 0;
  SMARTCAR_RETURN_IF_ERROR(
      FromKafka(producer_->query_watermark_offsets(kProducerStateTopic, 0, &lo, &hi, timeout),
                std::string("reading offsets of ") + kProducerStateTopic));
  if (hi <= lo) return std::optional<std::string>();
  auto conf = BuildConf(options_,
                        {{"group.id", "smartcar-producer-state-reader"},
                         {"enable.auto.commit", "false"},
                         {"log_level", "3"}},
                        nullptr);
  if (!conf) return Err(conf.error());
  std::string err;
  if ((*conf)->set("isolation.level", "read_committed", err) != RdKafka::Conf::CONF_OK ||
      (*conf)->set("enable.partition.eof", "true", err) != RdKafka::Conf::CONF_OK) {
    return Err(Status::InvalidArgument("kafka consumer: " + err));
  }
  std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(conf->get(), err));
  if (!c) return Err(Status::InvalidArgument("kafka consumer: " + err));
  std::vector<RdKafka::TopicPartition*> parts = {
      RdKafka::TopicPartition::create(kProducerStateTopic, 0, RdKafka::Topic::OFFSET_BEGINNING)};
  RdKafka::ErrorCode assigned = c->assign(parts);
  RdKafka::TopicPartition::destroy(parts);
  SMARTCAR_RETURN_IF_ERROR(FromKafka(assigned, std::string("reading ") + kProducerStateTopic));
  const std::string want = StateRecordKey(topic, key);
  std::optional<std::string> last;
  Status s;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout);
  for (bool done = false; !done;) {
    if (std::chrono::steady_clock::now() >= deadline) {
      s = Status::IOError(std::string("reading producer state from ") + kProducerStateTopic +
                          ": its end (offset " + std::to_string(hi) + ") was not reached in " +
                          std::to_string(timeout) + " ms (a transaction still open?)");
      break;
    }
    std::unique_ptr<RdKafka::Message> m(c->consume(100));
    switch (m->err()) {
      case RdKafka::ERR_NO_ERROR:
        if (m->key() != nullptr && *m->key() == want) {
          last.emplace(static_cast<const char*>(m->payload()), m->len());
        }
        if (m->offset() + 1 >= hi) done = true;
        break;
      case RdKafka::ERR__PARTITION_EOF:
        if (m->offset() >= hi) done = true;
        break;
      case RdKafka::ERR__TIMED_OUT:
        break;
      default:
        if (m->err() == RdKafka::ERR__FATAL || m->err() == RdKafka::ERR_UNKNOWN_TOPIC_OR_PART) {
          s = FromKafka(m->err(), std::string("reading ") + kProducerStateTopic);
          done = true;
        }
        break;
    }
  }
  (void)c->close();
  if (!s.ok()) return Err(std::move(s));
  return last;
}

Result<std::unique_ptr<Consumer>> KafkaLog::NewConsumer(const ConsumerOptions& options) {
  return NewKafkaConsumer(options_, options);
}

Result<RetentionResult> KafkaLog::EnforceRetention(const RetentionOptions&) {
  return Err(
      Status::NotSupported("Kafka brokers apply retention.ms and retention.bytes themselves"));
}

Result<std::unique_ptr<Log>> OpenKafkaLog(const QueueOptions& options) {
  QueueOptions o = options;
  bool exactly_once = true;
  if (auto it = o.kafka_properties.find(kExactlyOnceProperty); it != o.kafka_properties.end()) {
    if (it->second == "disabled") {
      exactly_once = false;
    } else if (it->second != "enabled") {
      return Err(Status::InvalidArgument(std::string("kafka property '") + kExactlyOnceProperty +
                                         "'='" + it->second + "': enabled or disabled"));
    }
    o.kafka_properties.erase(it);
  }
  auto log = std::make_unique<KafkaLog>(std::move(o), exactly_once);
  if (Status s = log->Open(); !s.ok()) return Err(std::move(s));
  return std::unique_ptr<Log>(std::move(log));
}

}  // namespace smartcar::queue::kafka
