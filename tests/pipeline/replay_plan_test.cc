// The replay's JSON (pipeline/replay_plan.h, pipeline/replay.h) and `--rule-version` values: a
// plan is resumed only for its own range and rules, and a damaged plan file is a new plan, never
// a crash.
#include <gtest/gtest.h>

#include "pipeline/replay.h"
#include "pipeline/replay_plan.h"
#include "pipeline/rule_choice.h"

namespace smartcar::pipeline {
namespace {

ReplayOptions Day(const std::string& rules = "") {
  ReplayOptions o;
  o.from_ms = 1650931200000;  // 20220426
  o.to_ms = 1651017600000;
  if (!rules.empty()) o.rules.versions[rules] = 1;
  return o;
}

TEST(ReplayPlanTest, APlanIsReadBackOnlyForItsRangeAndRules) {
  Plan plan;
  plan.start = {{0, 0}, {1, 10}};
  plan.stop = {{0, 2175}, {1, 2200}};
  const std::string json = PlanToJson(Day(), plan);
  auto back = PlanFromJson(json, Day());
  ASSERT_TRUE(back.has_value()) << json;
  EXPECT_EQ(back->start, plan.start);
  EXPECT_EQ(back->stop, plan.stop);
  EXPECT_EQ(back->planned(), 2175u + 2190u);
  EXPECT_FALSE(PlanFromJson(json, Day("overspeed")).has_value());  // Other rules: a new plan.
  ReplayOptions other = Day();
  other.to_ms += 86'400'000;
  EXPECT_FALSE(PlanFromJson(json, other).has_value());  // Another range.
  ReplayOptions replace = Day();
  replace.replace_detections = true;
  EXPECT_FALSE(PlanFromJson(json, replace).has_value());
}

TEST(ReplayPlanTest, ADamagedPlanIsIgnoredNotACrash) {
  for (const std::string bad : {
           "",
           "[]",
           "{\"topic\": 5}",
           "{\"from\": {}}",
           R"({"topic":"SmartCar-Topic","from":"20220426000000","to":"20220427000000","rules":"",)"
           R"("replace_detections":"yes","partitions":[]})",
           R"({"topic":"SmartCar-Topic","from":"20220426000000","to":"20220427000000","rules":"",)"
           R"("partitions":[{"partition":0,"start":-5,"stop":10}]})",
           R"({"topic":"SmartCar-Topic","from":"20220426000000","to":"20220427000000","rules":"",)"
           R"("partitions":[{"partition":0,"start":20,"stop":10}]})",
           R"({"topic":"SmartCar-Topic","from":"20220426000000","to":"20220427000000","rules":"",)"
           R"("partitions":[{"partition":0,"start":1e300,"stop":10}]})",
       }) {
    EXPECT_FALSE(PlanFromJson(bad, Day()).has_value()) << bad;
  }
}

TEST(ReplayPlanTest, ReplayStateRoundTrips) {
  ReplayState s;
  s.from_ms = 1650931200000;
  s.to_ms = 1651017600000;
  s.rules = "overspeed=1";
  s.replace_detections = true;
  s.running = true;
  s.planned = 100;
  s.consumed = 7;
  auto back = ReplayStateFromJson(ReplayStateToJson(s));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->rules, "overspeed=1");
  EXPECT_TRUE(back->replace_detections);
  EXPECT_EQ(back->consumed, 7u);
  EXPECT_EQ(ReplayStateToJson(*back), ReplayStateToJson(s));
}

TEST(RuleChoiceTest, RuleVersionValues) {
  auto bare = ParseRuleVersion("3");
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(*bare, std::make_pair(std::string(), int64_t{3}));
  auto named = ParseRuleVersion("overspeed=12");
  ASSERT_TRUE(named.has_value());
  EXPECT_EQ(*named, std::make_pair(std::string("overspeed"), int64_t{12}));
  for (const std::string bad : {"", "0", "-1", "v1", "=1", "x=", "x=1.5", "1 "}) {
    auto r = ParseRuleVersion(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_NE(r.error().message().find("expected N or NAME=N"), std::string::npos);
  }
  RuleChoice c;
  EXPECT_EQ(c.Describe(), "");
  c.versions = {{"b", 2}, {"a", 1}};
  EXPECT_EQ(c.Describe(), "a=1,b=2");
  c.folder_only = true;
  EXPECT_EQ(c.Describe(), "folder");
}

}  // namespace
}  // namespace smartcar::pipeline
