// libFuzzer target for the replays' JSON (pipeline/replay_plan.h, pipeline/replay.h): the plan
// file DATA/replay.json, the state the live API serves, and `--rule-version` values. Any bytes
// are refused or parsed, never a crash; a parsed plan or state serialises to JSON that parses
// to the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/replay.h"
#include "pipeline/replay_plan.h"
#include "pipeline/rule_choice.h"

namespace sp = smartcar::pipeline;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  sp::ReplayOptions o;
  o.from_ms = 1650931200000;  // 20220426
  o.to_ms = 1651017600000;
  if (!in.empty() && (in[0] & 1)) o.rules.versions["overspeed"] = 2;
  if (auto plan = sp::PlanFromJson(in, o)) {
    (void)plan->planned();
    auto again = sp::PlanFromJson(sp::PlanToJson(o, *plan), o);
    if (!again || again->start != plan->start || again->stop != plan->stop) __builtin_trap();
  }
  if (auto state = sp::ReplayStateFromJson(in)) {
    const std::string json = sp::ReplayStateToJson(*state);
    auto again = sp::ReplayStateFromJson(json);
    if (!again || sp::ReplayStateToJson(*again) != json) __builtin_trap();
  }
  if (auto v = sp::ParseRuleVersion(std::string(in)); v && v->second <= 0) __builtin_trap();
  return 0;
}
