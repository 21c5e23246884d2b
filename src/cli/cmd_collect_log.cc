// Wires the collector's KafkaSink/log sinks to the durable log: the Kafka engine when the sink
// names brokers (`brokerList` or `kafka.bootstrap.servers`), else the embedded log in
// <data>/queue. Each distinct log is opened once and shared by the agent's sinks.
#include <map>

#include "cli/commands.h"
#include "collect/sinks/log_sink.h"
#include "pipeline/settings.h"
#include "queue/log.h"

namespace smartcar::cli {

std::function<Result<std::unique_ptr<collect::Sink>>(const std::string&, collect::ComponentParams*)>
MakeCollectLogSinkFactory(const std::string& data_dir, queue::Log* shared_log) {
  auto logs = std::make_shared<std::map<std::string, std::shared_ptr<queue::Log>>>();
  return [data_dir, logs, shared_log](
             const std::string& name,
             collect::ComponentParams* p) -> Result<std::unique_ptr<collect::Sink>> {
    const std::string brokers = collect::LogSinkBrokers(p);
    if (brokers.empty() && shared_log != nullptr) return collect::MakeLogSink(name, p, shared_log);
    std::shared_ptr<queue::Log>& log = (*logs)[brokers];
    if (!log) {
      queue::QueueOptions o;
      o.data_dir = pipeline::DataFolder(data_dir).Queue();
      if (!brokers.empty()) {
        o.engine = queue::Engine::kKafka;
        o.brokers = brokers;
        for (const auto& [k, v] : p->Subtree("kafka.producer")) o.kafka_properties[k] = v;
      }
      auto opened = queue::OpenLog(o);
      if (!opened) return Err(opened.error().WithPrefix("sink '" + name + "': "));
      log = std::move(*opened);
    }
    return collect::MakeLogSink(name, p, log.get());
  };
}

}  // namespace smartcar::cli
