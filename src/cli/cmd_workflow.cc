// `smartcar workflow check|run|backfill|status|history|logs|clear` and `smartcar scheduler`:
// the day jobs of workflow/ (docs/WORKFLOW.md).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/stop_signal.h"
#include "cli/topology_settings.h"
#include "coord/coordinator.h"
#include "core/event_time.h"
#include "workflow/workflow.h"

namespace smartcar::cli {
namespace {

namespace fs = std::filesystem;

struct CommonFlags {
  std::string data = "smartcar-data";
  std::string folder = "workflows";
  CoordFlags coord;
  std::vector<std::string> params;  // k=v
};

void AddCommon(CLI::App* cmd, CommonFlags* f) {
  cmd->add_option("--data", f->data, "Data folder")->capture_default_str();
  cmd->add_option("--workflows", f->folder, "Folder of workflow files (*.yaml)")
      ->capture_default_str();
  AddCoordFlags(cmd, &f->coord);
}

std::unique_ptr<coord::Coordinator> OpenCoord(const CommonFlags& f, const char* cmd) {
  auto c = OpenCoordinatorFor(f.data, f.coord);
  if (!c) {
    std::fprintf(stderr, "smartcar %s: %s\n", cmd, c.error().message().c_str());
    return nullptr;
  }
  return std::move(*c);
}

// The workflow NAME of the folder (or a file path).
Result<workflow::Workflow> FindWorkflow(const CommonFlags& f, const std::string& name) {
  std::error_code ec;
  if (fs::is_regular_file(name, ec)) return workflow::LoadWorkflow(name);
  auto all = workflow::LoadWorkflowFolder(f.folder);
  if (!all) return Err(all.error());
  std::string known;
  for (workflow::Workflow& wf : *all) {
    if (wf.name == name) return std::move(wf);
    known += (known.empty() ? "" : ", ") + wf.name;
  }
  return Err(Status::NotFound("no workflow '" + name + "' in " + f.folder +
                              (known.empty() ? " (it has none)" : " (it has: " + known + ")")));
}

Result<workflow::RunOptions> MakeRunOptions(const CommonFlags& f) {
  workflow::RunOptions o;
  o.data_dir = f.data;
  for (const std::string& p : f.params) {
    const size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Err(Status::InvalidArgument("-p '" + p + "' is not NAME=VALUE"));
    }
    o.params[p.substr(0, eq)] = p.substr(eq + 1);
  }
  o.stop = &StopOnSignals();
  static std::mutex out_mu;
  o.progress = [](const std::string& line) {
    std::lock_guard<std::mutex> lock(out_mu);
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  return o;
}

std::string Time(int64_t ms) { return ms == 0 ? "-" : FormatIsoUtc(EventTimeMs{ms}); }

std::string Duration(int64_t start, int64_t end) {
  if (start == 0 || end == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f s", static_cast<double>(end - start) / 1000.0);
  return buf;
}

int Fail(const char* cmd, const Status& s) {
  std::fprintf(stderr, "smartcar workflow %s: %s\n", cmd, s.message().c_str());
  return s.IsInvalidArgument() || s.IsNotFound() ? kExitUsage : kExitFailure;
}

struct DayFlags {
  CommonFlags common;
  std::string name;
  std::string date;
  std::string from, to;
  std::string action;
  int parallel = 1;
};

int RunCheck(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    auto all = workflow::LoadWorkflowFolder(path);
    if (!all) return Fail("check", all.error());
    for (const workflow::Workflow& wf : *all) {
      std::printf("%s: %s, %zu actions%s\n", wf.file.c_str(), wf.name.c_str(), wf.actions.size(),
                  wf.schedule.enabled
                      ? (", schedule '" + wf.schedule.cron + "' " + wf.schedule.timezone).c_str()
                      : "");
    }
    return kExitOk;
  }
  auto wf = workflow::LoadWorkflow(path);
  if (!wf) return Fail("check", wf.error());
  std::printf("%s: %s, %zu actions in order:", wf->file.c_str(), wf->name.c_str(),
              wf->actions.size());
  for (const workflow::Action& a : wf->actions) std::printf(" %s", a.name.c_str());
  std::printf("\n");
  return kExitOk;
}

int RunDays(const DayFlags& f, const std::vector<std::string>& days, const char* cmd) {
  auto wf = FindWorkflow(f.common, f.name);
  if (!wf) return Fail(cmd, wf.error());
  auto options = MakeRunOptions(f.common);
  if (!options) return Fail(cmd, options.error());
  auto c = OpenCoord(f.common, cmd);
  if (!c) return kExitFailure;
  std::atomic<size_t> next{0};
  std::atomic<int> failed{0};
  std::mutex out_mu;
  auto worker = [&] {
    for (size_t i = next++; i < days.size(); i = next++) {
      if (options->stop->load()) return;
      auto r = workflow::RunDay(*wf, days[i], c.get(), *options);
      std::lock_guard<std::mutex> lock(out_mu);
      if (!r) {
        std::fprintf(stderr, "%s %s: %s\n", wf->name.c_str(), days[i].c_str(),
                     r.error().message().c_str());
        ++failed;
        continue;
      }
      std::printf("%s %s: %s\n", wf->name.c_str(), days[i].c_str(), workflow::StateName(r->state));
      if (r->state != workflow::State::kSucceeded) ++failed;
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, f.parallel); ++t) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  return failed == 0 ? kExitOk : kExitFailure;
}

int RunBackfill(const DayFlags& f) {
  auto from = ParseDate8(f.from);
  auto to = ParseDate8(f.to);
  if (!from || !to || *to < *from) {
    std::fprintf(stderr,
                 "smartcar workflow backfill: --from and --to must be days yyyyMMdd, "
                 "--from first\n");
    return kExitUsage;
  }
  if (*to - *from > 3660) {
    std::fprintf(stderr, "smartcar workflow backfill: more than 10 years of days\n");
    return kExitUsage;
  }
  std::vector<std::string> days;
  for (int64_t d = *from; d <= *to; ++d) days.push_back(FormatDate8FromDays(d));
  return RunDays(f, days, "backfill");
}

int RunStatus(const DayFlags& f) {
  auto c = OpenCoord(f.common, "status");
  if (!c) return kExitFailure;
  std::vector<std::string> names;
  if (!f.name.empty()) {
    names.push_back(f.name);
  } else {
    auto all = workflow::LoadWorkflowFolder(f.common.folder);
    if (!all) return Fail("status", all.error());
    for (const workflow::Workflow& wf : *all) names.push_back(wf.name);
  }
  std::printf("%-24s %-10s %-16s %-22s %s\n", "WORKFLOW", "DAY", "STATE", "STARTED", "ACTIONS");
  for (const std::string& name : names) {
    auto runs = workflow::ListRuns(c.get(), name);
    if (!runs) return Fail("status", runs.error());
    if (runs->empty()) std::printf("%-24s %-10s %-16s\n", name.c_str(), "-", "never run");
    for (const workflow::DayRun& r : *runs) {
      std::string actions;
      for (const workflow::ActionRun& a : r.actions) {
        actions += (actions.empty() ? "" : " ") + a.name + ":" + workflow::StateName(a.state);
      }
      std::printf("%-24s %-10s %-16s %-22s %s\n", name.c_str(), r.date.c_str(),
                  workflow::StateName(r.state), Time(r.started_ms).c_str(), actions.c_str());
    }
  }
  return kExitOk;
}

int RunHistory(const DayFlags& f) {
  auto c = OpenCoord(f.common, "history");
  if (!c) return kExitFailure;
  auto runs = workflow::ListRuns(c.get(), f.name);
  if (!runs) return Fail("history", runs.error());
  if (runs->empty()) std::printf("%s has never run\n", f.name.c_str());
  for (const workflow::DayRun& r : *runs) {
    std::printf("%s %s: %s (started %s, %s, by %s)\n", r.workflow.c_str(), r.date.c_str(),
                workflow::StateName(r.state), Time(r.started_ms).c_str(),
                Duration(r.started_ms, r.ended_ms).c_str(), r.owner.c_str());
    for (const workflow::ActionRun& a : r.actions) {
      std::printf("  %-24s %-16s %zu attempt(s)\n", a.name.c_str(), workflow::StateName(a.state),
                  a.attempts.size());
      for (size_t i = 0; i < a.attempts.size(); ++i) {
        const workflow::Attempt& t = a.attempts[i];
        std::printf("    #%zu %s %s exit %d%s%s\n", i + 1, Time(t.start_ms).c_str(),
                    Duration(t.start_ms, t.end_ms).c_str(), t.exit_code,
                    t.error.empty() ? "" : (" (" + t.error + ")").c_str(),
                    t.log.empty() ? "" : ("  " + t.log).c_str());
      }
    }
  }
  return kExitOk;
}

int RunLogs(const DayFlags& f) {
  auto c = OpenCoord(f.common, "logs");
  if (!c) return kExitFailure;
  auto r = workflow::GetRun(c.get(), f.name, f.date);
  if (!r) return Fail("logs", r.error());
  if (!r->has_value()) {
    std::fprintf(stderr, "smartcar workflow logs: day %s of %s has never run\n", f.date.c_str(),
                 f.name.c_str());
    return kExitUsage;
  }
  bool found = false;
  for (const workflow::ActionRun& a : (*r)->actions) {
    if (!f.action.empty() && a.name != f.action) continue;
    found = true;
    for (size_t i = 0; i < a.attempts.size(); ++i) {
      std::printf("==> %s attempt %zu (%s) <==\n", a.name.c_str(), i + 1,
                  a.attempts[i].log.c_str());
      std::ifstream in(a.attempts[i].log, std::ios::binary);
      if (!in) {
        std::printf("(log not on this machine)\n");
        continue;
      }
      std::cout << in.rdbuf();
      std::cout.flush();
    }
  }
  if (!found) {
    std::fprintf(stderr, "smartcar workflow logs: no action '%s' in that run\n", f.action.c_str());
    return kExitUsage;
  }
  return kExitOk;
}

int RunClear(const DayFlags& f) {
  auto wf = FindWorkflow(f.common, f.name);
  if (!wf) return Fail("clear", wf.error());
  auto c = OpenCoord(f.common, "clear");
  if (!c) return kExitFailure;
  if (Status s = workflow::ClearDay(*wf, f.date, f.action, c.get()); !s.ok()) {
    return Fail("clear", s);
  }
  std::printf("cleared %s %s%s: the next run re-runs %s\n", f.name.c_str(), f.date.c_str(),
              f.action.empty() ? "" : (" from " + f.action).c_str(),
              f.action.empty() ? "the failed actions" : "that action and what depends on it");
  return kExitOk;
}

struct SchedulerFlags {
  CommonFlags common;
  bool once = false;
  std::string tick = "1s";
};

int RunSchedulerCmd(const SchedulerFlags& f) {
  auto options = MakeRunOptions(f.common);
  if (!options) return Fail("scheduler", options.error());
  auto tick = ParseDurationMs(f.tick);
  if (!tick || *tick <= 0) {
    std::fprintf(stderr, "smartcar scheduler: --tick '%s' is not a duration\n", f.tick.c_str());
    return kExitUsage;
  }
  auto c = OpenCoord(f.common, "scheduler");
  if (!c) return kExitFailure;
  workflow::SchedulerOptions so;
  so.run = *options;
  so.folder = f.common.folder;
  so.tick_ms = *tick;
  so.once = f.once;
  std::printf("scheduler: workflows in %s, coordinator %s\n", so.folder.c_str(),
              c->Describe().c_str());
  std::fflush(stdout);
  Status s = workflow::RunScheduler(c.get(), so);
  if (!s.ok()) {
    std::fprintf(stderr, "smartcar scheduler: %s\n", s.message().c_str());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void RegisterWorkflow(CLI::App* app, int* exit_code) {
  CLI::App* w = app->add_subcommand(
      "workflow",
      "Day jobs as YAML DAGs (workflows/*.yaml): actions with retries and timeouts, one run per\n"
      "working day, state in the coordinator (resumable; docs/WORKFLOW.md)");
  w->require_subcommand(1);

  auto check_path = std::make_shared<std::string>();
  CLI::App* ck = w->add_subcommand("check", "Validate a workflow file or folder");
  ck->add_option("PATH", *check_path, "A .yaml file or a folder")->required();
  ck->callback([check_path, exit_code] { *exit_code = RunCheck(*check_path); });

  auto add_day = [&](const char* name, const char* help, bool needs_date) {
    auto f = std::make_shared<DayFlags>();
    CLI::App* cmd = w->add_subcommand(name, help);
    AddCommon(cmd, &f->common);
    cmd->add_option("NAME", f->name, "Workflow name (or a .yaml file)")->required();
    if (needs_date) cmd->add_option("--date", f->date, "Working day yyyyMMdd")->required();
    return std::make_pair(cmd, f);
  };

  auto [run, run_f] = add_day("run",
                              "Run (or resume) one working day: finished actions are not run "
                              "again. Exit 0 only if the day succeeded.",
                              true);
  run->add_option("-p,--param", run_f->common.params, "NAME=VALUE for a ${variable}");
  run->callback([f = run_f, exit_code] { *exit_code = RunDays(*f, {f->date}, "run"); });

  auto [bf, bf_f] =
      add_day("backfill", "Run every day from --from to --to (each resumable)", false);
  bf->add_option("--from", bf_f->from, "First day yyyyMMdd")->required();
  bf->add_option("--to", bf_f->to, "Last day yyyyMMdd")->required();
  bf->add_option("--parallel", bf_f->parallel, "Days run at once")->capture_default_str();
  bf->add_option("-p,--param", bf_f->common.params, "NAME=VALUE for a ${variable}");
  bf->callback([f = bf_f, exit_code] { *exit_code = RunBackfill(*f); });

  auto st_f = std::make_shared<DayFlags>();
  CLI::App* st = w->add_subcommand("status", "Each workflow's days and their actions' states");
  AddCommon(st, &st_f->common);
  st->add_option("NAME", st_f->name, "Only this workflow");
  st->callback([f = st_f, exit_code] { *exit_code = RunStatus(*f); });

  auto [hi, hi_f] =
      add_day("history", "Every run of a workflow: attempts, exit codes, durations, logs", false);
  hi->callback([f = hi_f, exit_code] { *exit_code = RunHistory(*f); });

  auto [lg, lg_f] = add_day("logs", "The output of a day's actions", true);
  lg->add_option("--action", lg_f->action, "Only this action");
  lg->callback([f = lg_f, exit_code] { *exit_code = RunLogs(*f); });

  auto [cl, cl_f] = add_day("clear",
                            "Mark a day's failed actions (or --action and what depends on it) "
                            "to run again on the next run",
                            true);
  cl->add_option("--action", cl_f->action, "Clear this action and everything downstream");
  cl->callback([f = cl_f, exit_code] { *exit_code = RunClear(*f); });

  auto sf = std::make_shared<SchedulerFlags>();
  CLI::App* sc = app->add_subcommand(
      "scheduler",
      "Run the workflows' schedules (cron in a time zone; missed days caught up) until Ctrl-C.\n"
      "Several schedulers may share a coordinator (--zookeeper): one leads and runs the days;\n"
      "if it dies another takes over and resumes its unfinished day.");
  AddCommon(sc, &sf->common);
  sc->add_flag("--once", sf->once, "Run what is due now, then exit");
  sc->add_option("--tick", sf->tick, "How often to look for due days")->capture_default_str();
  sc->add_option("-p,--param", sf->common.params, "NAME=VALUE for a ${variable}");
  sc->callback([sf, exit_code] { *exit_code = RunSchedulerCmd(*sf); });
}

}  // namespace smartcar::cli
