// Requirement 4 while running: changing the threshold in the rule file changes the detections
// that follow, without a restart. The topology runs in process on an embedded log that the test
// fills in two phases around the rule change.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "coord/coordinator.h"
#include "coord/rule_store.h"
#include "core/line_codec.h"
#include "gen/driver_simulator.h"
#include "hot/detection.h"
#include "hot/hot_store.h"
#include "pipeline/smartcar_topology.h"
#include "queue/log.h"
#include "table/table.h"
#include "test_util.h"

namespace smartcar::pipeline {
namespace {

namespace fs = std::filesystem;

std::string Rule(int threshold) {
  return "@Name('overspeed')\n"
         "SELECT date, carNumber, avg(speed) AS avgSpeed, count(*) AS eventCount,\n"
         "       min(date) AS windowStart, max(date) AS windowEnd\n"
         "FROM DriverCarInfo.win:ext_timed_batch(date, 30 sec)\n"
         "GROUP BY carNumber HAVING avg(speed) > " +
         std::to_string(threshold) + "\n";
}

template <class Pred>
bool WaitFor(Pred pred) {
  for (int i = 0; i < 3000; ++i) {  // Up to 30 s on a loaded machine.
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Runs five minutes of 20 cars under a rule nobody can match, calls `change_rule` (which must
// bring the threshold to 80), waits until every CEP task swapped it in, runs five more minutes,
// and checks that exactly the wild cars were detected, all in the second phase.
void RunTwoPhases(const ::smartcar::testing::TempDir& dir, coord::Coordinator* coordinator,
                  const std::function<void()>& change_rule) {
  queue::QueueOptions qo;
  qo.data_dir = dir.file("queue");
  auto log = queue::OpenLog(qo);
  ASSERT_TRUE(log.has_value()) << log.error().ToString();
  queue::CreateTopicOptions ct;
  ct.name = kDriverTopic;
  ct.config.partitions = 2;
  ASSERT_TRUE((*log)->CreateTopic(ct).ok());
  table::StoreOptions so;
  so.data_dir = dir.str();
  auto tables = table::TableStore::Open(so);
  ASSERT_TRUE(tables.has_value());
  hot::HotOptions ho;
  ho.data_dir = dir.file("hot");
  auto hot_store = hot::OpenHotStore(ho);
  ASSERT_TRUE(hot_store.has_value());

  std::atomic<bool> input_complete{false};
  PipelineCounters counters;
  PipelineOptions po;
  po.log = log->get();
  po.tables = tables->get();
  po.hot = hot_store->get();
  po.rules_dir = dir.file("rules");
  po.coordinator = coordinator;
  po.input_complete = &input_complete;
  po.counters = &counters;
  po.cep_parallelism = 2;
  po.topology.tick_interval = std::chrono::milliseconds(20);
  auto topo = BuildSmartCarTopology(po);
  ASSERT_TRUE(topo.has_value()) << topo.error().ToString();
  ASSERT_TRUE((*topo)->Submit().ok());

  gen::DriverSimOptions sim;
  sim.start_day = *ParseDate8("20220426");
  sim.cars = 20;
  sim.seed = 5;
  sim.overspeed_ratio = 0.2;
  gen::DriverSimulator simulator(sim);
  auto producer = (*log)->NewProducer({});
  ASSERT_TRUE(producer.has_value());
  auto produce = [&](int seconds) {
    std::string text;
    for (int i = 0; i < seconds; ++i) simulator.NextTick(&text);
    std::vector<queue::Record> records;
    size_t pos = 0;
    while (pos < text.size()) {
      const size_t nl = text.find('\n', pos);
      queue::Record r;
      r.value = text.substr(pos, nl - pos);
      r.key = r.value.substr(15, 5);
      records.push_back(std::move(r));
      pos = nl + 1;
    }
    queue::AppendOptions ao;
    ao.topic = kDriverTopic;
    ASSERT_TRUE((*producer)->Append(ao, records).has_value());
  };

  // Phase 1: five minutes under the old rule: no detections.
  produce(300);
  ASSERT_TRUE(WaitFor([&] { return counters.parsed.load() >= 20u * 300; }));
  const uint64_t loads_before = counters.rule_reloads.load();
  change_rule();
  ASSERT_TRUE(WaitFor(
      [&] { return counters.rule_reloads.load() > loads_before + 1; }))  // One per CEP task.
      << counters.rule_reloads.load();
  const int64_t phase2_start_ms = simulator.next_tick_time().value;
  // Phase 2: five more minutes, now under the new rule.
  produce(300);
  input_complete = true;
  ASSERT_TRUE((*topo)->Run(std::chrono::seconds(120)).ok());

  auto members = (*hot_store)->Members("20220426");
  ASSERT_TRUE(members.has_value());
  std::set<std::string> wild;
  for (size_t i = 0; i < simulator.cars().size(); ++i) {
    if (simulator.is_wild(i)) wild.insert(std::string(simulator.cars()[i].view()));
  }
  EXPECT_EQ(std::set<std::string>(members->begin(), members->end()), wild);
  // Every detection comes from a window of phase 2: the old rule never fired.
  for (const auto& car : *members) {
    auto json = (*hot_store)->Get(hot::DetectionKey("20220426", car));
    ASSERT_TRUE(json.has_value() && json->has_value());
    auto d = hot::DetectionFromJson(**json);
    ASSERT_TRUE(d.has_value());
    EXPECT_GE(d->window_start_ms, phase2_start_ms - 30'000) << car;
    EXPECT_GT(d->avg_speed, 80) << car;
    EXPECT_GT(d->event_count, 0) << car;
  }
  EXPECT_EQ(counters.stored.load(), 20u * 600);
}

TEST(HotReloadTest, ChangingTheThresholdChangesLaterDetectionsWithoutRestart) {
  ::smartcar::testing::TempDir dir;
  fs::create_directories(dir.file("rules"));
  ::smartcar::testing::WriteFile(dir.file("rules/overspeed.epl"),
                                 Rule(1000));  // Nobody is that fast.
  RunTwoPhases(dir, nullptr, [&] {
    // The change a user makes: 1000 → 80, nothing else.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // A distinct modification time.
    ::smartcar::testing::WriteFile(dir.file("rules/overspeed.epl"), Rule(80));
  });
}

// The same change through the coordinator's rule store (`smartcar rules deploy`): the run starts
// on its folder (the store is empty), the first deploy moves it to the store, and the folder's
// later edits no longer count.
TEST(HotReloadTest, ADeployToTheRuleStoreChangesLaterDetectionsWithoutRestart) {
  ::smartcar::testing::TempDir dir;
  fs::create_directories(dir.file("rules"));
  ::smartcar::testing::WriteFile(dir.file("rules/overspeed.epl"), Rule(1000));
  coord::CoordOptions co;
  co.data_dir = dir.str();
  auto coordinator = coord::OpenCoordinator(co);
  ASSERT_TRUE(coordinator.has_value()) << coordinator.error().ToString();
  RunTwoPhases(dir, coordinator->get(), [&] {
    coord::RuleStore store(coordinator->get());
    auto v = store.Deploy("overspeed", Rule(80), "test", "threshold 80");
    ASSERT_TRUE(v.has_value()) << v.error().ToString();
    ::smartcar::testing::WriteFile(dir.file("rules/overspeed.epl"), Rule(1));  // Ignored now.
  });
}

}  // namespace
}  // namespace smartcar::pipeline
