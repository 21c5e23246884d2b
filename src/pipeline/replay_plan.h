// The plan of a replay (pipeline/replay.h), internal to the pipeline stage: a new one or the
// unfinished one of the same range and rules in DATA/replay.json, and the topology options that
// make a topology run it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "coord/coordinator.h"
#include "core/status.h"
#include "hot/hot_store.h"
#include "pipeline/replay.h"
#include "pipeline/smartcar_topology.h"
#include "queue/log.h"

namespace smartcar::pipeline {

// Each partition's first offset to read and the offset where reading stops.
struct Plan {
  std::map<int32_t, int64_t> start, stop;
  uint64_t planned() const {
    uint64_t n = 0;
    for (const auto& [p, s] : stop)
      n += static_cast<uint64_t>(std::max<int64_t>(0, s - start.at(p)));
    return n;
  }
};

// The plan as DATA/replay.json holds it (with the range and rules it is for), and back: nullopt
// unless `text` is a well-formed plan for the range and rules of `o` (then a new plan is made).
std::string PlanToJson(const ReplayOptions& o, const Plan& plan);
std::optional<Plan> PlanFromJson(std::string_view text, const ReplayOptions& o);

// The plan of DATA/replay.json when it is for this range and rules (*resumed), else a new one
// written there: the range's detections cleared first when o.replace_detections.
Result<Plan> PlanOrResume(queue::Log* log, hot::HotStore* hot, const ReplayOptions& o,
                          bool* resumed);

// The topology options of a replay: its group, the detections of its range, the plan's stops,
// its rules, its own dead-letter file.
void ConfigureReplay(const ReplayOptions& o, const Plan& plan, PipelineOptions* po);

// Resolves o->rule_versions against the rule store into o->rules.versions; checks that
// --replace-detections covers whole days.
Status ChooseRules(coord::Coordinator* coordinator, ReplayOptions* o);

}  // namespace smartcar::pipeline
