// Replays: the SmartCar topology in the replay's consumer group up to its plan's stop offsets
// (pipeline/replay_plan.h), in a process of its own (RunReplay) or inside a running one
// (ReplayService).
#include "pipeline/replay.h"

#include <chrono>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/event_time.h"
#include "core/json_integer.h"
#include "core/thread_name.h"
#include "pipeline/replay_plan.h"
#include "pipeline/run_metrics.h"
#include "pipeline/session.h"

namespace smartcar::pipeline {
namespace {

std::string Range(const ReplayOptions& o) {
  return FormatTimestamp14(EventTimeMs{o.from_ms}) + ".." + FormatTimestamp14(EventTimeMs{o.to_ms});
}

}  // namespace

Status RunReplay(const ReplayOptions& options, ReplayReport* report) {
  if (options.to_ms <= options.from_ms) return Status::InvalidArgument("empty replay range");
  Status planned = Status::OK();
  Plan plan;
  bool resumed = false;
  std::mutex assignment_mu;
  std::vector<int32_t> assignment;
  ReplayOptions o = options;
  auto session = PipelineSession::Open(o, "smartcar replay", [&](PipelineOptions* po) {
    planned = ChooseRules(po->coordinator, &o);
    if (planned.ok()) {
      auto p = PlanOrResume(po->log, po->hot, o, &resumed);
      if (p) {
        plan = std::move(*p);
      } else {
        planned = p.error().WithPrefix("planning the replay: ");
      }
    }
    ConfigureReplay(o, plan, po);
    po->on_assignment = [&](const std::vector<int32_t>& ps) {
      std::lock_guard<std::mutex> l(assignment_mu);
      assignment = ps;
    };
  });
  if (!session) return session.error();
  if (!planned.ok()) return planned;
  PipelineSession& ps = **session;
  PipelineCounters& counters = ps.counters();
  const uint64_t total = plan.planned();
  if (report != nullptr) {
    report->resumed = resumed;
    report->planned = total;
  }
  const std::string range = Range(o);
  SMARTCAR_RETURN_IF_ERROR(ps.Start(
      [&] {
        StatusInput in;
        in.head = "replay " + range + (o.rules.empty() ? "" : " rules " + o.rules.Describe()) +
                  (resumed ? " (resumed)" : "") + " | consumed " +
                  std::to_string(counters.consumed.load()) + " of " + (resumed ? "at most " : "") +
                  std::to_string(total);
        return in;
      },
      [&] { return PipelineCounterList(counters, 0, 0); }));
  Status result = ps.RunToEnd();
  ps.Finish();
  const bool stopped = o.stop != nullptr && o.stop->load();
  if (result.ok() && !stopped) {
    std::error_code ec;
    std::filesystem::remove(o.data().ReplayPlan(), ec);  // Done: the next replay plans anew.
  }
  if (report != nullptr) {
    FillReport(counters, report);
    std::lock_guard<std::mutex> l(assignment_mu);
    report->partitions = assignment;
  }
  return result;
}

// One replay inside the process: its topology on the process's stores, run by its own thread.
class ReplayService::Job {
 public:
  explicit Job(ReplayOptions o) : o_(std::move(o)) {
    state_.from_ms = o_.from_ms;
    state_.to_ms = o_.to_ms;
    state_.rules = o_.rules.Describe();
    state_.replace_detections = o_.replace_detections;
  }

  ~Job() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (topology_ != nullptr) topology_->Stop();
  }

  Status Start(const Stores& stores) {
    bool resumed = false;
    auto plan = PlanOrResume(stores.log.get(), stores.hot.get(), o_, &resumed);
    if (!plan) return plan.error().WithPrefix("planning the replay: ");
    PipelineOptions po = PipelineOptionsFor(stores, o_);
    po.counters = &counters_;
    ConfigureReplay(o_, *plan, &po);
    auto topo = BuildSmartCarTopology(po);
    if (!topo) return topo.error().WithPrefix("topology: ");
    topology_ = std::move(*topo);
    SMARTCAR_RETURN_IF_ERROR(topology_->Submit());
    {
      std::lock_guard<std::mutex> l(mu_);
      state_.running = true;
      state_.resumed = resumed;
      state_.planned = plan->planned();
    }
    thread_ = std::thread([this] {
      NameThisThread("replay");
      Loop();
    });
    return Status::OK();
  }

