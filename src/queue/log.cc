// OpenLog: the one place that picks an engine.
#include "queue/log.h"

#include "queue/embedded/embedded_log.h"
#include "queue/kafka/kafka_log.h"

namespace smartcar::queue {

std::string ToString(const TopicPartition& tp) {
  return tp.topic + "/" + std::to_string(tp.partition.value);
}

std::string_view EngineName(Engine e) { return e == Engine::kKafka ? "kafka" : "embedded"; }

Result<Engine> ParseEngine(std::string_view name) {
  if (name == "embedded") return Engine::kEmbedded;
  if (name == "kafka") return Engine::kKafka;
  return Err(Status::InvalidArgument("queue engine '" + std::string(name) +
                                     "' is unknown (expected 'embedded' or 'kafka')"));
}

Status ValidateTopicName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("topic name is empty");
  if (name.size() > 249) {
    return Status::InvalidArgument("topic name '" + std::string(name.substr(0, 20)) +
                                   "...' is longer than 249 characters");
  }
  if (name == "." || name == "..") {
    return Status::InvalidArgument("topic name '" + std::string(name) + "' is not allowed");
  }
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument("topic name '" + std::string(name) + "', character " +
                                     std::to_string(i + 1) +
                                     ": only letters, digits, '.', '_' and '-' are allowed");
    }
  }
  return Status::OK();
}

Result<std::unique_ptr<Log>> OpenLog(const QueueOptions& options) {
  switch (options.engine) {
    case Engine::kEmbedded:
      return embedded::OpenEmbeddedLog(options);
    case Engine::kKafka:
      return kafka::OpenKafkaLog(options);
  }
  return Err(Status::InvalidArgument("queue engine is unknown"));
}

}  // namespace smartcar::queue
