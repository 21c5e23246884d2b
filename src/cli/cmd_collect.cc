// `smartcar collect --conf FILE --name AGENT`: runs a Flume-style collector agent.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/stop_signal.h"
#include "collect/agent.h"

namespace smartcar::cli {
namespace {

struct CollectFlags {
  std::string conf;
  std::string name;
  std::string data = "smartcar-data";
  bool drain = false;
  bool metrics = false;
};

int RunCollect(const CollectFlags& f) {
  auto props = collect::LoadProperties(f.conf);
  if (!props) {
    std::fprintf(stderr, "smartcar collect: %s\n", props.error().message().c_str());
    return kExitUsage;
  }
  collect::AgentOptions options;
  options.data_dir = f.data;
  options.make_log_sink = MakeCollectLogSinkFactory(f.data);
  auto agent = collect::Agent::Create(*props, f.name, options);
  if (!agent) {
    std::fprintf(stderr, "smartcar collect: %s: %s\n", f.conf.c_str(),
                 agent.error().message().c_str());
    return kExitUsage;
  }
  for (const auto& w : (*agent)->warnings())
    std::fprintf(stderr, "smartcar collect: warning: %s: %s\n", f.conf.c_str(), w.c_str());
  std::atomic<bool>& stop = StopOnSignals();
  Status s = (*agent)->Run(stop, f.drain);
  if (f.metrics) std::fputs((*agent)->MetricsText().c_str(), stdout);
  if (!s.ok()) {
    std::fprintf(stderr, "smartcar collect: %s\n", s.ToString().c_str());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void RegisterCollect(CLI::App* app, int* exit_code) {
  auto flags = std::make_shared<CollectFlags>();
  CLI::App* cmd = app->add_subcommand(
      "collect",
      "Run a Flume-style collector agent from a Flume properties file (sources TAILDIR, spooldir,\n"
      "exec, stdin; interceptors timestamp, host, static, regex_filter, collect_day, parse; sinks\n"
      "KafkaSink/log (the durable log), hdfs (files under DATA/hdfs), file_roll, logger).\n"
      "A batch's source position is committed only after its sinks acknowledged it. See "
      "docs/COLLECT.md.");
  cmd->add_option("--conf,-f", flags->conf,
                  "Flume properties file, e.g. conf/smartcar-agent.properties")
      ->required();
  cmd->add_option("--name,-n", flags->name, "Agent name in the file (the pilot's: SmartCar_Agent)")
      ->required();
  cmd->add_option("--data", flags->data,
                  "Data folder: durable log, positions, dead letters, hdfs output")
      ->capture_default_str();
  cmd->add_flag("--drain", flags->drain,
                "Stop by itself once every source has nothing left and all of it is committed");
  cmd->add_flag("--metrics", flags->metrics,
                "Print per-component metrics (Prometheus text) when stopping");
  cmd->callback([flags, exit_code] { *exit_code = RunCollect(*flags); });
}

}  // namespace smartcar::cli
