// `smartcar run`: the README's main job — simulator, collector, durable log, topology, table and
// hot store in one process, on embedded engines unless --kafka / --redis (or smartcar.yaml) say
// otherwise.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/stop_signal.h"
#include "cli/topology_settings.h"
#include "core/config.h"
#include "core/event_time.h"
#include "core/thread_name.h"
#include "pipeline/builtin_rule.h"
#include "pipeline/runner.h"
#include "pipeline/stores.h"
#include "workflow/workflow.h"

namespace smartcar::cli {
namespace {

struct RunFlags {
  std::string config;
  std::string data;
  std::string date;
  int cars = -1;
  int64_t seed = -1;
  int64_t seconds = -1;
  bool fast = false;
  std::string rules;
  std::string redis;
  std::string kafka;
  std::string metrics_port;   // N, or "off".
  std::string ui;             // on|off
  std::string disk_min_free;  // A size, e.g. 2GB.
  RedisAuthFlags redis_auth;
  CoordFlags coord;
  std::string workflows = "workflows";
  bool no_scheduler = false;
};

// Settings smartcar.yaml may hold for `run` (see the shipped smartcar.yaml).
const std::vector<std::string> kRunSettings =
    TopologySettingKeys({"run.date", "run.cars", "run.seed", "run.seconds", "run.fast",
                         "run.interval", "run.overspeed_ratio"});

std::string Today() {
  const auto now = std::chrono::system_clock::now();
  return FormatDate8(EventTimeMs{
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()});
}

// DATA/rules holding the shipped pilot rule (written once; a user's edit there is kept).
Result<std::string> UseBuiltinRule(const std::string& data_dir) {
  const std::filesystem::path dir = std::filesystem::path(data_dir) / "rules";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Err(Status::IOError("cannot create '" + dir.string() + "': " + ec.message()));
  const std::filesystem::path file = dir / std::string(pipeline::kBuiltinPilotRuleName);
  if (!std::filesystem::exists(file)) {
    std::ofstream out(file, std::ios::binary);
    out << pipeline::kBuiltinPilotRule;
    if (!out) return Err(Status::IOError("cannot write '" + file.string() + "'"));
  }
  return dir.string();
}

int RunRun(const RunFlags& f) {
  Config cfg;
  if (!LoadSettings("smartcar run", f.config, kRunSettings, &cfg)) return kExitUsage;
  // Flags override the file.
  if (!f.data.empty()) cfg.Set("data_dir", f.data);
  if (!f.date.empty()) cfg.Set("run.date", f.date);
  if (f.cars >= 0) cfg.Set("run.cars", std::to_string(f.cars));
  if (f.seed >= 0) cfg.Set("run.seed", std::to_string(f.seed));
  if (f.seconds >= 0) cfg.Set("run.seconds", std::to_string(f.seconds));
  if (f.fast) cfg.Set("run.fast", "true");
  if (!f.rules.empty()) cfg.Set("rules.dir", f.rules, "--rules");
  if (!f.redis.empty()) cfg.Set("hot.redis", f.redis);
  SetRedisAuth(f.redis_auth, &cfg);
  SetCoord(f.coord, &cfg);
  if (!f.kafka.empty()) cfg.Set("queue.kafka.brokers", f.kafka);
  if (!f.metrics_port.empty()) cfg.Set("metrics.port", f.metrics_port, "--metrics-port");
  if (!f.ui.empty()) cfg.Set("metrics.ui", f.ui, "--ui");
  if (!f.disk_min_free.empty()) cfg.Set("disk.min_free", f.disk_min_free, "--disk-min-free");

  pipeline::RunOptions o;
  if (!ApplyTopologySettings("smartcar run", cfg, &o, "9464")) return kExitUsage;
  o.date = cfg.GetString("run.date", "");
  if (o.date.empty()) o.date = Today();
  auto cars = cfg.GetInt("run.cars", 100);
  auto seed = cfg.GetInt("run.seed", 1);
  auto seconds = cfg.GetInt("run.seconds", -1);
  auto fast = cfg.GetBool("run.fast", false);
  auto interval = cfg.GetInt("run.interval", 1);
  for (const auto* r : {&cars, &seed, &seconds, &interval}) {
    if (!*r) {
      std::fprintf(stderr, "smartcar run: %s\n", r->error().message().c_str());
      return kExitUsage;
    }
  }
  if (!fast) {
    std::fprintf(stderr, "smartcar run: %s\n", fast.error().message().c_str());
    return kExitUsage;
  }
  const std::string ratio = cfg.GetString("run.overspeed_ratio", "0.1");
  o.overspeed_ratio = std::atof(ratio.c_str());
  o.cars = static_cast<int>(*cars);
  o.seed = static_cast<uint64_t>(*seed);
  o.seconds = *seconds;
  o.fast = *fast;
  o.interval_seconds = static_cast<int>(*interval);
  if (o.cars < 1 || o.cars > 9999) {
    std::fprintf(stderr, "smartcar run: --cars must be between 1 and 9999, got %d\n", o.cars);
    return kExitUsage;
  }
  if (o.fast && o.seconds < 0) {
    std::fprintf(stderr, "smartcar run: --fast needs --seconds N (a flat-out run must end)\n");
    return kExitUsage;
  }
  if (auto d = ParseDate8(o.date); !d) {
    std::fprintf(stderr, "smartcar run: --date: %s\n", d.error().message().c_str());
    return kExitUsage;
  }
  auto stored = pipeline::StoredRuleNames(o);
  if (!stored) {
    std::fprintf(stderr, "smartcar run: %s\n", stored.error().ToString().c_str());
    return kExitFailure;
  }
  if (!std::filesystem::is_directory(o.rules_dir) && stored->empty()) {
    if (cfg.Has("rules.dir")) {
      std::fprintf(stderr, "smartcar run: rules folder '%s' not found (%s)\n", o.rules_dir.c_str(),
                   cfg.Where("rules.dir").c_str());
      return kExitUsage;
    }
    auto dir = UseBuiltinRule(o.data_dir);
    if (!dir) {
      std::fprintf(stderr, "smartcar run: %s\n", dir.error().message().c_str());
      return kExitFailure;
    }
    std::fprintf(stderr,
                 "smartcar run: no rules folder here: running the built-in pilot rule from %s/%s "
                 "(edit it to change the threshold while running; --rules DIR for your own)\n",
                 dir->c_str(), std::string(pipeline::kBuiltinPilotRuleName).c_str());
    o.rules_dir = *dir;
  }
  o.status_out = stderr;
  o.status_is_tty = isatty(STDERR_FILENO) == 1;
  o.stop = &StopOnSignals();
  // The day jobs' scheduler beside the pipeline (docs/WORKFLOW.md): when the workflows folder
  // exists, unless --no-scheduler. It stops with the pipeline.
  std::atomic<bool> scheduler_stop{false};
  std::unique_ptr<coord::Coordinator> scheduler_coord;
  std::thread scheduler;
  if (!f.no_scheduler && std::filesystem::is_directory(f.workflows)) {
    auto c = OpenCoordinatorFor(o.data_dir, CoordFlags{o.zookeeper, o.zookeeper_auth});
    if (!c) {
      std::fprintf(stderr, "smartcar run: the workflow scheduler: %s\n",
                   c.error().message().c_str());
      return kExitFailure;
    }
    scheduler_coord = std::move(*c);
    workflow::SchedulerOptions so;
    so.folder = f.workflows;
    so.run.data_dir = o.data_dir;
    so.run.stop = &scheduler_stop;
    so.run.progress = [](const std::string& line) {
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    };
    scheduler = std::thread([&scheduler_coord, so] {
      NameThisThread("scheduler");
      if (Status st = workflow::RunScheduler(scheduler_coord.get(), so); !st.ok()) {
        std::fprintf(stderr, "smartcar run: the workflow scheduler stopped: %s\n",
                     st.message().c_str());
      }
    });
  }
  pipeline::RunReport report;
  Status s = pipeline::RunPipeline(o, &report);
  scheduler_stop = true;
  if (scheduler.joinable()) scheduler.join();
  if (!s.ok()) {
    std::fprintf(stderr, "smartcar run: %s\n", s.message().c_str());
    return kExitFailure;
  }
  std::fprintf(stderr,
               "smartcar run: done. Try:\n  smartcar shell --data %s -e \"scan 'DriverCarInfo', "
               "{LIMIT=>2}\"\n"
               "  smartcar overspeed %s --data %s\n",
               o.data_dir.c_str(), o.date.c_str(), o.data_dir.c_str());
  return kExitOk;
}

}  // namespace

void RegisterRun(CLI::App* app, int* exit_code) {
  auto f = std::make_shared<RunFlags>();
  CLI::App* cmd = app->add_subcommand(
      "run",
      "Run the real-time pipeline: driver simulator -> collector (TAILDIR) -> durable log\n"
      "(SmartCar-Topic) -> topology -> DriverCarInfo table + overspeed detections in the hot "
      "store.\n"
      "Embedded engines by default; a live status line on stderr. Ctrl-C stops cleanly: queued\n"
      "work is stored and committed, events still waiting for their windows are replayed by the\n"
      "next run.\n"
      "With --seconds N it ends by itself once everything generated is stored and evaluated.\n"
      "Killed and restarted with the same options, it continues the same run without loss.");
  cmd->add_option("--config", f->config, "smartcar.yaml with settings (flags override it)");
  cmd->add_option("--data", f->data, "Data folder (default ./smartcar-data)");
  cmd->add_option("--date", f->date, "Simulated day yyyyMMdd (default: today)");
  cmd->add_option("--cars", f->cars, "Number of cars, 1-9999 (default 100, the pilot's)");
  cmd->add_option("--seed", f->seed, "Simulator seed (default 1)");
  cmd->add_option("--seconds", f->seconds, "Simulated seconds to run (default: until Ctrl-C)");
  cmd->add_flag("--fast", f->fast, "Simulate flat out instead of in real time (needs --seconds)");
  cmd->add_option("--workflows", f->workflows,
                  "Run the schedules of the workflows in this folder beside the pipeline, when it "
                  "exists (docs/WORKFLOW.md)")
      ->capture_default_str();
  cmd->add_flag("--no-scheduler", f->no_scheduler, "Do not run the workflow scheduler");
  cmd->add_option("--rules", f->rules,
                  "Folder of *.epl rule files, reloaded when changed (default ./rules); once\n"
                  "`smartcar rules deploy` has stored rules in the coordinator, those run instead");
  cmd->add_option("--redis", f->redis,
                  "Use Redis HOST:PORT (or redis://[USER:PASSWORD@]HOST:PORT) as the hot store\n"
                  "instead of the embedded one");
  AddRedisAuthFlags(cmd, &f->redis_auth);
  AddCoordFlags(cmd, &f->coord);
  cmd->add_option("--kafka", f->kafka,
                  "Use Kafka brokers HOST:PORT,... as the durable log instead of the embedded one");
  AddDiskMinFreeFlag(cmd, &f->disk_min_free);
  AddMetricsPortFlag(cmd, &f->metrics_port, "9464");
  AddUiFlag(cmd, &f->ui);
  cmd->callback([f, exit_code] { *exit_code = RunRun(*f); });
}

}  // namespace smartcar::cli
