// Replays: the plan of a time range (new or resumed), then the SmartCar topology in the replay's
// consumer group up to the plan's stop offsets, in a process of its own (RunReplay) or inside a
// running one (ReplayService).
#include "pipeline/replay.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/event_time.h"
#include "core/file.h"
#include "core/json_integer.h"
#include "hot/detection.h"
#include "pipeline/backtest.h"
#include "pipeline/event_time_index.h"
#include "pipeline/rule_source.h"
#include "pipeline/run_metrics.h"
#include "pipeline/session.h"

namespace smartcar::pipeline {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

struct Plan {
  std::map<int32_t, int64_t> start, stop;
  uint64_t planned() const {
    uint64_t n = 0;
    for (const auto& [p, s] : stop)
      n += static_cast<uint64_t>(std::max<int64_t>(0, s - start.at(p)));
    return n;
  }
};

nlohmann::json ToJson(const ReplayOptions& o, const Plan& plan) {
  nlohmann::json j;
  j["topic"] = kDriverTopic;
  j["group"] = kReplayGroup;
  j["from"] = FormatTimestamp14(EventTimeMs{o.from_ms});
  j["to"] = FormatTimestamp14(EventTimeMs{o.to_ms});
  j["rules"] = o.rules.Describe();
  j["replace_detections"] = o.replace_detections;
  for (const auto& [p, s] : plan.stop) {
    j["partitions"].push_back({{"partition", p}, {"start", plan.start.at(p)}, {"stop", s}});
  }
  return j;
}

// The unfinished replay of the same range in DATA/replay.json, if any.
std::optional<Plan> ReadPlan(const std::string& path, const ReplayOptions& o) {
  auto text = ReadFileToString(path, "replay plan");
  if (!text) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  Plan want_range;
  const nlohmann::json want = ToJson(o, want_range);
  if (j.value("topic", "") != want["topic"] || j.value("from", "") != want["from"] ||
      j.value("to", "") != want["to"] || j.value("rules", "") != want["rules"] ||
      j.value("replace_detections", false) != want["replace_detections"] ||
      !j.contains("partitions") || !j["partitions"].is_array()) {
    return std::nullopt;
  }
  Plan plan;
  for (const auto& p : j["partitions"]) {
    if (!p.is_object() || !p.contains("partition") || !p["partition"].is_number_integer() ||
        !p.contains("start") || !p["start"].is_number_integer() || !p.contains("stop") ||
        !p["stop"].is_number_integer()) {
      return std::nullopt;
    }
    const auto partition = JsonInteger<int32_t>(p["partition"]);
    const auto start = JsonInteger<int64_t>(p["start"]);
    const auto stop = JsonInteger<int64_t>(p["stop"]);
    if (!partition || !start || !stop) return std::nullopt;
    plan.start[*partition] = *start;
    plan.stop[*partition] = *stop;
  }
  if (plan.stop.empty()) return std::nullopt;
  return plan;
}

Status WritePlan(const std::string& path, const nlohmann::json& j) {
  return WriteFileAtomically(path, j.dump(1) + "\n");
}

// A new plan: each partition from the first index block that can hold the range (else its
// start) to the first block wholly after the range's end plus kReadPastRangeMs (else its end now);
// the start offsets committed for the replay group.
Result<Plan> NewPlan(queue::Log* log, const ReplayOptions& o) {
  auto topic = log->DescribeTopic(kDriverTopic);
  if (!topic) return Err(topic.error());
  auto index = EventTimeIndex::Load(
      o.data().TimeIndex(LogSourceName(o.kafka_brokers), kDriverTopic), kDriverTopic);
  Plan plan;
  queue::CommitOptions commit;
  queue::AssignOptions assign;
  for (const queue::PartitionState& ps : topic->partitions) {
    const int32_t p = ps.partition.value;
    PartitionTimeIndex* pi = index ? &index->partition(p) : nullptr;
    auto start = StartOffsetFor(log, kDriverTopic, p, ps.earliest.value, o.from_ms, pi);
    if (!start) return Err(start.error());
    int64_t stop = ps.latest.value;
    if (pi != nullptr) {
      for (const auto& b : pi->blocks()) {
        if (b.base >= *start && b.min_ms <= b.max_ms && b.min_ms > o.to_ms + kReadPastRangeMs) {
          stop = std::min(stop, b.base);
          break;
        }
      }
    }
    plan.start[p] = *start;
    plan.stop[p] = std::max(*start, stop);
    const queue::TopicPartition tp{kDriverTopic, ps.partition};
    assign.partitions.push_back(tp);
    commit.offsets.push_back({tp, queue::Offset{*start}, ""});
  }
  queue::ConsumerOptions co;
  co.group = kReplayGroup;
  auto consumer = log->NewConsumer(co);
  if (!consumer) return Err(consumer.error());
  SMARTCAR_RETURN_IF_ERROR((*consumer)->Assign(assign));
  SMARTCAR_RETURN_IF_ERROR((*consumer)->Commit(commit));
  SMARTCAR_RETURN_IF_ERROR((*consumer)->Close());
  return plan;
}

// Deletes every detection of the range's days (o.replace_detections: whole days): the day sets
// and each member car's detection.
Status ClearDetections(hot::HotStore* hot, const ReplayOptions& o) {
  for (int64_t day = o.from_ms; day < o.to_ms; day += kDayMs) {
    const std::string key = FormatTimestamp14(EventTimeMs{day}).substr(0, 8);
    auto cars = hot->Members(key);
    if (!cars) return cars.error().WithPrefix("clearing " + key + ": ");
    for (const std::string& car : *cars) {
      SMARTCAR_RETURN_IF_ERROR(hot->Delete(hot::DetectionKey(key, car)));
    }
    SMARTCAR_RETURN_IF_ERROR(hot->Delete(key));
  }
  return Status::OK();
}

// The plan of DATA/replay.json when it is for this range and rules, else a new one (written
// there), the range's detections cleared first when asked: before the plan, so a replay killed in
// between clears again, and one that resumes never clears what it re-added.
Result<Plan> PlanOrResume(queue::Log* log, hot::HotStore* hot, const ReplayOptions& o,
                          bool* resumed) {
  const std::string path = o.data().ReplayPlan();
  if (auto old = ReadPlan(path, o)) {
    *resumed = true;
    return *old;
  }
  *resumed = false;
  if (o.replace_detections) SMARTCAR_RETURN_IF_ERROR(ClearDetections(hot, o));
  auto plan = NewPlan(log, o);
  if (!plan) return plan;
  SMARTCAR_RETURN_IF_ERROR(WritePlan(path, ToJson(o, *plan)));
  return plan;
}

// The topology options of a replay: its group, the detections of its range, the plan's stops,
// its own dead-letter file.
void ConfigureReplay(const ReplayOptions& o, const Plan& plan, PipelineOptions* po) {
  po->group = kReplayGroup;
  po->detect_from_ms = o.from_ms;
  po->detect_to_ms = o.to_ms;
  po->stop_offsets = plan.stop;
  po->rule_choice = o.rules;
  if (po->stop_offsets.empty()) po->stop_offsets[0] = 0;  // Nothing to read.
  po->dead_letter_path =
      (std::filesystem::path(o.data_dir) / "dead-letter" / "replay.log").string();
  po->topology.name = "SmartCarReplayTopology";
}

// Resolves o->rule_versions against the rule store into o->rules.versions.
Status ChooseRules(coord::Coordinator* coordinator, ReplayOptions* o) {
  if (o->replace_detections && (o->from_ms % kDayMs != 0 || o->to_ms % kDayMs != 0)) {
    return Status::InvalidArgument(
        "replacing detections needs whole days (--from and --to as yyyyMMdd): the hot store "
        "keeps one set per day");
  }
  if (o->rule_versions.empty()) return Status::OK();
  if (o->rules.folder_only) {
    return Status::InvalidArgument("choose the rules by folder or by version, not both");
  }
  if (coordinator == nullptr) return Status::InvalidArgument("--rule-version needs a rule store");
  auto versions = ResolveRuleVersions(o->rule_versions, coordinator);
  if (!versions) return versions.error();
  o->rules.versions = std::move(*versions);
  return Status::OK();
}

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

std::string ReplayStateToJson(const ReplayState& s) {
  nlohmann::ordered_json j;
  j["from"] = FormatTimestamp14(EventTimeMs{s.from_ms});
  j["to"] = FormatTimestamp14(EventTimeMs{s.to_ms});
  j["rules"] = s.rules;
  j["replace_detections"] = s.replace_detections;
  j["running"] = s.running;
  j["done"] = s.done;
  j["error"] = s.error;
  j["resumed"] = s.resumed;
  j["planned"] = s.planned;
  j["consumed"] = s.consumed;
  j["stored"] = s.stored;
  j["detections"] = s.detections;
  return j.dump();
}

Result<ReplayState> ReplayStateFromJson(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Err(Status::Corruption("replay state: not a JSON object"));
  }
  ReplayState s;
  try {
    auto from = ParseTimestamp14(j.at("from").get<std::string>());
    auto to = ParseTimestamp14(j.at("to").get<std::string>());
    if (!from || !to) return Err(Status::Corruption("replay state: bad from/to"));
    s.from_ms = from->value;
    s.to_ms = to->value;
    s.rules = j.value("rules", "");
    s.replace_detections = j.value("replace_detections", false);
    s.running = j.at("running").get<bool>();
    s.done = j.at("done").get<bool>();
    s.error = j.at("error").get<std::string>();
    s.resumed = j.at("resumed").get<bool>();
    s.planned = JsonIntegerOrThrow<uint64_t>(j.at("planned"), "planned");
    s.consumed = JsonIntegerOrThrow<uint64_t>(j.at("consumed"), "consumed");
    s.stored = JsonIntegerOrThrow<uint64_t>(j.at("stored"), "stored");
    s.detections = JsonIntegerOrThrow<uint64_t>(j.at("detections"), "detections");
  } catch (const std::exception& e) {  // json::exception or std::invalid_argument
    return Err(Status::Corruption(std::string("replay state: ") + e.what()));
  }
  return s;
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
    thread_ = std::thread([this] { Loop(); });
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
