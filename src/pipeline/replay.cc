// RunReplay: plans (or resumes) a replay of a time range, then runs the SmartCar topology in the
// replay's consumer group up to the plan's stop offsets.
#include "pipeline/replay.h"

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/event_time.h"
#include "core/file.h"
#include "pipeline/backtest.h"
#include "pipeline/event_time_index.h"
#include "pipeline/run_metrics.h"
#include "pipeline/session.h"

namespace smartcar::pipeline {
namespace {

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
      j.value("to", "") != want["to"] || !j.contains("partitions") || !j["partitions"].is_array()) {
    return std::nullopt;
  }
  Plan plan;
  for (const auto& p : j["partitions"]) {
    if (!p.is_object() || !p.contains("partition") || !p["partition"].is_number_integer() ||
        !p.contains("start") || !p["start"].is_number_integer() || !p.contains("stop") ||
        !p["stop"].is_number_integer()) {
      return std::nullopt;
    }
    plan.start[p["partition"].get<int32_t>()] = p["start"].get<int64_t>();
    plan.stop[p["partition"].get<int32_t>()] = p["stop"].get<int64_t>();
  }
  if (plan.stop.empty()) return std::nullopt;
  return plan;
}

Status WritePlan(const std::string& path, const nlohmann::json& j) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << j.dump(1) << "\n";
    out.close();
    if (!out) return Status::IOError("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IOError("cannot write " + path + ": " + ec.message());
  return Status::OK();
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

}  // namespace

Status RunReplay(const ReplayOptions& o, ReplayReport* report) {
  if (o.to_ms <= o.from_ms) return Status::InvalidArgument("empty replay range");
  const std::string plan_path = o.data().ReplayPlan();
  Status planned = Status::OK();
  Plan plan;
  bool resumed = false;
  std::mutex assignment_mu;
  std::vector<int32_t> assignment;
  auto session = PipelineSession::Open(o, "smartcar replay", [&](PipelineOptions* po) {
    po->group = kReplayGroup;
    po->detect_from_ms = o.from_ms;
    po->detect_to_ms = o.to_ms;
    if (auto old = ReadPlan(plan_path, o)) {
      plan = std::move(*old);
      resumed = true;
    } else if (auto fresh = NewPlan(po->log, o)) {
      plan = std::move(*fresh);
      planned = WritePlan(plan_path, ToJson(o, plan));
    } else {
      planned = fresh.error();
    }
    po->stop_offsets = plan.stop;
    if (po->stop_offsets.empty()) po->stop_offsets[0] = 0;  // Nothing to read.
    po->on_assignment = [&](const std::vector<int32_t>& ps) {
      std::lock_guard<std::mutex> l(assignment_mu);
      assignment = ps;
    };
  });
  if (!session) return session.error();
  if (!planned.ok()) return planned.WithPrefix("planning the replay: ");
  PipelineSession& ps = **session;
  PipelineCounters& counters = ps.counters();
  const uint64_t total = plan.planned();
  if (report != nullptr) {
    report->resumed = resumed;
    report->planned = total;
  }
  const std::string range =
      FormatTimestamp14(EventTimeMs{o.from_ms}) + ".." + FormatTimestamp14(EventTimeMs{o.to_ms});
  SMARTCAR_RETURN_IF_ERROR(ps.Start(
      [&] {
        StatusInput in;
        const uint64_t done = counters.consumed.load();
        in.head = "replay " + range + (resumed ? " (resumed)" : "") + " | consumed " +
                  std::to_string(done) + " of " + std::to_string(total) +
                  (resumed ? " or fewer" : "");
        return in;
      },
      [&] { return PipelineCounterList(counters, 0, 0); }));
  Status result = ps.RunToEnd();
  ps.Finish();
  const bool stopped = o.stop != nullptr && o.stop->load();
  if (result.ok() && !stopped) {
    std::error_code ec;
    std::filesystem::remove(plan_path, ec);  // Done: the next replay plans anew.
  }
  if (report != nullptr) {
    report->consumed = counters.consumed;
    report->stored = counters.stored;
    report->detections = counters.detections;
    report->rejected = counters.rejected;
    report->late = counters.late;
    std::lock_guard<std::mutex> l(assignment_mu);
    report->partitions = assignment;
  }
  return result;
}

}  // namespace smartcar::pipeline
