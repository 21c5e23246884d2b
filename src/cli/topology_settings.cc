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
                                   "coord.zookeeper",
                                   "coord.zookeeper_auth",
                                   "coord.session_timeout",
                                   "topology.cep_parallelism",
                                   "topology.table_parallelism",
                                   "metrics.port",
                                   "metrics.host",
                                   "metrics.ui",
                                   "disk.min_free"};
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

void AddCoordFlags(CLI::App* cmd, CoordFlags* f) {
  cmd->add_option("--zookeeper", f->zookeeper,
                  "Share rules and membership through ZooKeeper: host:port[,host:port...][/chroot] "
                  "(chroot default /smartcar); default: embedded, in DATA/coord");
  cmd->add_option("--zookeeper-auth", f->auth,
                  "ZooKeeper digest credentials user:password (nodes created writable by that "
                  "identity only); or set SMARTCAR_ZOOKEEPER_AUTH")
      ->envname("SMARTCAR_ZOOKEEPER_AUTH");
}

Result<std::unique_ptr<coord::Coordinator>> OpenCoordinatorFor(const std::string& data_dir,
                                                               const CoordFlags& f) {
  coord::CoordOptions o;
  o.data_dir = data_dir;
  o.zookeeper = f.zookeeper;
  o.zookeeper_auth = f.auth;
  return coord::OpenCoordinator(o);
}

void SetCoord(const CoordFlags& f, Config* cfg) {
  if (!f.zookeeper.empty()) cfg->Set("coord.zookeeper", f.zookeeper, "--zookeeper");
  if (!f.auth.empty()) cfg->Set("coord.zookeeper_auth", f.auth, "--zookeeper-auth");
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

void AddMetricsPortFlag(CLI::App* cmd, std::string* port, const char* default_text) {
  cmd->add_option("--metrics-port", *port,
                  std::string("Serve GET /metrics (Prometheus), /stats.json and /healthz on this "
                              "port\n(default ") +
                      default_text + ", 0 = any free port, off = none); see DATA/metrics.json");
}

void AddUiFlag(CLI::App* cmd, std::string* ui) {
  cmd->add_option("--ui", *ui,
                  "on (default): the endpoint also serves the operator's console at / and its\n"
                  "API under /api/v1/ (docs/API.md); off: metrics, stats and health only")
      ->check(CLI::IsMember({"on", "off"}));
}

void AddDiskMinFreeFlag(CLI::App* cmd, std::string* size) {
  cmd->add_option("--disk-min-free", *size,
                  "Pause intake while the data folder's disk has less free space than this,\n"
                  "or would have by the next check (several a second) at the rate it fills\n"
                  "(e.g. 2GB, 512MiB; 0 = never; default: the smaller of 1 GB and 5% of the\n"
                  "disk); it resumes at 1.5 times this. Shown on the status line and /healthz");
}

bool ApplyTopologySettings(const char* command, const Config& cfg, pipeline::PipelineSettings* o,
                           const char* default_metrics_port) {
  auto min_free = cfg.GetString("disk.min_free", "auto") == "auto"
                      ? Result<int64_t>(-1)
                      : cfg.GetBytes("disk.min_free", -1);
  if (!min_free) {
    std::fprintf(stderr, "%s: %s\n", command, min_free.error().message().c_str());
    return false;
  }
  o->disk_min_free_bytes = *min_free;
  o->kafka_properties = cfg.Subtree("queue.kafka.properties");
  o->metrics_host = cfg.GetString("metrics.host", "127.0.0.1");
  if (const std::string ui = cfg.GetString("metrics.ui", "on"); ui == "on" || ui == "off") {
    o->console = ui == "on";
  } else {
    std::fprintf(stderr, "%s: %s: '%s' is neither on nor off\n", command,
                 cfg.Where("metrics.ui").c_str(), ui.c_str());
    return false;
  }
  if (cfg.GetString("metrics.port", default_metrics_port) == "off") {
    o->metrics_port = -1;
  } else {
    auto port = cfg.GetIntInRange("metrics.port", 9464, -1, 65535);
    if (!port) {
      std::fprintf(stderr,
                   "%s: %s: '%s' is not a port (0-65535, 0 = any free port, off or -1 = no "
                   "endpoint)\n",
                   command, cfg.Where("metrics.port").c_str(),
                   cfg.GetString("metrics.port", "").c_str());
      return false;
    }
    o->metrics_port = static_cast<int>(*port);
  }
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
  o->zookeeper = cfg.GetString("coord.zookeeper", "");
  o->zookeeper_auth = cfg.GetString("coord.zookeeper_auth", "");
  o->kafka_brokers = cfg.GetString("queue.engine", "") == "embedded"
                         ? ""
                         : cfg.GetString("queue.kafka.brokers", "");
  auto session = cfg.GetDurationMs("coord.session_timeout", o->zookeeper_session_timeout_ms);
  if (!session || *session < 400 || *session > 600'000) {
    std::fprintf(stderr, "%s: %s\n", command,
                 session ? (cfg.Where("coord.session_timeout") +
                            ": must be between 400ms and 10m (ZooKeeper clamps it to 2-20 ticks)")
                               .c_str()
                         : session.error().message().c_str());
    return false;
  }
  o->zookeeper_session_timeout_ms = *session;
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
