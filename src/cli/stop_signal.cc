// StopOnSignals: sigaction handlers for SIGINT and SIGTERM that set one process-wide stop flag.
#include "cli/stop_signal.h"

#include <signal.h>

namespace smartcar::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop.store(true); }

}  // namespace

std::atomic<bool>& StopOnSignals() {
  struct sigaction sa = {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  return g_stop;
}

}  // namespace smartcar::cli