  ReplayState State() {
    std::lock_guard<std::mutex> l(mu_);
    ReplayState s = state_;
    s.consumed = counters_.consumed;
    s.stored = counters_.stored;
    s.detections = counters_.detections;
    return s;
  }

 private:
  void Loop() {
    Status s;
    bool stopped = false;
    while (true) {
      if (stop_) {
        s = topology_->Shutdown(std::chrono::seconds(60));
        stopped = true;
        break;
      }
      s = topology_->Run(std::chrono::milliseconds(200));
      if (s.code() != Status::Code::kBusy) break;
    }
    if (s.ok() && !stopped) {
      std::error_code ec;
      std::filesystem::remove(o_.data().ReplayPlan(), ec);
    }
    std::lock_guard<std::mutex> l(mu_);
    state_.running = false;
    state_.done = s.ok() && !stopped;
    if (!s.ok()) state_.error = s.message();
    if (stopped && s.ok()) state_.error = "stopped with the process (it resumes next time)";
  }

  const ReplayOptions o_;
  PipelineCounters counters_;
  std::unique_ptr<topology::Topology> topology_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  ReplayState state_;  // GUARDED_BY(mu_), but for the counters.
};

ReplayService::ReplayService(const Stores* stores, PipelineSettings settings)
    : stores_(stores), settings_(std::move(settings)) {}

ReplayService::~ReplayService() {
  std::lock_guard<std::mutex> l(mu_);
  job_.reset();
}

server::ApiResponse ReplayService::Handle(const server::ApiRequest& request) {
  auto error = [](int status, const std::string& why) {
    return server::ApiResponse{status, nlohmann::json{{"error", why}}.dump()};
  };
  if (request.path != "replay") {
    return error(404, "no API path '" + request.path + "'; this process serves /api/v1/replay");
  }
  std::lock_guard<std::mutex> l(mu_);
  if (request.method == "GET") {
    if (job_ == nullptr) return error(404, "no replay has run in this process");
    return {200, ReplayStateToJson(job_->State())};
  }
  if (request.method != "POST") return error(405, "GET or POST /api/v1/replay");
  auto param = [&](const char* name) {
    auto it = request.params.find(name);
    return it == request.params.end() ? std::string() : it->second;
  };
  const std::string from_text = param("from");
  const std::string to_text = param("to").empty() ? from_text : param("to");
  auto from = ParseTimeBound(from_text, false);
  if (!from) return error(400, "from: " + from.error().message());
  auto to = ParseTimeBound(to_text, true);
  if (!to) return error(400, "to: " + to.error().message());
  if (*to <= *from) return error(400, "empty range: from " + from_text + " is after to " + to_text);
  ReplayOptions o;
  static_cast<PipelineSettings&>(o) = settings_;
  o.from_ms = *from;
  o.to_ms = *to;
  o.replace_detections = param("replace_detections") == "1";
  if (!param("rules").empty()) {
    o.rules.folder_only = true;
    o.rules_dir = param("rules");
    if (!std::filesystem::is_directory(o.rules_dir)) {
      return error(400, "rules folder '" + o.rules_dir + "' not found");
    }
  }
  const std::string list = param("rule_version");
  for (size_t at = 0; !list.empty() && at <= list.size();) {
    const size_t comma = std::min(list.find(',', at), list.size());
    o.rule_versions.push_back(list.substr(at, comma - at));
    at = comma + 1;
  }
  if (Status s = ChooseRules(stores_->coordinator.get(), &o); !s.ok()) {
    return error(400, s.message());
  }
  if (job_ != nullptr) {
    const ReplayState s = job_->State();
    if (s.running) {
      if (s.from_ms == *from && s.to_ms == *to && s.rules == o.rules.Describe() &&
          s.replace_detections == o.replace_detections) {
        return {200, ReplayStateToJson(s)};
      }
      return error(409, "a replay of " + FormatTimestamp14(EventTimeMs{s.from_ms}) + ".." +
                            FormatTimestamp14(EventTimeMs{s.to_ms}) +
                            (s.rules.empty() ? "" : " with rules " + s.rules) + " is running");
    }
  }
  job_.reset();
  auto job = std::make_unique<Job>(o);
  if (Status s = job->Start(*stores_); !s.ok()) return error(500, s.message());
  job_ = std::move(job);
  return {202, ReplayStateToJson(job_->State())};
}

}  // namespace smartcar::pipeline
