// The settings `run` and `worker` share: the smartcar.yaml keys they accept, loading with
// warnings for unknown keys, the Redis credential flags, and the password-file reader.
#include "cli/topology_settings.h"


#include "core/file.h"

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
                                   "hot.user",
                                   "hot.password",
                                   "hot.password_file",
                                   "hot.prefix",
                                   "hot.ttl",
                                   "topology.cep_parallelism",
                                   "topology.table_parallelism"};
  keys.insert(keys.end(), more.begin(), more.end());
  return keys;
}

void AddRedisAuthFlags(CLI::App* cmd, RedisAuthFlags* f) {
  cmd->add_option("--redis-user", f->user, "Redis ACL user (Redis 6+), with a password");
  cmd->add_option("--redis-password", f->password,
                  "Redis password (AUTH); or set SMARTCAR_REDIS_PASSWORD, or use "
                  "--redis-password-file, to keep it out of `ps`")
      ->envname("SMARTCAR_REDIS_PASSWORD");
  cmd->add_option("--redis-password-file", f->password_file,
                  "File whose first line is the Redis password");
}

void SetRedisAuth(const RedisAuthFlags& f, Config* cfg) {
  if (!f.user.empty()) cfg->Set("hot.user", f.user, "--redis-user");
  if (!f.password.empty()) cfg->Set("hot.password", f.password, "--redis-password");
  if (!f.password_file.empty()) {
    cfg->Set("hot.password_file", f.password_file, "--redis-password-file");
  }
}

Result<std::string> ReadPasswordFile(const std::string& path) {
  auto text = ReadFileToString(path, "password file");
  if (!text) return Err(text.error());
  std::string line = text->substr(0, text->find('\n'));  // The first line, as redis-cli's -a.
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
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
