// The Kafka engine's Log: options check and connection (KafkaLog::Open), consumers, the calls
// Kafka brokers handle themselves, and OpenKafkaLog. Topics: kafka_admin.cc; producer:
// kafka_producer.cc; configuration: kafka_config.cc.
#include <algorithm>

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

Result<std::unique_ptr<Consumer>> KafkaLog::NewConsumer(const ConsumerOptions& options) {
  return NewKafkaConsumer(options_, options);
}

Result<std::optional<std::string>> KafkaLog::ReadProducerState(std::string_view, std::string_view) {
  return std::optional<std::string>();
}

Result<RetentionResult> KafkaLog::EnforceRetention(const RetentionOptions&) {
  return Err(
      Status::NotSupported("Kafka brokers apply retention.ms and retention.bytes themselves"));
}

Result<std::unique_ptr<Log>> OpenKafkaLog(const QueueOptions& options) {
  auto log = std::make_unique<KafkaLog>(options);
  if (Status s = log->Open(); !s.ok()) return Err(std::move(s));
  return std::unique_ptr<Log>(std::move(log));
}

}  // namespace smartcar::queue::kafka
