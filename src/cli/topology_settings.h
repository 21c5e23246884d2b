// The smartcar.yaml settings `smartcar run` and `smartcar worker` share: where the data lives,
// the rules, the engines and the topology's parallelism. One reader, so both commands read a
// setting the same way and report a bad value the same way.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/config.h"

namespace smartcar::cli {

// Redis credentials for `run` and `worker` (as `overspeed` takes them): flags, the environment
// (SMARTCAR_REDIS_PASSWORD) or a password file, then smartcar.yaml's hot.user / hot.password /
// hot.password_file. Never printed.
struct RedisAuthFlags {
  std::string user;
  std::string password;
  std::string password_file;
};
void AddRedisAuthFlags(CLI::App* cmd, RedisAuthFlags* f);
// Copies the flags given into `cfg` (flags win over the file).
void SetRedisAuth(const RedisAuthFlags& f, Config* cfg);

// The keys ApplyTopologySettings reads, followed by `more` (a command's own keys): what
// LoadSettings accepts without a warning.
std::vector<std::string> TopologySettingKeys(std::vector<std::string> more = {});

// Loads `path` (nothing when empty) into *cfg and warns on stderr about keys not in `known`.
// False, after printing "<command>: <error>", if the file is unreadable or not YAML.
bool LoadSettings(const char* command, const std::string& path,
                  const std::vector<std::string>& known, Config* cfg);

// The first line of `path` (a password file, as Sqoop's --password-file and redis-cli's
// --askpass keep secrets out of `ps`), without its line end. IOError if unreadable.
Result<std::string> ReadPasswordFile(const std::string& path);

// Copies the shared settings into `o` (a RunOptions or WorkerOptions). False, after printing
// "<command>: <error>", for a value of the wrong type.
template <class Options>
bool ApplyTopologySettings(const char* command, const Config& cfg, Options* o) {
  o->data_dir = cfg.GetString("data_dir", "./smartcar-data");
  o->rules_dir = cfg.GetString("rules.dir", "rules");
  o->redis = cfg.GetString("hot.redis", "");
  o->redis_user = cfg.GetString("hot.user", "");
  o->redis_password = cfg.GetString("hot.password", "");
  if (const std::string file = cfg.GetString("hot.password_file", ""); !file.empty()) {
    auto pw = ReadPasswordFile(file);
    if (!pw) {
      std::fprintf(stderr, "%s: %s: %s\n", command, cfg.Where("hot.password_file").c_str(),
                   pw.error().message().c_str());
      return false;
    }
    o->redis_password = *pw;
  }
  o->hot_prefix = cfg.GetString("hot.prefix", "");
  o->kafka_brokers = cfg.GetString("queue.engine", "") == "embedded"
                         ? ""
                         : cfg.GetString("queue.kafka.brokers", "");
  auto partitions = cfg.GetIntInRange("queue.partitions", 4, 1, 10000);
  auto ttl = cfg.GetDurationMs("hot.ttl", o->hot_ttl_ms);
  auto cep_par = cfg.GetIntInRange("topology.cep_parallelism", 2, 1, 64);
  auto table_par = cfg.GetIntInRange("topology.table_parallelism", 1, 1, 64);
  for (const auto* r : {&partitions, &ttl, &cep_par, &table_par}) {
    if (!*r) {
      std::fprintf(stderr, "%s: %s\n", command, r->error().message().c_str());
      return false;
    }
  }
  o->partitions = static_cast<int>(*partitions);
  o->hot_ttl_ms = *ttl;
  o->cep_parallelism = static_cast<int>(*cep_par);
  o->table_parallelism = static_cast<int>(*table_par);
  return true;
}

}  // namespace smartcar::cli
