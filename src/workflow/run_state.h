// Where day runs live in the coordinator, and small helpers of runs (internal to workflow/).
#pragma once

#include <optional>
#include <string>

#include "workflow/workflow.h"

namespace smartcar::workflow {

// Wall-clock milliseconds since the epoch.
int64_t NowMs();
// "<host>-<pid>": who runs a day or leads the scheduling.
std::string ProcessOwner();
inline bool Stopped(const RunOptions& o) { return o.stop != nullptr && o.stop->load(); }
// Sleeps up to `ms`, in steps of at most 0.2 s, waking early when stopped.
void SleepUnlessStopped(const RunOptions& o, int64_t ms);
inline void Say(const RunOptions& o, const std::string& line) {
  if (o.progress) o.progress(line);
}

// A run with the coordinator version it was read at (-1: not stored yet).
struct StoredRun {
  DayRun run;
  int32_t version = -1;
};

std::string RunsPath(const std::string& workflow);  // /workflows/<name>/runs
std::string RunPath(const std::string& workflow, const std::string& date);
std::string LockPath(const std::string& workflow, const std::string& date);

Result<std::optional<StoredRun>> LoadRun(coord::Coordinator* c, const std::string& workflow,
                                         const std::string& date);
// Creates or replaces (compare-and-set on stored->version) the run; updates the version.
// Aborted when someone else wrote it meanwhile.
Status SaveRun(coord::Coordinator* c, StoredRun* stored);
// Moves RunsPath(workflow)'s version, so whoever watches it (the scheduler's cache of finished
// days) re-reads: after a finished day became runnable again (`workflow clear`).
Status TouchRuns(coord::Coordinator* c, const std::string& workflow);

}  // namespace smartcar::workflow
