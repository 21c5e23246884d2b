// The queue subcommands' shared flags, and OpenQueueOrReport: fills in smartcar.yaml's data_dir
// and queue.* settings (flags win), picks Kafka when brokers are given, and opens the log.
#include "cli/cmd_queue_flags.h"

#include "cli/commands.h"
#include "core/config.h"
#include "pipeline/stores.h"
#include "pipeline/settings.h"

#include <cstdio>

namespace smartcar::cli {

void AddQueueFlags(CLI::App* cmd, QueueFlags* flags) {
  cmd->add_option(
         "--data", flags->data_dir,
         "Data folder; the embedded log (RocksDB) lives in DIR/queue. Ignored with --brokers")
      ->capture_default_str();
  cmd->add_option("--brokers", flags->brokers,
                  "Kafka bootstrap servers host:port,...: use the Kafka engine");
  cmd->add_option("--kafka-property", flags->kafka_properties,
                  "librdkafka property name=value (repeatable), e.g. security.protocol=ssl");
  cmd->add_option("--connect-timeout-ms", flags->connect_timeout_ms,
                  "Kafka: give up reaching the brokers after this long")
      ->capture_default_str();
  cmd->add_option("--config", flags->config,
                  "smartcar.yaml: data_dir, queue.engine (embedded|kafka), queue.kafka.brokers and "
                  "queue.kafka.properties.*; flags given on the command line win");
}

std::unique_ptr<queue::Log> OpenQueueOrReport(const QueueFlags& flags, const char* command,
                                              bool reads_only, bool* opened_read_only) {
  queue::QueueOptions o;
  QueueFlags f = flags;
  if (!f.config.empty()) {
    auto cfg = Config::LoadFile(f.config);
    if (!cfg) {
      std::fprintf(stderr, "%s: %s\n", command, cfg.error().message().c_str());
      return nullptr;
    }
    if (f.data_dir == QueueFlags().data_dir) f.data_dir = cfg->GetString("data_dir", f.data_dir);
    const std::string engine = cfg->GetString("queue.engine", "embedded");
    if (engine != "embedded" && engine != "kafka") {
      std::fprintf(stderr, "%s: %s: queue.engine: '%s' is not embedded or kafka\n", command,
                   f.config.c_str(), engine.c_str());
      return nullptr;
    }
    if (f.brokers.empty() && engine == "kafka") {
      f.brokers = cfg->GetString("queue.kafka.brokers", "");
      if (f.brokers.empty()) {
        std::fprintf(stderr, "%s: %s: queue.engine is kafka but queue.kafka.brokers is empty\n",
                     command, f.config.c_str());
        return nullptr;
      }
    }
    std::vector<std::string> props;
    for (const auto& [k, v] : cfg->Subtree("queue.kafka.properties")) props.push_back(k + "=" + v);
    props.insert(props.end(), f.kafka_properties.begin(), f.kafka_properties.end());  // Flags win.
    f.kafka_properties = props;
  }
  const QueueFlags& eff = f;  // The flags with the file's settings filled in.
  o.data_dir = pipeline::DataFolder(eff.data_dir).Queue();
  o.connect_timeout_ms = eff.connect_timeout_ms;
  if (!eff.brokers.empty()) {
    o.engine = queue::Engine::kKafka;
    o.brokers = eff.brokers;
  }
  for (const std::string& kv : eff.kafka_properties) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "%s: --kafka-property '%s': expected name=value\n", command, kv.c_str());
      return nullptr;
    }
    o.kafka_properties[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (reads_only && o.engine == queue::Engine::kEmbedded) {
    if (Status s = CheckDataDir(eff.data_dir); !s.ok()) {
      std::fprintf(stderr, "%s: %s\n", command, s.message().c_str());
      return nullptr;
    }
  }
  auto log = queue::OpenLog(o);
  if (!log && reads_only && o.engine == queue::Engine::kEmbedded &&
      pipeline::ExplainBusy(log.error(), eff.data_dir).message() != log.error().message()) {
    // The folder is held (a live run): read beside it, as `shell --read-only` and `sql` do.
    o.read_only = true;
    log = queue::OpenLog(o);
    if (log) {
      const std::string owner = pipeline::OwnerOf(eff.data_dir);
      std::fprintf(stderr, "%s: reading beside %s (read-only: nothing is committed)\n", command,
                   owner.empty() ? "the process that holds the folder" : owner.c_str());
      if (opened_read_only != nullptr) *opened_read_only = true;
    }
  }
  if (!log) {
    std::fprintf(stderr, "%s: %s\n", command,
                 pipeline::ExplainBusy(log.error(), eff.data_dir).ToString().c_str());
    return nullptr;
  }
  return std::move(*log);
}

}  // namespace smartcar::cli
