// RunDay: one working day of a workflow, action by action, each attempt a child process.
// One file (~460 lines): the day's loop, the attempt's child process (timeout, retries, log) and
// ClearDay share the stored run and its compare-and-set saves.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "coord/coordinator.h"
#include "core/event_time.h"
#include "workflow/run_state.h"
#include "workflow/workflow.h"

namespace smartcar::workflow {
namespace {

namespace fs = std::filesystem;

std::string BinaryPath(const RunOptions& o) {
  if (!o.smartcar_binary.empty()) return o.smartcar_binary;
  std::error_code ec;
  const auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("smartcar") : p.string();
}

// The first day of the report period holding `date` (ISO weeks start on Monday).
std::string PeriodStart(const std::string& by, const std::string& date) {
  auto days = ParseDate8(date);
  if (!days) return date;
  if (by == "week") {
    const int64_t weekday = ((*days % 7) + 10) % 7;  // 0 = Monday (1970-01-01 was a Thursday).
    return FormatDate8FromDays(*days - weekday);
  }
  if (by == "month") return date.substr(0, 6) + "01";
  if (by == "year") return date.substr(0, 4) + "0101";
  return date;
}

struct Outcome {
  int exit_code = -1;
  std::string error;
};

// Runs argv with output to `log`, killing its process group on timeout or stop.
Outcome Spawn(const std::vector<std::string>& argv, const std::string& log, int64_t timeout_ms,
              const RunOptions& o) {
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return {-1, "cannot write the log " + log + ": " + std::strerror(errno)};
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fd);
    return {-1, std::string("fork failed: ") + std::strerror(errno)};
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // An action dies with the process running the day.
    if (::getppid() != parent) ::_exit(127);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execv(args[0], args.data());
    const std::string msg =
        std::string("cannot run ") + args[0] + ": " + std::strerror(errno) + "\n";
    (void)!::write(2, msg.data(), msg.size());
    ::_exit(127);
  }
  ::close(fd);
  ::setpgid(pid, pid);
  const auto start = std::chrono::steady_clock::now();
  bool killed = false;
  bool timed_out = false;
  auto kill_at = std::chrono::steady_clock::time_point::max();
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      Outcome out;
      out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      if (timed_out) {
        out.exit_code = 124;
        out.error = "timed out after " + std::to_string(timeout_ms / 1000) + " s: killed";
      } else if (killed) {
        out.error = "stopped: killed";
      }
      return out;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!killed && (Stopped(o) || now - start > std::chrono::milliseconds(timeout_ms))) {
      timed_out = !Stopped(o);
      killed = true;
      ::kill(-pid, SIGTERM);
      kill_at = now + std::chrono::seconds(5);
    }
    if (killed && now > kill_at) {
      ::kill(-pid, SIGKILL);
      kill_at = std::chrono::steady_clock::time_point::max();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // Stop within 0.2 s.
  }
}

