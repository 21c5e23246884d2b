// `smartcar worker`: the topology alone, consuming SmartCar-Topic as a member of consumer group
// smartcar-group1 — the scale-out half of `smartcar run` (no simulator, no collector). Run N of
// them against one Kafka cluster and they split the partitions; see docs/TOPOLOGY.md.
// `smartcar replay --from D [--to D]`: the same topology over a stored time range, in its own
// group (pipeline/replay.h); it takes the worker's flags.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/stop_signal.h"
#include "cli/topology_settings.h"
#include "core/config.h"
#include "core/event_time.h"
#include "core/file.h"
#include "pipeline/replay.h"
#include "pipeline/rule_source.h"
#include "pipeline/stores.h"
#include "pipeline/worker.h"
#include "server/http_client.h"

namespace smartcar::cli {
namespace {

struct WorkerFlags {
  std::string config;
  std::string data;
  std::string rules;
  std::string redis;
  std::string kafka;
  std::vector<std::string> kafka_properties;
  double until_idle = -1;
  std::string metrics_port;   // N, or "off".
  std::string ui;             // on|off
  std::string disk_min_free;  // A size, e.g. 2GB.
  RedisAuthFlags redis_auth;
  CoordFlags coord;
  std::string from, to;                    // replay
  std::vector<std::string> rule_versions;  // replay
  bool replace_detections = false;         // replay
};

const std::vector<std::string> kWorkerSettings = TopologySettingKeys();

// The settings both commands take from flags and smartcar.yaml; false after printing why.
bool WorkerSettings(const char* command, const WorkerFlags& f, pipeline::WorkerOptions* out) {
  pipeline::WorkerOptions& o = *out;
  Config cfg;
  if (!LoadSettings(command, f.config, kWorkerSettings, &cfg)) return false;
  if (!f.data.empty()) cfg.Set("data_dir", f.data);
  if (!f.rules.empty()) cfg.Set("rules.dir", f.rules);
  if (!f.redis.empty()) cfg.Set("hot.redis", f.redis);
  SetRedisAuth(f.redis_auth, &cfg);
  SetCoord(f.coord, &cfg);
  if (!f.kafka.empty()) cfg.Set("queue.kafka.brokers", f.kafka);
  if (!f.metrics_port.empty()) cfg.Set("metrics.port", f.metrics_port, "--metrics-port");
  if (!f.ui.empty()) cfg.Set("metrics.ui", f.ui, "--ui");
  if (!f.disk_min_free.empty()) cfg.Set("disk.min_free", f.disk_min_free, "--disk-min-free");

  if (!ApplyTopologySettings(command, cfg, &o, "off")) return false;
  for (const std::string& kv : f.kafka_properties) {  // Flags win.
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "%s: --kafka-property '%s': expected name=value\n", command, kv.c_str());
      return false;
    }
    o.kafka_properties[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  // Without a rules folder the coordinator's rule store must hold rules.
  auto stored = pipeline::StoredRuleNames(o);
  if (!stored) {
    std::fprintf(stderr, "%s: %s\n", command, stored.error().ToString().c_str());
    return false;
  }
  if (!std::filesystem::is_directory(o.rules_dir) && stored->empty()) {
    std::fprintf(stderr, "%s: rules folder '%s' not found (--rules DIR)\n", command,
                 o.rules_dir.c_str());
    return false;
  }
  o.status_out = stderr;
  o.status_is_tty = isatty(STDERR_FILENO) == 1;
  o.stop = &StopOnSignals();
  return true;
}

int RunWorker(const WorkerFlags& f) {
  pipeline::WorkerOptions o;
  if (!WorkerSettings("smartcar worker", f, &o)) return kExitUsage;
  if (f.until_idle >= 0) o.until_idle_ms = static_cast<int64_t>(f.until_idle * 1000);
  if (o.kafka_brokers.empty()) {
    std::fprintf(stderr,
                 "smartcar worker: no --kafka brokers: consuming the embedded log in %s/queue "
                 "(one worker per data folder; scale-out needs Kafka)\n",
                 o.data_dir.c_str());
  }
  pipeline::WorkerReport report;
  Status s = pipeline::RunWorker(o, &report);
  if (!s.ok()) {
    std::fprintf(stderr, "smartcar worker: %s\n", s.message().c_str());
    return kExitFailure;
  }
  std::fprintf(stderr,
               "smartcar worker: done: %llu records consumed, %llu rows stored, %llu detections\n",
               static_cast<unsigned long long>(report.consumed),
               static_cast<unsigned long long>(report.stored),
               static_cast<unsigned long long>(report.detections));
  return kExitOk;
}

constexpr const char* kReplayCmd = "smartcar replay";

// A live run or worker holds the folder and serves its endpoint: the replay runs inside it, on
// its stores (POST /api/v1/replay); this process follows it (GET) and may stop following
// without stopping it.
int FollowReplayIn(const server::EndpointInfo& live, const std::string& from, const std::string& to,
                   const pipeline::ReplayOptions& o) {
  const std::string api = live.url + "/api/v1/replay";
  const std::string who = "pid " + std::to_string(live.pid) + " at " + live.url;
  std::string query = "?from=" + from + "&to=" + to;
  if (o.rules.folder_only) {
    query += "&rules=" + server::QueryParam(std::filesystem::absolute(o.rules_dir).string());
  }
  std::string versions;
  for (const auto& v : o.rule_versions) versions += (versions.empty() ? "" : ",") + v;
  if (!versions.empty()) query += "&rule_version=" + server::QueryParam(versions);
  if (o.replace_detections) query += "&replace_detections=1";
  // Starting one changes the stores: the live process's API token (its data folder's file, which
  // this user can read when the folder is theirs).
  auto token = ReadFileToString(pipeline::DataFolder(o.data_dir).ConsoleToken(), "API token");
  if (!token) {
    std::fprintf(stderr, "%s: the process holding the data folder (%s) serves replays, but %s\n",
                 kReplayCmd, who.c_str(), token.error().message().c_str());
    return kExitFailure;
  }
  const std::string t = token->substr(0, token->find_first_of("\r\n"));
  auto started = server::HttpPost(api + query, std::chrono::seconds(30), t);
  if (!started) {
    std::fprintf(stderr, "%s: the process holding the data folder (%s) does not answer: %s\n",
                 kReplayCmd, who.c_str(), started.error().message().c_str());
    return kExitFailure;
  }
  auto state = pipeline::ReplayStateFromJson(started->body);
  if ((started->status != 200 && started->status != 202) || !state) {
    auto j = nlohmann::json::parse(started->body, nullptr, false);
    const std::string why = j.is_object() && j.contains("error") && j["error"].is_string()
                                ? j["error"].get<std::string>()
                                : started->body;
    std::fprintf(stderr, "%s: %s refused the replay (HTTP %d): %s\n", kReplayCmd, who.c_str(),
                 started->status, why.c_str());
    return kExitFailure;
  }
  std::fprintf(stderr, "%s: %s inside %s, beside its live pipeline%s\n", kReplayCmd,
               started->status == 202 ? "started" : "following the replay running", who.c_str(),
               state->resumed ? " (resumed)" : "");
  Progress progress("records", state->planned);
  while (state->running) {
    if (StopOnSignals().load()) {
      std::fprintf(stderr,
                   "\n%s: stopped following; the replay goes on in %s (run the same command "
                   "to follow it again)\n",
                   kReplayCmd, who.c_str());
      return kExitFailure;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto r = server::HttpGet(api, std::chrono::seconds(10));
    auto next =
        r ? pipeline::ReplayStateFromJson(r->body) : Result<pipeline::ReplayState>(Err(r.error()));
    if (!next) {
      std::fprintf(stderr,
                   "\n%s: lost %s (%s): run the same command to resume the replay where it "
                   "stopped\n",
                   kReplayCmd, who.c_str(), next.error().message().c_str());
      return kExitFailure;
    }
    state = std::move(next);
    progress.Update(state->consumed);
  }
  progress.Finish(state->consumed);
  if (!state->done) {
    std::fprintf(stderr, "%s: the replay in %s ended early: %s\n", kReplayCmd, who.c_str(),
                 state->error.c_str());
    return kExitFailure;
  }
  std::fprintf(stderr,
               "%s: done (inside %s): %llu records replayed (%llu planned), %llu rows written "
               "again, %llu detections written\n",
               kReplayCmd, who.c_str(), static_cast<unsigned long long>(state->consumed),
               static_cast<unsigned long long>(state->planned),
               static_cast<unsigned long long>(state->stored),
               static_cast<unsigned long long>(state->detections));
  return kExitOk;
}

int RunReplay(const WorkerFlags& f) {
  constexpr const char* kCmd = kReplayCmd;
  pipeline::ReplayOptions o;
  auto from = ParseTimeBound(f.from, false);
  auto to = ParseTimeBound(f.to.empty() ? f.from : f.to, true);
  if (!from || !to) {
    std::fprintf(stderr, "%s: %s %s\n", kCmd, !from ? "--from" : "--to",
                 (!from ? from : to).error().message().c_str());
    return kExitUsage;
  }
  if (*to <= *from) {
    std::fprintf(stderr, "%s: empty range: --from %s is after --to %s\n", kCmd, f.from.c_str(),
                 f.to.c_str());
    return kExitUsage;
  }
  if (!WorkerSettings(kCmd, f, &o)) return kExitUsage;
  if (!f.rules.empty()) {
    // An explicit folder: its rules, whatever the rule store holds.
    if (!std::filesystem::is_directory(o.rules_dir)) {
      std::fprintf(stderr, "%s: rules folder '%s' not found (--rules DIR)\n", kCmd,
                   o.rules_dir.c_str());
      return kExitUsage;
    }
    o.rules.folder_only = true;
  }
  for (const std::string& v : f.rule_versions) {
    if (auto parsed = pipeline::ParseRuleVersion(v); !parsed) {
      std::fprintf(stderr, "%s: %s\n", kCmd, parsed.error().message().c_str());
      return kExitUsage;
    }
  }
  o.rule_versions = f.rule_versions;
  if (f.replace_detections && (*from % kMsPerDay != 0 || *to % kMsPerDay != 0)) {
    std::fprintf(stderr,
                 "%s: --replace-detections needs whole days (--from and --to as yyyyMMdd): the "
                 "hot store keeps one set per day\n",
                 kCmd);
    return kExitUsage;
  }
  o.replace_detections = f.replace_detections;
  if (auto live = pipeline::LiveEndpointOf(o.data_dir)) {
    return FollowReplayIn(*live, f.from, f.to.empty() ? f.from : f.to, o);
  }
  o.from_ms = *from;
  o.to_ms = *to;
  pipeline::ReplayReport report;
  Status s = pipeline::RunReplay(o, &report);
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", kCmd, s.message().c_str());
    return kExitFailure;
  }
  if (o.stop->load()) {
    std::fprintf(stderr,
                 "%s: stopped: %llu records replayed; run the same command to resume "
                 "(DATA/replay.json keeps the plan)\n",
                 kCmd, static_cast<unsigned long long>(report.consumed));
    return kExitFailure;
  }
  std::fprintf(stderr,
               "%s: done%s: %llu records replayed (%llu planned), %llu rows written again, "
               "%llu detections written\n",
               kCmd, report.resumed ? " (resumed)" : "",
               static_cast<unsigned long long>(report.consumed),
               static_cast<unsigned long long>(report.planned),
               static_cast<unsigned long long>(report.stored),
               static_cast<unsigned long long>(report.detections));
  return kExitOk;
}

// The flags `worker` and `replay` share.
void AddWorkerFlags(CLI::App* cmd, WorkerFlags* f) {
  cmd->add_option("--config", f->config, "smartcar.yaml with settings (flags override it)");
  cmd->add_option("--data", f->data,
                  "This worker's data folder: its DriverCarInfo table (default ./smartcar-data)");
  cmd->add_option("--rules", f->rules,
                  "Folder of *.epl rule files, reloaded when changed (default ./rules); once\n"
                  "`smartcar rules deploy` has stored rules in the coordinator, those run instead");
  cmd->add_option("--kafka", f->kafka, "Kafka brokers HOST:PORT,... holding SmartCar-Topic");
  cmd->add_option("--kafka-property", f->kafka_properties,
                  "librdkafka property name=value (repeatable), e.g. session.timeout.ms=6000");
  cmd->add_option("--redis", f->redis,
                  "Redis HOST:PORT (or redis://[USER:PASSWORD@]HOST:PORT) as the hot store shared "
                  "by all workers");
  AddRedisAuthFlags(cmd, &f->redis_auth);
  AddCoordFlags(cmd, &f->coord);
  AddDiskMinFreeFlag(cmd, &f->disk_min_free);
  AddMetricsPortFlag(cmd, &f->metrics_port, "off");
  AddUiFlag(cmd, &f->ui);
}

}  // namespace

void RegisterWorker(CLI::App* app, int* exit_code) {
  auto f = std::make_shared<WorkerFlags>();
  CLI::App* cmd = app->add_subcommand(
      "worker",
      "Run only the topology: consume SmartCar-Topic in consumer group smartcar-group1 and write\n"
      "DriverCarInfo and the overspeed detections (no simulator, no collector). Start N workers\n"
      "against one Kafka cluster (--kafka) to split the topic's partitions; a worker that dies\n"
      "hands its partitions to the others, which replay them from the committed offsets.\n"
      "Use --redis so every worker's detections land in one hot store.");
  AddWorkerFlags(cmd, f.get());
  cmd->add_option("--until-idle", f->until_idle,
                  "End by itself once this worker's partitions are read to their end and no "
                  "record came for SECONDS; open windows are then closed, everything is "
                  "committed, exit 0 (default: run until Ctrl-C)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([f, exit_code] { *exit_code = RunWorker(*f); });
}

void RegisterReplay(CLI::App* app, int* exit_code) {
  auto f = std::make_shared<WorkerFlags>();
  CLI::App* cmd = app->add_subcommand(
      "replay",
      "Re-process the driving events of a time range stored in SmartCar-Topic through the\n"
      "topology into DriverCarInfo and the hot store (after a rule fix, or to rebuild a lost\n"
      "hot store). Its own consumer group (smartcar-replay): the live group's position is\n"
      "untouched. Rows are rewritten with identical cells, detections of windows starting in\n"
      "the range re-added. Killed or stopped, the same command resumes (DATA/replay.json).\n"
      "Try a rule fix on history with `smartcar rules backtest` first; replay with the fixed rule\n"
      "(deployed, --rules DIR or --rule-version N) once it shows what you want.");
  cmd->add_option("--from", f->from, "First day yyyyMMdd or second yyyyMMddHHmmss (event time)")
      ->required();
  cmd->add_option("--to", f->to, "Last day or second, inclusive (default: --from)");
  AddWorkerFlags(cmd, f.get());
  cmd->get_option("--rules")->description(
      "Replay with the *.epl files of this folder, whatever the rule store holds (default:\n"
      "the rules a live run would use: the store's latest versions, else ./rules)");
  cmd->add_option("--rule-version", f->rule_versions,
                  "Replay with version N of a stored rule (`smartcar rules history NAME`): N when\n"
                  "the store holds one rule, else NAME=N (repeatable); other stored rules run at\n"
                  "their latest version, and deploys made during the replay are not followed")
      ->excludes("--rules");
  cmd->add_flag("--replace-detections", f->replace_detections)
      ->description(
          "Delete the range's day sets and detections from the hot store before replaying, so\n"
          "they hold exactly what this replay detects (after a rule change); whole days only");
  cmd->footer(
      "Beside a live `smartcar run` or `worker` that serves its endpoint on the same folder,\n"
      "the replay runs inside that process and this command follows it (Ctrl-C stops\n"
      "following, not the replay). Without --replace-detections, a replay with another rule\n"
      "adds its detections to the day sets and keeps the ones the old rule made.");
  cmd->callback([f, exit_code] { *exit_code = RunReplay(*f); });
}

}  // namespace smartcar::cli
