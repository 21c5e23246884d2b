// The JSON of replays: the plan file DATA/replay.json and the state the live API serves. Kept
// apart from the replay itself so the fuzzer (fuzz/pipeline_replay_fuzz.cc) links only these.
#include <nlohmann/json.hpp>

#include "core/event_time.h"
#include "core/json_integer.h"
#include "pipeline/replay.h"
#include "pipeline/replay_plan.h"

namespace smartcar::pipeline {
namespace {

nlohmann::json PlanJson(const ReplayOptions& o, const Plan& plan) {
  nlohmann::json j;
  j["topic"] = kDriverTopic;
  j["group"] = kReplayGroup;
  j["from"] = FormatTimestamp14(EventTimeMs{o.from_ms});
  j["to"] = FormatTimestamp14(EventTimeMs{o.to_ms});
  j["rules"] = o.rules.Describe();
  j["replace_detections"] = o.replace_detections;
  for (const auto& [p, s] : plan.stop) {
    auto start = plan.start.find(p);
    j["partitions"].push_back(
        {{"partition", p}, {"start", start == plan.start.end() ? 0 : start->second}, {"stop", s}});
  }
  return j;
}

}  // namespace

std::string PlanToJson(const ReplayOptions& o, const Plan& plan) {
  return PlanJson(o, plan).dump(1) + "\n";
}

std::optional<Plan> PlanFromJson(std::string_view text, const ReplayOptions& o) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  const nlohmann::json want = PlanJson(o, Plan{});
  try {  // value() throws type_error when a field has another type.
    for (const char* key : {"topic", "from", "to", "rules"}) {
      if (j.value(key, std::string()) != want[key]) return std::nullopt;
    }
    if (j.value("replace_detections", false) != want["replace_detections"]) return std::nullopt;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  if (!j.contains("partitions") || !j["partitions"].is_array()) return std::nullopt;
  Plan plan;
  for (const auto& p : j["partitions"]) {
    if (!p.is_object() || !p.contains("partition") || !p.contains("start") || !p.contains("stop")) {
      return std::nullopt;
    }
    const auto partition = JsonInteger<int32_t>(p["partition"]);
    const auto start = JsonInteger<int64_t>(p["start"]);
    const auto stop = JsonInteger<int64_t>(p["stop"]);
    // Offsets are never negative and a partition stops at or after its start.
    if (!partition || !start || !stop || *start < 0 || *stop < *start) return std::nullopt;
    plan.start[*partition] = *start;
    plan.stop[*partition] = *stop;
  }
  if (plan.stop.empty()) return std::nullopt;
  return plan;
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

}  // namespace smartcar::pipeline
