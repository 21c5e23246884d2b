// A replay's plan (pipeline/replay_plan.h): where each partition starts and stops, kept in
// DATA/replay.json for a resume, the range's detections cleared first when asked, and the rules
// it runs.
#include "pipeline/replay_plan.h"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "core/event_time.h"
#include "core/file.h"
#include "core/json_integer.h"
#include "hot/detection.h"
#include "pipeline/backtest.h"
#include "pipeline/event_time_index.h"
#include "pipeline/rule_source.h"

namespace smartcar::pipeline {
namespace {

// The unfinished replay of the same range and rules in DATA/replay.json, if any.
std::optional<Plan> ReadPlan(const std::string& path, const ReplayOptions& o) {
  auto text = ReadFileToString(path, "replay plan");
  if (!text) return std::nullopt;
  return PlanFromJson(*text, o);
}

Status WritePlan(const std::string& path, const std::string& json) {
  return WriteFileAtomically(path, json);
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
  for (int64_t day = o.from_ms; day < o.to_ms; day += kMsPerDay) {
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

}  // namespace

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
  SMARTCAR_RETURN_IF_ERROR(WritePlan(path, PlanToJson(o, *plan)));
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
  po->dead_letter_path = DataFolder(o.data_dir).ReplayDeadLetters();
  po->topology.name = "SmartCarReplayTopology";
}

// Resolves o->rule_versions against the rule store into o->rules.versions.
Status ChooseRules(coord::Coordinator* coordinator, ReplayOptions* o) {
  if (o->replace_detections && (o->from_ms % kMsPerDay != 0 || o->to_ms % kMsPerDay != 0)) {
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

}  // namespace smartcar::pipeline
