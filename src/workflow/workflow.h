// workflow/: the pilot's day jobs (Oozie workflows and coordinators; Airflow DAGs in the seeds)
// as YAML files that run themselves (docs/WORKFLOW.md).
//
// A workflow is a DAG of actions — `smartcar` (any subcommand), `sql`/`hive` (SQL over the
// warehouse), `report`, `export`/`import` (Sqoop), `wait-for` (a file or partition exists),
// `shell` — each with retries and backoff, a timeout and ${variables} such as ${working_day}.
// One run covers one working day. Its state (actions, attempts, exit codes, durations, log
// paths) is a document in the coordinator (/workflows/<name>/runs/<yyyyMMdd>): embedded under
// DATA/coord, or ZooKeeper, so any instance can resume a day another one started. A run killed
// in the middle resumes from the unfinished action; a finished action never runs again unless
// cleared. A day is run by one process at a time (an ephemeral lock node).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace smartcar::coord {
class Coordinator;
}

namespace smartcar::workflow {

enum class ActionType { kSmartcar, kSql, kHive, kReport, kExport, kImport, kWaitFor, kShell };
const char* ActionTypeName(ActionType t);

struct Action {
  std::string name;
  ActionType type = ActionType::kSmartcar;
  int line = 0;  // Where it is defined, for messages.
  std::vector<std::string> depends_on;
  // kSmartcar/kExport/kImport: arguments after `smartcar` / `smartcar sqoop export|import`.
  std::vector<std::string> args;
  std::string sql;         // kSql/kHive: the statements (or read from `file`).
  std::string file;        // kSql/kHive: a file relative to the workflow's folder.
  std::string into;        // kSql/kHive: store the rows as partition ${working_day} of this table.
  std::string command;     // kShell: run with /bin/sh -c.
  std::string path;        // kWaitFor: a file or folder that must exist.
  std::string partition;   // kWaitFor: "TABLE" → DATA/warehouse/TABLE/wrk_date=<working_day>.
  std::string by = "day";  // kReport: day, week, month, year.
  std::string when;        // Run only if this (after substitution) is not empty/false/0.
  int retries = 0;
  int64_t retry_delay_ms = 10'000;    // Doubles after each failed attempt (backoff).
  int64_t timeout_ms = 3'600'000;     // An attempt running longer is killed and fails.
  int64_t poke_interval_ms = 30'000;  // kWaitFor: how often to look.
};

struct Schedule {
  bool enabled = false;
  std::string cron;  // Five fields, "MIN HOUR DOM MON DOW" (a daily "HH:MM" is turned into one).
  std::string timezone = "UTC";  // An IANA name (Asia/Seoul) from the system's zoneinfo.
  bool catchup = true;           // Run missed days since `start` (else only the latest).
  std::string start;             // First working day yyyyMMdd ("" = the first due day).
  int lag_days = 1;              // working_day = the fire time's date minus this (yesterday).
};

struct Workflow {
  std::string name;
  std::string file;                           // The YAML it came from.
  std::string folder;                         // Its folder: relative `file:`s are resolved there.
  std::map<std::string, std::string> params;  // Defaults of ${variables}; overridable.
  Schedule schedule;
  std::vector<Action> actions;  // Topologically sorted (dependencies first), stable.
};

// Parses a workflow file. InvalidArgument with file:line for YAML errors, unknown keys or types,
// a missing name, duplicate actions, unknown dependencies, cycles, bad durations or schedules.
Result<Workflow> LoadWorkflow(const std::string& path);
Result<Workflow> ParseWorkflow(const std::string& yaml, const std::string& origin);
// The workflows of a folder (`*.yaml`, `*.yml`), sorted by name; the first error stops.
Result<std::vector<Workflow>> LoadWorkflowFolder(const std::string& folder);

// ${name} (and Hive's ${hivevar:name}) replaced from `vars`. InvalidArgument naming the first
// unknown variable.
Result<std::string> Substitute(const std::string& text,
                               const std::map<std::string, std::string>& vars);

enum class State { kPending, kRunning, kSucceeded, kFailed, kSkipped, kUpstreamFailed };
const char* StateName(State s);

struct Attempt {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int exit_code = -1;  // -1 while running; 124 timed out; 128+N killed by signal N.
  std::string log;     // The attempt's output file.
  std::string error;   // Why it failed, when it did not run to an exit code.
};

struct ActionRun {
  std::string name;
  State state = State::kPending;
  std::vector<Attempt> attempts;
};

struct DayRun {
  std::string workflow;
  std::string date;  // The working day, yyyyMMdd.
  State state = State::kPending;
  int64_t started_ms = 0;
  int64_t ended_ms = 0;
  std::string owner;  // "<host>-<pid>" of the last process that ran it.
  std::vector<ActionRun> actions;
};

std::string DayRunToJson(const DayRun& run);
Result<DayRun> DayRunFromJson(const std::string& json);

struct RunOptions {
  std::string data_dir = "smartcar-data";
  std::string smartcar_binary;                // The binary that runs actions ("" = /proc/self/exe).
  std::map<std::string, std::string> params;  // Override the workflow's.
  // Stops between and inside actions (the running one is killed); the day stays resumable.
  const std::atomic<bool>* stop = nullptr;
  // Called with a line of progress ("load-status: attempt 1 succeeded in 2.1 s").
  std::function<void(const std::string&)> progress;
};

// Runs (or resumes) `date` of `wf`: actions already succeeded or skipped are not run again.
// Returns the final state. Busy when another process is running that day; Aborted when stopped.
Result<DayRun> RunDay(const Workflow& wf, const std::string& date, coord::Coordinator* c,
                      const RunOptions& options);

// Resets the failed actions of a day (or `action` and everything downstream of it) to pending,
// so the next run re-runs only those. NotFound when the day never ran or has no such action.
Status ClearDay(const Workflow& wf, const std::string& date, const std::string& action,
                coord::Coordinator* c);

// The stored runs of `workflow`, oldest day first.
Result<std::vector<DayRun>> ListRuns(coord::Coordinator* c, const std::string& workflow);
Result<std::optional<DayRun>> GetRun(coord::Coordinator* c, const std::string& workflow,
                                     const std::string& date);

// Scheduling.
// The next fire time strictly after `after_ms` (epoch ms) of `schedule`, in its time zone.
Result<int64_t> NextFireMs(const Schedule& schedule, int64_t after_ms);
// The working days due at `now_ms` that have not succeeded (per `done`), oldest first.
Result<std::vector<std::string>> DueDays(const Schedule& schedule, int64_t now_ms,
                                         const std::function<bool(const std::string&)>& done);

struct SchedulerOptions {
  RunOptions run;
  std::string folder = "workflows";  // Re-read each tick: new and edited files are picked up.
  int64_t tick_ms = 1000;
  bool once = false;  // One pass (run what is due now), then return.
};

// Runs schedules until *run.stop: only while this process holds the scheduler leadership
// (/workflows/_leader, ephemeral), so with several schedulers on one coordinator each day runs
// once; if the leader dies another takes over and resumes its unfinished days.
Status RunScheduler(coord::Coordinator* c, const SchedulerOptions& options);

}  // namespace smartcar::workflow
