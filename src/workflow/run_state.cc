// DayRun documents: JSON, stored in the coordinator at /workflows/<name>/runs/<yyyyMMdd>.
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

#include "coord/coordinator.h"
#include "core/json_integer.h"
#include "workflow/run_state.h"
#include "workflow/workflow.h"

namespace smartcar::workflow {
namespace {

using Json = nlohmann::json;

constexpr std::pair<State, const char*> kStates[] = {
    {State::kPending, "pending"},     {State::kRunning, "running"},
    {State::kSucceeded, "succeeded"}, {State::kFailed, "failed"},
    {State::kSkipped, "skipped"},     {State::kUpstreamFailed, "upstream_failed"}};

State StateFromName(const std::string& name) {
  for (const auto& [s, n] : kStates) {
    if (name == n) return s;
  }
  throw std::invalid_argument("unknown state '" + name + "'");
}

std::string Str(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (!it->is_string()) throw std::invalid_argument(std::string("'") + key + "' is not a string");
  return it->get<std::string>();
}

int64_t Int(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return 0;
  return JsonIntegerOrThrow<int64_t>(*it, key);
}

}  // namespace

void SleepUnlessStopped(const RunOptions& o, int64_t ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  for (auto now = std::chrono::steady_clock::now(); !Stopped(o) && now < until;
       now = std::chrono::steady_clock::now()) {
    // In steps of at most 0.2 s: a stop is noticed that soon.
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(until - now, std::chrono::milliseconds(200)));
  }
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string ProcessOwner() {
  char host[256] = {0};
  ::gethostname(host, sizeof(host) - 1);
  return std::string(host) + "-" + std::to_string(::getpid());
}

const char* StateName(State s) {
  for (const auto& [st, n] : kStates) {
    if (st == s) return n;
  }
  return "?";
}

std::string DayRunToJson(const DayRun& run) {
  Json j;
  j["workflow"] = run.workflow;
  j["date"] = run.date;
  j["state"] = StateName(run.state);
  j["started_ms"] = run.started_ms;
  j["ended_ms"] = run.ended_ms;
  j["owner"] = run.owner;
  Json actions = Json::array();
  for (const ActionRun& a : run.actions) {
    Json ja;
    ja["name"] = a.name;
    ja["state"] = StateName(a.state);
    Json attempts = Json::array();
    for (const Attempt& t : a.attempts) {
      attempts.push_back({{"start_ms", t.start_ms},
                          {"end_ms", t.end_ms},
                          {"exit_code", t.exit_code},
                          {"log", t.log},
                          {"error", t.error}});
    }
    ja["attempts"] = std::move(attempts);
    actions.push_back(std::move(ja));
  }
  j["actions"] = std::move(actions);
  return j.dump();
}

Result<DayRun> DayRunFromJson(const std::string& json) {
  try {
    const Json j = Json::parse(json);
    if (!j.is_object()) throw std::invalid_argument("not an object");
    DayRun run;
    run.workflow = Str(j, "workflow");
    run.date = Str(j, "date");
    run.state = StateFromName(Str(j, "state"));
    run.started_ms = Int(j, "started_ms");
    run.ended_ms = Int(j, "ended_ms");
    run.owner = Str(j, "owner");
    const auto it = j.find("actions");
    if (it != j.end()) {
      if (!it->is_array()) throw std::invalid_argument("'actions' is not a list");
      for (const Json& ja : *it) {
        if (!ja.is_object()) throw std::invalid_argument("an action is not an object");
        ActionRun a;
        a.name = Str(ja, "name");
        a.state = StateFromName(Str(ja, "state"));
        const auto at = ja.find("attempts");
        if (at != ja.end()) {
          if (!at->is_array()) throw std::invalid_argument("'attempts' is not a list");
          for (const Json& jt : *at) {
            if (!jt.is_object()) throw std::invalid_argument("an attempt is not an object");
            Attempt t;
            t.start_ms = Int(jt, "start_ms");
            t.end_ms = Int(jt, "end_ms");
            t.exit_code = static_cast<int>(JsonIntegerOrThrow<int32_t>(
                jt.contains("exit_code") ? jt["exit_code"] : Json(-1), "exit_code"));
            t.log = Str(jt, "log");
            t.error = Str(jt, "error");
            a.attempts.push_back(std::move(t));
          }
        }
        run.actions.push_back(std::move(a));
      }
    }
    return run;
  } catch (const std::exception& e) {
    return Err(Status::Corruption(std::string("bad workflow run document: ") + e.what()));
  }
}

std::string RunsPath(const std::string& workflow) { return "/workflows/" + workflow + "/runs"; }
std::string RunPath(const std::string& workflow, const std::string& date) {
  return RunsPath(workflow) + "/" + date;
}
std::string LockPath(const std::string& workflow, const std::string& date) {
  return "/workflows/" + workflow + "/locks/" + date;
}

Result<std::optional<StoredRun>> LoadRun(coord::Coordinator* c, const std::string& workflow,
                                         const std::string& date) {
  auto node = c->Get(RunPath(workflow, date));
  if (!node) {
    if (node.error().IsNotFound()) return std::optional<StoredRun>();
    return Err(node.error());
  }
  auto run = DayRunFromJson(node->data);
  if (!run) {
    return Err(Status::Corruption(RunPath(workflow, date) + ": " + run.error().message()));
  }
  return std::optional<StoredRun>(StoredRun{std::move(*run), node->version});
}

Status SaveRun(coord::Coordinator* c, StoredRun* stored) {
  const std::string path = RunPath(stored->run.workflow, stored->run.date);
  const std::string json = DayRunToJson(stored->run);
  if (stored->version < 0) {
    SMARTCAR_RETURN_IF_ERROR(c->Create(path, json));
    stored->version = 0;
    return Status::OK();
  }
  auto v = c->Set(path, json, stored->version);
  if (!v) return v.error();
  stored->version = *v;
  return Status::OK();
}

Status TouchRuns(coord::Coordinator* c, const std::string& workflow) {
  auto v = c->Set(RunsPath(workflow), "");
  return v ? Status::OK() : v.error();
}

Result<std::vector<DayRun>> ListRuns(coord::Coordinator* c, const std::string& workflow) {
  std::vector<DayRun> out;
  auto days = c->Children(RunsPath(workflow));
  if (!days) {
    if (days.error().IsNotFound()) return out;
    return Err(days.error());
  }
  for (const std::string& d : *days) {
    auto r = LoadRun(c, workflow, d);
    if (!r) return Err(r.error());
    if (r->has_value()) out.push_back(std::move((*r)->run));
  }
  return out;
}

Result<std::optional<DayRun>> GetRun(coord::Coordinator* c, const std::string& workflow,
                                     const std::string& date) {
  auto r = LoadRun(c, workflow, date);
  if (!r) return Err(r.error());
  if (!r->has_value()) return std::optional<DayRun>();
  return std::optional<DayRun>(std::move((*r)->run));
}

}  // namespace smartcar::workflow
