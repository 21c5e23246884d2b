// Ctrl-C and `kill` for long-running subcommands: the first SIGINT or SIGTERM asks the command to
// stop cleanly (drain, flush, commit) instead of killing the process.
#pragma once

#include <atomic>

namespace smartcar::cli {

// Installs SIGINT and SIGTERM handlers that set the returned flag, which lives as long as the
// process. Call once per command, before its work starts.
std::atomic<bool>& StopOnSignals();

}  // namespace smartcar::cli
