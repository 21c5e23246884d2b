#include "cli/topology_settings.h"

namespace smartcar::cli {

std::vector<std::string> TopologySettingKeys(std::vector<std::string> more) {
  std::vector<std::string> keys = {"data_dir",
                                   "rules.dir",
                                   "queue.engine",
                                   "queue.partitions",
                                   "queue.kafka.brokers",
                                   "queue.kafka.properties.*",
                                   "hot.engine",
                                   "hot.redis",
                                   "hot.prefix",
                                   "hot.ttl",
                                   "topology.cep_parallelism",
                                   "topology.table_parallelism"};
  keys.insert(keys.end(), more.begin(), more.end());
  return keys;
}

bool LoadSettings(const char* command, const std::string& path,
                  const std::vector<std::string>& known, Config* cfg) {
  if (path.empty()) return true;
  auto loaded = Config::LoadFile(path);
  if (!loaded) {
    std::fprintf(stderr, "%s: %s\n", command, loaded.error().message().c_str());
    return false;
  }
  *cfg = std::move(*loaded);
  for (const auto& w : cfg->UnknownKeys(known)) {
    std::fprintf(stderr, "%s: warning: %s\n", command, w.c_str());
  }
  return true;
}

}  // namespace smartcar::cli
