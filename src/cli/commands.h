// Every `smartcar` subcommand registers itself here. Each Register* function adds its
// subcommand to `app` and, when the subcommand runs, stores its exit code in *exit_code.
// Exceptions stop at this boundary: a subcommand turns every Status into a message on stderr
// and a non-zero exit code.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "collect/component_params.h"
#include "collect/sink.h"
#include "queue/log.h"

namespace smartcar::cli {

// `smartcar gen driver|status`: the pilot's log simulators (cmd_gen.cc).
void RegisterGen(CLI::App* app, int* exit_code);
// `smartcar overspeed DATE`: the day's overspeeding cars from the hot store (cmd_overspeed.cc).
void RegisterOverspeed(CLI::App* app, int* exit_code);

// `smartcar collect`: the Flume-style collector agent (cmd_collect.cc).
void RegisterCollect(CLI::App* app, int* exit_code);
// `smartcar warehouse load|partitions|drop-partition|spool` (cmd_warehouse.cc).
void RegisterWarehouse(CLI::App* app, int* exit_code);
// `smartcar sql`: DuckDB SQL over the warehouse (cmd_sql.cc).
void RegisterSql(CLI::App* app, int* exit_code);
// `smartcar hive`: HiveQL on the warehouse (cmd_hive.cc).
void RegisterHive(CLI::App* app, int* exit_code);
// Runs a HiveQL script (`smartcar hive`, `smartcar sql --dialect hive`); returns the exit code.
int RunHive(const std::string& data, const std::string& script,
            const std::map<std::string, std::string>& hivevar,
            const std::map<std::string, std::string>& hiveconf, bool silent);
// `smartcar sqoop export|import`: PostgreSQL through libpq (cmd_sqoop.cc).
void RegisterSqoop(CLI::App* app, int* exit_code);
// `smartcar workflow ...` and `smartcar scheduler` (cmd_workflow.cc).
void RegisterWorkflow(CLI::App* app, int* exit_code);
// `smartcar report status`: time-series reports over the warehouse (cmd_report.cc).
void RegisterReport(CLI::App* app, int* exit_code);
// `smartcar topic create|list|describe|delete` (cmd_topic.cc).
void RegisterTopic(CLI::App* app, int* exit_code);
// `smartcar produce TOPIC` (cmd_produce.cc).
void RegisterProduce(CLI::App* app, int* exit_code);
// `smartcar consume TOPIC` (cmd_consume.cc).
void RegisterConsume(CLI::App* app, int* exit_code);
// `smartcar consumer-groups describe G` (cmd_consumer_groups.cc).
void RegisterConsumerGroups(CLI::App* app, int* exit_code);
// `smartcar shell`: HBase shell commands on the table store (cmd_shell.cc).
void RegisterShell(CLI::App* app, int* exit_code);
// `smartcar table split|load`: RegionSplitter and loading driving logs (cmd_table.cc).
void RegisterTable(CLI::App* app, int* exit_code);

// `smartcar rules check|run`: EPL rule files (cmd_rules.cc).
void RegisterRules(CLI::App* app, int* exit_code);
// `rules backtest` (cmd_rules_backtest.cc), added to the `rules` command.
void AddRulesBacktest(CLI::App* rules, int* exit_code);
// `rules deploy|list|show|history|diff|rollback|delete`: the shared rule store
// (cmd_rules_store.cc), added to the `rules` command.
void AddRulesStore(CLI::App* rules, int* exit_code);
// `smartcar cluster status`: members, leader and rule versions (cmd_cluster.cc).
void RegisterCluster(CLI::App* app, int* exit_code);

// `smartcar run`: the whole real-time pipeline in one process (cmd_run.cc).
void RegisterRun(CLI::App* app, int* exit_code);
// `smartcar topology stats`: per-component stats of a live or finished run
// (cmd_topology_stats.cc). Adds `stats` to an existing `topology` subcommand or creates it.
void RegisterTopologyStats(CLI::App* app, int* exit_code);
// `smartcar worker`: the topology alone, one of N consumers of SmartCar-Topic (cmd_worker.cc).
void RegisterWorker(CLI::App* app, int* exit_code);
// `smartcar replay` (cmd_worker.cc: it takes the worker's flags).
void RegisterReplay(CLI::App* app, int* exit_code);
// `smartcar repair` (cmd_repair.cc).
void RegisterRepair(CLI::App* app, int* exit_code);
// `smartcar ui --data DIR`: the console for a folder no run holds (cmd_ui.cc).
void RegisterUi(CLI::App* app, int* exit_code);

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // The command ran and failed (I/O, data errors).
inline constexpr int kExitUsage = 2;    // Bad arguments (CLI11 uses this too).

// The durable-log sink factory the collector uses for KafkaSink/log sinks (cmd_collect_log.cc).
// `shared_log` (may be null, not owned) serves sinks that name no brokers.
std::function<Result<std::unique_ptr<collect::Sink>>(const std::string&, collect::ComponentParams*)>
MakeCollectLogSinkFactory(const std::string& data_dir, queue::Log* shared_log = nullptr);

// A read command's data folder must exist: a typo must not look like an empty store.
// InvalidArgument naming the folder when it is missing or not a folder.
inline Status CheckDataDir(const std::string& data) {
  std::error_code ec;
  const auto st = std::filesystem::status(data, ec);
  if (!std::filesystem::exists(st)) {
    return Status::InvalidArgument("data folder '" + data +
                                   "' does not exist (--data DIR names the folder `smartcar run "
                                   "--data DIR` writes)");
  }
  if (!std::filesystem::is_directory(st)) {
    return Status::InvalidArgument("--data '" + data + "' is not a folder");
  }
  return Status::OK();
}

}  // namespace smartcar::cli
