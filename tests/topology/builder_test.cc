// TopologyBuilder validation messages.
#include <gtest/gtest.h>

#include "topology_test_util.h"

namespace smartcar::topology {
namespace {

using testing::BoltOf;
using testing::NumberSpout;
using testing::RecordBolt;
using testing::Sink;
using testing::SpoutLog;
using testing::SpoutOf;

class Passthrough : public RecordBolt {
 public:
  using RecordBolt::RecordBolt;
  void DeclareOutputFields(OutputFieldsDeclarer& d) const override { d.Declare({"n", "key"}); }
};

std::string BuildError(TopologyBuilder& b) {
  auto t = b.Build(testing::TestConfig());
  return t ? "OK" : t.error().ToString();
}

SpoutFactory Numbers() {
  return SpoutOf<NumberSpout>(int64_t{1}, true, std::make_shared<SpoutLog>());
}
BoltFactory Record() { return BoltOf<Passthrough>(std::make_shared<Sink>()); }

TEST(BuilderTest, DuplicateIdsAndBadParallelism) {
  TopologyBuilder a;
  a.SetSpout("s", Numbers());
  a.SetBolt("s", Record()).ShuffleGrouping("s");
  EXPECT_EQ(BuildError(a), "Invalid argument: component id 's' is used twice");
  TopologyBuilder b;
  b.SetSpout("s", Numbers(), 0);
  EXPECT_EQ(BuildError(b), "Invalid argument: component 's': parallelism 0 must be at least 1");
}

TEST(BuilderTest, UnknownSourceStreamAndFields) {
  TopologyBuilder a;
  a.SetSpout("s", Numbers());
  a.SetBolt("b", Record()).ShuffleGrouping("nope");
  EXPECT_EQ(BuildError(a),
            "Invalid argument: bolt 'b' input from 'nope' stream 'default': no component named "
            "'nope'");
  TopologyBuilder b;
  b.SetSpout("s", Numbers());
  b.SetBolt("b", Record()).ShuffleGrouping("s", "alerts");
  EXPECT_EQ(BuildError(b),
            "Invalid argument: bolt 'b' input from 's' stream 'alerts': 's' declares no stream "
            "'alerts' (declared: default)");
  TopologyBuilder c;
  c.SetSpout("s", Numbers());
  c.SetBolt("b", Record()).FieldsGrouping("s", {"car_number"});
  EXPECT_EQ(BuildError(c),
            "Invalid argument: bolt 'b' input from 's' stream 'default': FIELDS grouping on "
            "unknown field 'car_number'; stream fields are [n, key]");
}

TEST(BuilderTest, CyclesAreRejected) {
  TopologyBuilder a;
  a.SetSpout("s", Numbers());
  a.SetBolt("x", Record()).ShuffleGrouping("s").ShuffleGrouping("y");
  a.SetBolt("y", Record()).ShuffleGrouping("x");
  EXPECT_EQ(BuildError(a).rfind("Invalid argument: the topology has a cycle through ", 0), 0u)
      << BuildError(a);
}

TEST(BuilderTest, FactoryErrorsNameTheComponent) {
  TopologyBuilder a;
  a.SetSpout("s", Numbers());
  a.SetBolt("b", []() -> Result<std::unique_ptr<Bolt>> {
     return Err(Status::InvalidArgument("config 'batch' is not a number"));
   }).ShuffleGrouping("s");
  EXPECT_EQ(BuildError(a), "Invalid argument: bolt 'b': config 'batch' is not a number");
}

}  // namespace
}  // namespace smartcar::topology
