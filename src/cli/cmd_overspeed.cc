// `smartcar overspeed DATE`: the pilot's OverSpeedCarInfo. Lists the day's overspeeding cars from
// the hot store (embedded folder, Redis, or Redis found through Sentinel), one per line, sorted;
// with --details, each car's latest detection as one JSON object per line.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/topology_settings.h"
#include "core/config.h"
#include "core/event_time.h"
#include "hot/detection.h"
#include "hot/hot_store.h"
#include "pipeline/settings.h"

namespace smartcar::cli {
namespace {

struct OverspeedFlags {
  std::string date;
  bool details = false;
  std::string data = "smartcar-data";
  std::string redis;
  std::string sentinel;
  std::string master;
  std::string user;
  std::string password;
  std::string password_file;
  std::string prefix;
  int timeout_ms = 5000;
  std::string config;
};

int Fail(int code, const std::string& msg) {
  std::fprintf(stderr, "smartcar overspeed: %s\n", msg.c_str());
  return code;
}

// Fills hot::HotOptions from the flags (a later smartcar.yaml fills the same struct).
int ToOptions(const OverspeedFlags& f, hot::HotOptions* o) {
  o->key_prefix = f.prefix;
  o->username = f.user;
  o->password = f.password;
  o->open_timeout_ms = f.timeout_ms;
  o->write_timeout_ms = f.timeout_ms;
  if (!f.sentinel.empty()) {
    auto list = hot::ParseEndpointList(f.sentinel, "--sentinel");
    if (!list) return Fail(kExitUsage, list.error().message());
    o->sentinels = *std::move(list);
    o->master_name = f.master;
  } else if (!f.redis.empty()) {
    auto address = hot::ParseRedisAddress(f.redis, "--redis");
    if (!address) return Fail(kExitUsage, address.error().message());
    o->redis = address->endpoint;
    if (o->username.empty()) o->username = address->username;
    if (o->password.empty()) o->password = address->password;
  } else {
    if (Status s = CheckDataDir(f.data); !s.ok()) return Fail(kExitUsage, s.message());
    o->data_dir = pipeline::DataFolder(f.data).Hot();
    o->read_only = true;  // Works while the pipeline holds the store open.
  }
  if (!f.password_file.empty()) {
    auto pw = ReadPasswordFile(f.password_file);
    if (!pw) return Fail(kExitUsage, "--password-file: " + pw.error().message());
    o->password = *pw;
  }
  return kExitOk;
}

// Fills unset flags from smartcar.yaml (data_dir, hot.redis, hot.sentinels, hot.master,
// hot.prefix); a flag given on the command line wins.
int ApplyConfig(OverspeedFlags* f) {
  if (f->config.empty()) return kExitOk;
  auto cfg = Config::LoadFile(f->config);
  if (!cfg) return Fail(kExitUsage, cfg.error().message());
  const bool engine_flag =
      !f->redis.empty() || !f->sentinel.empty() || f->data != OverspeedFlags().data;
  if (!engine_flag) {
    f->data = cfg->GetString("data_dir", f->data);
    f->redis = cfg->GetString("hot.redis", "");
    f->sentinel = cfg->GetString("hot.sentinels", "");
    f->master = cfg->GetString("hot.master", f->master);
  }
  if (f->prefix.empty()) f->prefix = cfg->GetString("hot.prefix", "");
  if (f->user.empty()) f->user = cfg->GetString("hot.user", "");
  if (f->password.empty()) f->password = cfg->GetString("hot.password", "");
  if (f->password.empty() && f->password_file.empty()) {
    f->password_file = cfg->GetString("hot.password_file", "");
  }
  return kExitOk;
}

int RunOverspeed(OverspeedFlags f) {
  if (int rc = ApplyConfig(&f); rc != kExitOk) return rc;
  if (auto d = ParseDate8(f.date); !d) return Fail(kExitUsage, "DATE: " + d.error().message());
  hot::HotOptions options;
  if (int rc = ToOptions(f, &options); rc != kExitOk) return rc;
  auto opened = hot::OpenHotStore(options);
  if (!opened) {
    if (opened.error().IsNotFound() && options.read_only) {
      // No embedded store yet: nothing was ever detected here.
      std::fprintf(stderr, "smartcar overspeed: 0 cars on %s (no hot store in %s)\n",
                   f.date.c_str(), options.data_dir.c_str());
      return kExitOk;
    }
    return Fail(opened.error().IsInvalidArgument() ? kExitUsage : kExitFailure,
                opened.error().message());
  }
  hot::HotStore& store = **opened;
  auto cars = store.Members(f.date);
  if (!cars) return Fail(kExitFailure, cars.error().message());
  if (!f.details) {
    for (const std::string& car : *cars) std::printf("%s\n", car.c_str());
  } else {
    auto details = hot::DetectionDetails(store, f.date, *cars);
    if (!details) return Fail(kExitFailure, details.error().message());
    for (const std::string& d : *details) std::printf("%s\n", d.c_str());
  }
  std::fflush(stdout);
  std::fprintf(stderr, "smartcar overspeed: %zu car(s) on %s (%s)\n", cars->size(), f.date.c_str(),
               store.Describe().c_str());
  return kExitOk;
}

}  // namespace

void RegisterOverspeed(CLI::App* app, int* exit_code) {
  auto f = std::make_shared<OverspeedFlags>();
  CLI::App* cmd = app->add_subcommand(
      "overspeed",
      "List a day's overspeeding cars from the hot store (the pilot's OverSpeedCarInfo).\n"
      "Reads the embedded store in DATA/hot unless --redis or --sentinel is given; with Redis,\n"
      "`redis-cli SMEMBERS <prefix>DATE` shows the same cars.");
  cmd->add_option("DATE", f->date, "Day yyyyMMdd, e.g. 20220426")->required();
  cmd->add_flag("--details", f->details, "Print each car's latest detection as a JSON line");
  auto* data = cmd->add_option("--data", f->data, "Data folder of the embedded engine")
                   ->capture_default_str();
  auto* redis = cmd->add_option("--redis", f->redis, "Redis server HOST:PORT");
  auto* sentinel = cmd->add_option("--sentinel", f->sentinel,
                                   "Sentinels HOST:PORT,HOST:PORT,... (needs --master)");
  auto* master = cmd->add_option("--master", f->master, "Master name known to the sentinels");
  cmd->add_option("--user", f->user, "Redis ACL user (with --password)");
  cmd->add_option("--password", f->password,
                  "Redis password (AUTH); or set SMARTCAR_REDIS_PASSWORD to keep it out of `ps`")
      ->envname("SMARTCAR_REDIS_PASSWORD");
  cmd->add_option("--password-file", f->password_file,
                  "File whose first line is the Redis password");
  cmd->add_option("--prefix", f->prefix, "Key prefix, e.g. overspeed: (default none)");
  cmd->add_option(
      "--config", f->config,
      "smartcar.yaml: data_dir, hot.redis, hot.sentinels, hot.master, hot.prefix, hot.user,\n"
      "hot.password, hot.password_file (flags win)");
  cmd->add_option("--timeout-ms", f->timeout_ms, "Give up reaching Redis after this long")
      ->capture_default_str();
  data->excludes(redis)->excludes(sentinel);
  redis->excludes(sentinel);
  sentinel->needs(master);
  master->needs(sentinel);
  cmd->callback([f, exit_code] { *exit_code = RunOverspeed(*f); });
}

}  // namespace smartcar::cli
