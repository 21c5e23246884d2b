// smartcar: the SmartCar Pipeline in one binary. Each subcommand lives in its own cmd_*.cc.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "core/version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "SmartCar Pipeline: real-time telemetry for connected cars.\n"
      "Simulates the pilot's driving and status logs, collects them into a durable log,\n"
      "detects patterns with EPL rules and stores every event. See README.md."};
  app.set_version_flag("--version", std::string("smartcar ") + smartcar::kSmartcarVersion);
  app.require_subcommand(1);
  int exit_code = smartcar::cli::kExitOk;
  smartcar::cli::RegisterGen(&app, &exit_code);
  smartcar::cli::RegisterCollect(&app, &exit_code);
  smartcar::cli::RegisterOverspeed(&app, &exit_code);
  smartcar::cli::RegisterWarehouse(&app, &exit_code);
  smartcar::cli::RegisterSql(&app, &exit_code);
  smartcar::cli::RegisterHive(&app, &exit_code);
  smartcar::cli::RegisterReport(&app, &exit_code);
  smartcar::cli::RegisterSqoop(&app, &exit_code);
  smartcar::cli::RegisterWorkflow(&app, &exit_code);
  smartcar::cli::RegisterTopic(&app, &exit_code);
  smartcar::cli::RegisterProduce(&app, &exit_code);
  smartcar::cli::RegisterConsume(&app, &exit_code);
  smartcar::cli::RegisterConsumerGroups(&app, &exit_code);
  smartcar::cli::RegisterShell(&app, &exit_code);
  smartcar::cli::RegisterTable(&app, &exit_code);
  smartcar::cli::RegisterRules(&app, &exit_code);
  smartcar::cli::RegisterCluster(&app, &exit_code);
  smartcar::cli::RegisterRun(&app, &exit_code);
  smartcar::cli::RegisterTopologyStats(&app, &exit_code);
  smartcar::cli::RegisterWorker(&app, &exit_code);
  smartcar::cli::RegisterReplay(&app, &exit_code);
  smartcar::cli::RegisterRepair(&app, &exit_code);
  smartcar::cli::RegisterUi(&app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
