#include "cli/cmd_queue_flags.h"

#include <cstdio>

namespace smartcar::cli {

void AddQueueFlags(CLI::App* cmd, QueueFlags* flags) {
  cmd->add_option("--data", flags->data_dir,
                  "Embedded log folder (RocksDB), used unless --brokers is given")
      ->capture_default_str();
  cmd->add_option("--brokers", flags->brokers,
                  "Kafka bootstrap servers host:port,...: use the Kafka engine");
  cmd->add_option("--kafka-property", flags->kafka_properties,
                  "librdkafka property name=value (repeatable), e.g. security.protocol=ssl");
  cmd->add_option("--connect-timeout-ms", flags->connect_timeout_ms,
                  "Kafka: give up reaching the brokers after this long")
      ->capture_default_str();
}

std::unique_ptr<queue::Log> OpenQueueOrReport(const QueueFlags& flags, const char* command) {
  queue::QueueOptions o;
  o.data_dir = flags.data_dir;
  o.connect_timeout_ms = flags.connect_timeout_ms;
  if (!flags.brokers.empty()) {
    o.engine = queue::Engine::kKafka;
    o.brokers = flags.brokers;
  }
  for (const std::string& kv : flags.kafka_properties) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "%s: --kafka-property '%s': expected name=value\n", command, kv.c_str());
      return nullptr;
    }
    o.kafka_properties[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  auto log = queue::OpenLog(o);
  if (!log) {
    std::fprintf(stderr, "%s: %s\n", command, log.error().ToString().c_str());
    return nullptr;
  }
  return std::move(*log);
}

}  // namespace smartcar::cli
