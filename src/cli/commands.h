// Every `smartcar` subcommand registers itself here. Each Register* function adds its
// subcommand to `app` and, when the subcommand runs, stores its exit code in *exit_code.
// Exceptions stop at this boundary: a subcommand turns every Status into a message on stderr
// and a non-zero exit code.
#pragma once

#include <CLI/CLI.hpp>

namespace smartcar::cli {

// `smartcar gen driver|status`: the pilot's log simulators (cmd_gen.cc).
void RegisterGen(CLI::App* app, int* exit_code);

// `smartcar rules check|run`: EPL rule files (cmd_rules.cc).
void RegisterRules(CLI::App* app, int* exit_code);

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // The command ran and failed (I/O, data errors).
inline constexpr int kExitUsage = 2;    // Bad arguments (CLI11 uses this too).

}  // namespace smartcar::cli
