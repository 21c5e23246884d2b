// Topologies from Flux YAML: a working file, and every kind of mistake with its line and column.
#include "topology/flux.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"
#include "topology_test_util.h"

namespace smartcar::topology {
namespace {

using testing::NumberSpout;
using testing::RecordBolt;
using testing::Sink;
using testing::SpoutLog;

class PassBolt : public Bolt {
 public:
  void DeclareOutputFields(OutputFieldsDeclarer& d) const override { d.Declare({"n", "key"}); }
  Status Prepare(const TopologyContext&, OutputCollector& c) override {
    c_ = &c;
    return Status::OK();
  }
  Status Execute(const Tuple& t) override {
    SMARTCAR_RETURN_IF_ERROR(c_->Emit(t, t.values()));
    c_->Ack(t);
    return Status::OK();
  }

 private:
  OutputCollector* c_ = nullptr;
};

class FluxTest : public ::testing::Test {
 protected:
  FluxTest() {
    EXPECT_TRUE(
        registry_
            .RegisterSpout("NumberSpout",
                           [this](const ComponentConfig& c) -> Result<std::unique_ptr<Spout>> {
                             auto count = c.GetInt("count", 10);
                             if (!count) return Err(count.error());
                             return std::make_unique<NumberSpout>(*count, true, log_);
                           })
            .ok());
    EXPECT_TRUE(registry_
                    .RegisterBolt("PassBolt",
                                  [](const ComponentConfig&) -> Result<std::unique_ptr<Bolt>> {
                                    return std::make_unique<PassBolt>();
                                  })
                    .ok());
    EXPECT_TRUE(registry_
                    .RegisterBolt("RecordBolt",
                                  [this](const ComponentConfig&) -> Result<std::unique_ptr<Bolt>> {
                                    return std::make_unique<RecordBolt>(sink_);
                                  })
                    .ok());
  }

  std::string Error(const std::string& yaml) {
    FluxOptions options;
    options.source_name = "t.yaml";
    auto t = LoadFluxTopology(yaml, registry_, options);
    return t ? "OK" : t.error().message();
  }