Outcome WaitFor(const Action& a, const std::string& target, const std::string& log,
                const RunOptions& o) {
  std::ofstream out(log, std::ios::app);
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    std::error_code ec;
    if (fs::exists(target, ec)) {
      out << "found " << target << "\n";
      return {0, ""};
    }
    if (Stopped(o)) return {130, "stopped"};
    const auto waited = std::chrono::steady_clock::now() - start;
    if (waited > std::chrono::milliseconds(a.timeout_ms)) {
      out << "gave up waiting for " << target << "\n";
      return {124, "timed out after " + std::to_string(a.timeout_ms / 1000) + " s waiting for " +
                       target};
    }
    out << "waiting for " << target << "\n";
    out.flush();
    SleepUnlessStopped(o, std::min<int64_t>(a.poke_interval_ms, a.timeout_ms));
  }
}

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(Status::NotFound("cannot read " + path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What an attempt runs: argv, or a wait-for target ("" argv).
struct Plan {
  std::vector<std::string> argv;
  std::string wait_target;
};

Result<Plan> MakePlan(const Workflow& wf, const Action& a,
                      const std::map<std::string, std::string>& vars, const RunOptions& o) {
  Plan p;
  const std::string bin = BinaryPath(o);
  const std::string& data = vars.at("data");
  auto subst_all = [&](const std::vector<std::string>& in) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    for (const std::string& s : in) {
      auto v = Substitute(s, vars);
      if (!v) return Err(v.error());
      out.push_back(*v);
    }
    return out;
  };
  switch (a.type) {
    case ActionType::kSmartcar:
    case ActionType::kExport:
    case ActionType::kImport: {
      auto args = subst_all(a.args);
      if (!args) return Err(args.error());
      p.argv = {bin};
      if (a.type == ActionType::kExport) p.argv.insert(p.argv.end(), {"sqoop", "export"});
      if (a.type == ActionType::kImport) p.argv.insert(p.argv.end(), {"sqoop", "import"});
      p.argv.insert(p.argv.end(), args->begin(), args->end());
      break;
    }
    case ActionType::kSql:
    case ActionType::kHive: {
      std::string text = a.sql;
      if (!a.file.empty()) {
        const std::string path =
            fs::path(a.file).is_absolute() ? a.file : (fs::path(wf.folder) / a.file).string();
        auto t = ReadText(path);
        if (!t) return Err(t.error());
        text = *t;
      }
      auto sql = Substitute(text, vars);
      if (!sql) return Err(sql.error());
      p.argv = {bin, "sql", "--data", data, "-e", *sql};
      if (!a.into.empty()) {
        p.argv.insert(p.argv.end(), {"--into", a.into, "--date", vars.at("working_day")});
      }
      break;
    }
    case ActionType::kReport: {
      const std::string& day = vars.at("working_day");
      p.argv = {bin,    "report", "status", "--by", a.by, "--from", PeriodStart(a.by, day),
                "--to", day,      "--data", data};
      break;
    }
    case ActionType::kShell: {
      auto cmd = Substitute(a.command, vars);
      if (!cmd) return Err(cmd.error());
      p.argv = {"/bin/sh", "-c", *cmd};
      break;
    }
    case ActionType::kWaitFor: {
      if (!a.path.empty()) {
        auto t = Substitute(a.path, vars);
        if (!t) return Err(t.error());
        p.wait_target = *t;
      } else {
        auto t = Substitute(a.partition, vars);
        if (!t) return Err(t.error());
        p.wait_target = data + "/warehouse/" + *t + "/wrk_date=" + vars.at("working_day");
      }
      break;
    }
  }
  return p;
}

std::string Seconds(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

bool Falsy(const std::string& s) { return s.empty() || s == "false" || s == "0" || s == "no"; }

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

Result<DayRun> RunDay(const Workflow& wf, const std::string& date, coord::Coordinator* c,
                      const RunOptions& o) {
  auto day = ParseDate8(date);
  if (!day) {
    return Err(Status::InvalidArgument("working day '" + date + "': " + day.error().message()));
  }
  const std::string owner = ProcessOwner();
  // One process per day: an ephemeral lock that dies with its holder.
  const std::string lock = LockPath(wf.name, date);
  if (Status s = c->Create(lock, owner, coord::CreateMode::kEphemeral); !s.ok()) {
    if (s.code() == Status::Code::kAborted) {
      auto holder = c->Get(lock);
      return Err(Status::Busy("day " + date + " of " + wf.name + " is being run by " +
                              (holder ? holder->data : std::string("another process"))));
    }
    return Err(s);
  }
  struct Unlock {
    coord::Coordinator* c;
    std::string path;
    ~Unlock() { (void)c->Delete(path); }
  } unlock{c, lock};

  auto loaded = LoadRun(c, wf.name, date);
  if (!loaded) return Err(loaded.error());
  StoredRun stored;
  if (loaded->has_value()) stored = std::move(**loaded);
  DayRun& run = stored.run;
  run.workflow = wf.name;
  run.date = date;
  // The actions of the file as it is now, keeping what earlier runs recorded.
  std::vector<ActionRun> actions;
  for (const Action& a : wf.actions) {
    auto it = std::find_if(run.actions.begin(), run.actions.end(),
                           [&](const ActionRun& r) { return r.name == a.name; });
    if (it != run.actions.end()) {
      actions.push_back(std::move(*it));
      if (actions.back().state == State::kRunning ||
          actions.back().state == State::kUpstreamFailed) {
        actions.back().state = State::kPending;  // Its process died, or its cause is gone.
      }
    } else {
      actions.push_back(ActionRun{a.name, State::kPending, {}});
    }
  }
  run.actions = std::move(actions);
  run.state = State::kRunning;
  run.owner = owner;
  if (run.started_ms == 0) run.started_ms = NowMs();
  run.ended_ms = 0;
  SMARTCAR_RETURN_IF_ERROR(SaveRun(c, &stored));

  std::map<std::string, std::string> vars = wf.params;
  for (const auto& [k, v] : o.params) vars[k] = v;
  vars["working_day"] = date;
  vars["working_day_iso"] = date.substr(0, 4) + "-" + date.substr(4, 2) + "-" + date.substr(6, 2);
  vars["yyyy"] = date.substr(0, 4);
  vars["mm"] = date.substr(4, 2);
  vars["dd"] = date.substr(6, 2);
  vars["next_day"] = FormatDate8FromDays(*day + 1);
  vars["previous_day"] = FormatDate8FromDays(*day - 1);
  vars["workflow"] = wf.name;
  std::error_code ec;
  const std::string data_abs = fs::absolute(o.data_dir, ec).lexically_normal().string();
  if (o.params.count("data") == 0) vars["data"] = data_abs;
  // Parameters may use the built-in variables and earlier parameters (logs: ${data}/logs).
  for (int pass = 0; pass < 3; ++pass) {
    for (auto& [k, v] : vars) {
      if (v.find("${") == std::string::npos) continue;
      if (auto expanded = Substitute(v, vars)) v = *expanded;
    }
  }
  const std::string log_dir = data_abs + "/workflow/logs/" + wf.name + "/" + date;
  fs::create_directories(log_dir, ec);

  for (size_t i = 0; i < wf.actions.size(); ++i) {
    const Action& a = wf.actions[i];
    ActionRun& ar = run.actions[i];
    if (ar.state == State::kSucceeded || ar.state == State::kSkipped) continue;
    if (Stopped(o)) break;
    bool deps_ok = true;
    for (const std::string& d : a.depends_on) {
      for (size_t j = 0; j < i; ++j) {
        if (wf.actions[j].name == d && run.actions[j].state != State::kSucceeded &&
            run.actions[j].state != State::kSkipped) {
          deps_ok = false;
        }
      }
    }
    if (!deps_ok) {
      ar.state = State::kUpstreamFailed;
      Say(o, a.name + ": not run (an action it depends on did not succeed)");
      SMARTCAR_RETURN_IF_ERROR(SaveRun(c, &stored));
      continue;
    }
    if (!a.when.empty()) {
      auto cond = Substitute(a.when, vars);
      if (!cond)
        return Err(Status::InvalidArgument(wf.file + ":" + std::to_string(a.line) + ": action " +
                                           a.name + ": when: " + cond.error().message()));
      if (Falsy(*cond)) {
        ar.state = State::kSkipped;
        Say(o, a.name + ": skipped (when: is empty or false)");
        SMARTCAR_RETURN_IF_ERROR(SaveRun(c, &stored));
        continue;
      }
    }
    int64_t delay = a.retry_delay_ms;
    for (int attempt = 0; attempt <= a.retries; ++attempt) {
      if (Stopped(o)) break;
      const int number = static_cast<int>(ar.attempts.size()) + 1;
      Attempt t;
      t.start_ms = NowMs();
      t.log = log_dir + "/" + a.name + "." + std::to_string(number) + ".log";
      ar.state = State::kRunning;
      ar.attempts.push_back(t);
      SMARTCAR_RETURN_IF_ERROR(SaveRun(c, &stored));
      Outcome out;
      auto plan = MakePlan(wf, a, vars, o);
      if (!plan) {
        out = {-1, plan.error().message()};
        std::ofstream(t.log, std::ios::app) << out.error << "\n";
      } else if (!plan->wait_target.empty()) {
        out = WaitFor(a, plan->wait_target, t.log, o);
      } else {
        {
          std::ofstream header(t.log, std::ios::app);
          header << "# " << wf.name << " " << date << " " << a.name << " attempt " << number << ":";
          for (const std::string& arg : plan->argv) header << " " << ShellQuote(arg);
          header << "\n";
        }
        out = Spawn(plan->argv, t.log, a.timeout_ms, o);
      }
      Attempt& done = ar.attempts.back();
      done.end_ms = NowMs();
      done.exit_code = out.exit_code;
      done.error = out.error;
      const double secs = static_cast<double>(done.end_ms - done.start_ms) / 1000.0;
      char took[32];
      std::snprintf(took, sizeof(took), "%.1f s", secs);
      if (out.exit_code == 0) {
        ar.state = State::kSucceeded;
        Say(o, a.name + ": attempt " + std::to_string(number) + " succeeded in " + took);
        SMARTCAR_RETURN_IF_ERROR(SaveRun(c, &stored));
        break;
      }
      if (Stopped(o)) {
        ar.state = State::kPending;  // Resumable: the next run starts it again.
        SMARTCAR_RETURN_IF_ERROR(SaveRun(c, &stored));
        break;
      }
      ar.state = attempt < a.retries ? State::kRunning : State::kFailed;
      Say(o, a.name + ": attempt " + std::to_string(number) + " failed (exit " +
                 std::to_string(out.exit_code) + (out.error.empty() ? "" : ", " + out.error) +
                 ") after " + took + "; log " + done.log +
                 (attempt < a.retries ? "; retrying in " + Seconds(delay) : ""));
      SMARTCAR_RETURN_IF_ERROR(SaveRun(c, &stored));
      if (attempt < a.retries) {
        SleepUnlessStopped(o, delay);
        delay = std::min<int64_t>(delay * 2, 3'600'000);
      }
    }
    if (Stopped(o)) break;
  }
  if (Stopped(o)) {
    for (ActionRun& ar : run.actions) {
      if (ar.state == State::kRunning) ar.state = State::kPending;
    }
    run.state = State::kPending;
    SMARTCAR_RETURN_IF_ERROR(SaveRun(c, &stored));
    return Err(Status::Aborted("stopped; day " + date + " of " + wf.name +
                               " resumes from its unfinished actions on the next run"));
  }
  bool ok = true;
  for (const ActionRun& ar : run.actions) {
    ok = ok && (ar.state == State::kSucceeded || ar.state == State::kSkipped);
  }
  run.state = ok ? State::kSucceeded : State::kFailed;
  run.ended_ms = NowMs();
  SMARTCAR_RETURN_IF_ERROR(SaveRun(c, &stored));
  return run;
}

Status ClearDay(const Workflow& wf, const std::string& date, const std::string& action,
                coord::Coordinator* c) {
  auto loaded = LoadRun(c, wf.name, date);
  if (!loaded) return loaded.error();
  if (!loaded->has_value()) {
    return Status::NotFound("day " + date + " of " + wf.name + " has never run");
  }
  StoredRun stored = std::move(**loaded);
  std::set<std::string> reset;
  if (!action.empty()) {
    if (std::none_of(wf.actions.begin(), wf.actions.end(),
                     [&](const Action& a) { return a.name == action; })) {
      return Status::NotFound(wf.name + " has no action '" + action + "'");
    }
    reset.insert(action);
    for (const Action& a : wf.actions) {  // Topological order: downstream follows.
      for (const std::string& d : a.depends_on) {
        if (reset.count(d) > 0) reset.insert(a.name);
      }
    }
  }
  for (ActionRun& ar : stored.run.actions) {
    const bool failed = ar.state == State::kFailed || ar.state == State::kUpstreamFailed;
    if (action.empty() ? failed : reset.count(ar.name) > 0) ar.state = State::kPending;
  }
  stored.run.state = State::kPending;
  SMARTCAR_RETURN_IF_ERROR(SaveRun(c, &stored));
  return TouchRuns(c, wf.name);  // A running scheduler forgets it had the day as finished.
}

}  // namespace smartcar::workflow
