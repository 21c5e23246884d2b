// LogSink: Flume's KafkaSink on the durable log. Each batch is one producer append (record key
// from `keyField` or the `key` header), carrying the source's position as producer state
// "collect:<source>"; the topic is created if missing.
#include "collect/sinks/log_sink.h"

#include <vector>

namespace smartcar::collect {
namespace {

class LogSink final : public Sink {
 public:
  LogSink(std::string name, queue::Log* log, std::unique_ptr<queue::Producer> producer,
          std::string topic, int key_field)
      : Sink(std::move(name)),
        log_(log),
        producer_(std::move(producer)),
        topic_(std::move(topic)),
        key_field_(key_field) {}

  Status Deliver(const EventBatch& batch) override { return Append(batch, "", ""); }

  // The embedded log writes the position in the same RocksDB write as the records.
  Status DeliverWithPosition(const EventBatch& batch, const std::string& source,
                             const std::string& position) override {
    return Append(batch, position.empty() ? "" : StateKey(source), position);
  }

  Result<std::optional<std::string>> LastPosition(const std::string& source) override {
    auto state = log_->ReadProducerState(topic_, StateKey(source));
    if (!state && state.error().IsNotFound()) return std::optional<std::string>();
    return state;
  }

 private:
  static std::string StateKey(const std::string& source) { return "collect:" + source; }

  Status Append(const EventBatch& batch, std::string state_key, const std::string& state) {
    records_.resize(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      const Event& e = batch[i];
      queue::Record& r = records_[i];
      r.value = e.body;
      r.key.clear();
      r.headers.clear();
      if (key_field_ > 0) {
        r.key = Field(e.body, key_field_);
      } else if (const std::string* k = e.header("key")) {
        r.key = *k;
      }
      for (const auto& [k, v] : e.headers) r.headers.push_back(queue::Header{k, v});
    }
    queue::AppendOptions options;
    options.topic = topic_;
    options.state_key = std::move(state_key);
    if (!options.state_key.empty()) options.state_value = state;
    auto positions = producer_->Append(options, records_);
    if (!positions) return positions.error().WithPrefix("topic '" + topic_ + "': ");
    return Status::OK();
  }

  // The 1-based comma-separated field `n` of `line` ("" if missing).
  static std::string Field(const std::string& line, int n) {
    size_t start = 0;
    for (int i = 1; i < n; ++i) {
      start = line.find(',', start);
      if (start == std::string::npos) return "";
      ++start;
    }
    const size_t end = line.find(',', start);
    return line.substr(start, end == std::string::npos ? std::string::npos : end - start);
  }

  queue::Log* log_;
  std::unique_ptr<queue::Producer> producer_;
  std::string topic_;
  int key_field_;
  std::vector<queue::Record> records_;
};

}  // namespace

std::string LogSinkBrokers(ComponentParams* p) {
  const std::string newer = p->String("kafka.bootstrap.servers", "");
  return newer.empty() ? p->String("brokerList", "") : newer;
}

Result<std::unique_ptr<Sink>> MakeLogSink(const std::string& name, ComponentParams* p,
                                          queue::Log* log) {
  std::string topic = p->String("kafka.topic", "");
  if (topic.empty()) topic = p->String("topic", "SmartCar-Topic");
  if (Status s = queue::ValidateTopicName(topic); !s.ok())
    return Err(p->Error("topic", s.message()));
  auto key_field = p->Int("keyField", 0, 0, 64);
  if (!key_field) return Err(key_field.error());
  auto partitions = p->Int("partitions", 4, 1, 10000);
  if (!partitions) return Err(partitions.error());
  auto acks = p->Enum("requiredAcks", "-1", {"-1", "all", "1", "0"});
  if (!acks) return Err(acks.error());
  // Accepted: the log always waits for full acknowledgement; batches are the source's.
  (void)LogSinkBrokers(p);
  p->String("batchSize", "");
  p->String("kafka.flumeBatchSize", "");
  p->String("kafka.producer.acks", "");
  (void)p->Subtree("kafka.producer");
  LogSinkOptions o;
  o.topic = topic;
  o.key_field = static_cast<int>(*key_field);
  o.partitions = static_cast<int>(*partitions);
  return NewLogSink(name, o, log);
}

Result<std::unique_ptr<Sink>> NewLogSink(const std::string& name, const LogSinkOptions& o,
                                         queue::Log* log) {
  SMARTCAR_RETURN_IF_ERROR(queue::ValidateTopicName(o.topic));
  auto described = log->DescribeTopic(o.topic);
  if (!described) {
    if (!described.error().IsNotFound()) return Err(described.error());
    queue::CreateTopicOptions create;
    create.name = o.topic;
    create.config.partitions = static_cast<int32_t>(o.partitions);
    Status s = log->CreateTopic(create);
    if (!s.ok() && s.message().find("already exists") == std::string::npos) return Err(s);
  }
  auto producer = log->NewProducer(queue::ProducerOptions{});
  if (!producer) return Err(producer.error());
  return std::unique_ptr<Sink>(new LogSink(name, log, std::move(*producer), o.topic, o.key_field));
}

}  // namespace smartcar::collect