  ComponentRegistry registry_;
  std::shared_ptr<SpoutLog> log_ = std::make_shared<SpoutLog>();
  std::shared_ptr<Sink> sink_ = std::make_shared<Sink>();
};

constexpr char kGood[] = R"(name: numbers
config:
  topology.max.spout.pending: 7
  topology.message.timeout.secs: 5
  topology.executor.receive.buffer.size: 32
  topology.tick.tuple.freq.ms: 20
spouts:
  - id: numbers
    className: NumberSpout
    parallelism: 1
    config:
      count: 40
bolts:
  - id: pass
    className: PassBolt
    parallelism: 2
  - id: sink
    className: RecordBolt
    parallelism: 3
streams:
  - from: numbers
    to: pass
    grouping: {type: SHUFFLE}
  - name: by key
    from: pass
    to: sink
    grouping:
      type: FIELDS
      args: [key]
      streamId: default
)";

TEST_F(FluxTest, LoadsAndRunsATopology) {
  auto t = LoadFluxTopology(kGood, registry_);
  ASSERT_TRUE(t.has_value()) << t.error().ToString();
  const TopologyConfig& c = (*t)->config();
  EXPECT_EQ(c.name, "numbers");
  EXPECT_EQ(c.max_spout_pending, 7u);
  EXPECT_EQ(c.message_timeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(c.queue_capacity, 32u);
  EXPECT_EQ(c.tick_interval, std::chrono::milliseconds(20));
  ASSERT_TRUE((*t)->Run(testing::kRunLimit).ok());
  EXPECT_EQ(log_->AckedCount(), 40);
  EXPECT_EQ(sink_->Total(), 40u);
  std::map<std::string, std::set<int>> tasks_of_key;
  for (auto& [task, rows] : sink_->by_task) {
    for (auto& v : rows) tasks_of_key[std::get<std::string>(v[1])].insert(task);
  }
  EXPECT_EQ(tasks_of_key.size(), 10u);
  for (auto& [key, tasks] : tasks_of_key) EXPECT_EQ(tasks.size(), 1u) << key;
  const TopologyStats s = (*t)->Stats();
  EXPECT_EQ(s.Find("pass")->tasks.size(), 2u);
  EXPECT_EQ(s.Find("sink")->tasks.size(), 3u);
}

TEST_F(FluxTest, LoadsFromAFile) {
  smartcar::testing::TempDir dir;
  const std::string path = (dir.path() / "numbers.yaml").string();
  { std::ofstream(path) << kGood; }
  auto t = LoadFluxTopologyFile(path, registry_);
  ASSERT_TRUE(t.has_value()) << t.error().ToString();
  auto missing = LoadFluxTopologyFile((dir.path() / "none.yaml").string(), registry_);
  ASSERT_FALSE(missing.has_value());
  EXPECT_TRUE(missing.error().IsNotFound());
}

TEST_F(FluxTest, SyntaxErrorsHaveLineAndColumn) {
  EXPECT_EQ(Error("name: x\nspouts: [ {id: a\n"), "t.yaml:3:1: end of map flow not found");
}

TEST_F(FluxTest, UnknownClassNameListsTheRegisteredOnes) {
  EXPECT_EQ(Error("spouts:\n  - id: a\n    className: LogSpout\n"),
            "t.yaml:3:16: unknown spout className 'LogSpout'; registered spouts: NumberSpout");
  EXPECT_EQ(Error("spouts:\n  - {id: a, className: NumberSpout}\nbolts:\n  - {id: b, className: "
                  "NumberSpout}\n"),
            "t.yaml:4:24: unknown bolt className 'NumberSpout'; registered bolts: PassBolt, "
            "RecordBolt");
}

TEST_F(FluxTest, UnknownKeysAndBadValues) {
  EXPECT_EQ(Error("name: x\nspout: []\n"),
            "t.yaml:2:1: unknown key 'spout' in topology; expected bolts, config, name, spouts, "
            "streams");
  EXPECT_EQ(Error("config:\n  topology.workers: 2\nspouts: []\n"),
            "t.yaml:2:3: unknown key 'topology.workers' in config; expected "
            "topology.executor.receive.buffer.size, topology.max.batch, "
            "topology.max.spout.pending, topology.message.timeout.ms, "
            "topology.message.timeout.secs, topology.tick.tuple.freq.ms, "
            "topology.tick.tuple.freq.secs");
  EXPECT_EQ(Error("config:\n  topology.max.spout.pending: lots\nspouts: []\n"),
            "t.yaml:2:31: 'topology.max.spout.pending': 'lots' is not an integer");
  EXPECT_EQ(Error("spouts:\n  - {id: a, className: NumberSpout, parallelism: 0}\n"),
            "t.yaml:2:50: parallelism 0 must be between 1 and 1024");
  EXPECT_EQ(Error("spouts:\n  - {id: a, className: NumberSpout}\n  - {id: a, className: "
                  "NumberSpout}\n"),
            "t.yaml:3:10: duplicate component id 'a'");
  EXPECT_EQ(Error("spouts:\n  - id: a\n    className: NumberSpout\n    config: {count: many}\n"),
            "t.yaml:4:13: spout 'a': config 'count': 'many' is not an integer");
  EXPECT_EQ(Error("spouts:\n  - className: NumberSpout\n"), "t.yaml:2:5: missing 'id'");
}

constexpr char kSpoutAndBolt[] =
    "spouts:\n"
    "  - {id: s, className: NumberSpout}\n"
    "bolts:\n"
    "  - {id: p, className: PassBolt}\n"
    "  - {id: q, className: PassBolt}\n"
    "streams:\n";

TEST_F(FluxTest, StreamErrors) {
  EXPECT_EQ(Error(std::string(kSpoutAndBolt) + "  - {from: s, to: p, grouping: {type: SHUFFLE}}\n"
                                               "  - {from: x, to: q, grouping: {type: SHUFFLE}}\n"),
            "t.yaml:8:12: stream from unknown component 'x'");
  EXPECT_EQ(Error(std::string(kSpoutAndBolt) + "  - {from: s, to: r, grouping: {type: SHUFFLE}}\n"),
            "t.yaml:7:19: stream to unknown component 'r'");
  EXPECT_EQ(Error(std::string(kSpoutAndBolt) + "  - {from: p, to: s, grouping: {type: SHUFFLE}}\n"),
            "t.yaml:7:19: stream to spout 's'; only bolts receive streams");
  EXPECT_EQ(Error(std::string(kSpoutAndBolt) + "  - {from: s, to: p, grouping: {type: RANDOM}}\n"),
            "t.yaml:7:39: unknown grouping type 'RANDOM'; expected one of SHUFFLE, FIELDS, ALL, "
            "GLOBAL, LOCAL_OR_SHUFFLE, DIRECT");
  EXPECT_EQ(Error(std::string(kSpoutAndBolt) + "  - {from: s, to: p, grouping: {type: FIELDS}}\n"),
            "t.yaml:7:32: FIELDS grouping needs at least one field name in args; stream fields "
            "are [n, key]");
  EXPECT_EQ(Error(std::string(kSpoutAndBolt) +
                  "  - from: s\n    to: p\n    grouping:\n      type: FIELDS\n"
                  "      args: [car_number]\n"),
            "t.yaml:11:13: FIELDS grouping on unknown field 'car_number'; stream fields are [n, "
            "key]");
  EXPECT_EQ(Error(std::string(kSpoutAndBolt) +
                  "  - {from: s, to: p, grouping: {type: SHUFFLE, streamId: alerts}}\n"),
            "t.yaml:7:58: component 's' declares no stream 'alerts' (declared: default)");
  EXPECT_EQ(Error(std::string(kSpoutAndBolt) + "  - {from: s, to: p}\n"),
            "t.yaml:7:5: stream from 's' to 'p' has no grouping");
}

TEST_F(FluxTest, CyclesNameTheClosingStream) {
  EXPECT_EQ(Error(std::string(kSpoutAndBolt) + "  - {from: s, to: p, grouping: {type: SHUFFLE}}\n"
                                               "  - {from: p, to: q, grouping: {type: SHUFFLE}}\n"
                                               "  - {from: q, to: p, grouping: {type: SHUFFLE}}\n"),
            "t.yaml:9:5: stream from 'q' to 'p' closes a cycle: p -> q -> p");
}

TEST_F(FluxTest, RegistryRejectsDuplicates) {
  Status s = registry_.RegisterBolt("PassBolt", [](const ComponentConfig&) {
    return Result<std::unique_ptr<Bolt>>(std::make_unique<PassBolt>());
  });
  EXPECT_EQ(s.ToString(), "Invalid argument: component type 'PassBolt' is already registered");
  EXPECT_EQ(registry_.SpoutNames(), "NumberSpout");
  EXPECT_EQ(ComponentRegistry().BoltNames(), "none");
}

}  // namespace
}  // namespace smartcar::topology
