// The smartcar.yaml settings `smartcar run` and `smartcar worker` share: where the data lives,
// the rules, the engines and the topology's parallelism. One reader, so both commands read a
// setting the same way and report a bad value the same way.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "coord/coordinator.h"
#include "core/config.h"
#include "pipeline/settings.h"

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

// Coordination for `run`, `worker` and `rules deploy|list|...`: --zookeeper and
// --zookeeper-auth (or SMARTCAR_ZOOKEEPER_AUTH), then smartcar.yaml's coord.zookeeper /
// coord.zookeeper_auth. Empty: the embedded engine in DATA/coord.
struct CoordFlags {
  std::string zookeeper;
  std::string auth;
};
void AddCoordFlags(CLI::App* cmd, CoordFlags* f);
void SetCoord(const CoordFlags& f, Config* cfg);
// The coordinator the flags name for the data folder `data_dir`: ZooKeeper with --zookeeper,
// else the embedded one in DATA/coord. For commands that take no smartcar.yaml.
Result<std::unique_ptr<coord::Coordinator>> OpenCoordinatorFor(const std::string& data_dir,
                                                               const CoordFlags& f);

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

// Copies the shared settings into `o`, the metrics endpoint defaulting to `default_metrics_port`
// ("9464", or "off"). False, after printing "<command>: <error>", for a value of the wrong type
// or out of range.
bool ApplyTopologySettings(const char* command, const Config& cfg, pipeline::PipelineSettings* o,
                           const char* default_metrics_port);

// --metrics-port N|off, into `port` (copy it to the config's metrics.port).
void AddMetricsPortFlag(CLI::App* cmd, std::string* port, const char* default_text);
// --ui on|off (metrics.ui): whether the endpoint serves the operator's console and its API.
void AddUiFlag(CLI::App* cmd, std::string* ui);
// --disk-min-free SIZE, into `size` (copy it to the config's disk.min_free).
void AddDiskMinFreeFlag(CLI::App* cmd, std::string* size);

}  // namespace smartcar::cli
