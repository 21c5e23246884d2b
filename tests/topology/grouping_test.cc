#include "topology/grouping.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "topology_test_util.h"

namespace test_objects {
struct Keyed {
  std::string key;
  int n = 0;
};
std::string_view TupleKey(const Keyed& k) { return k.key; }
std::string TupleDebugString(const Keyed& k) { return "Keyed(" + k.key + ")"; }
}  // namespace test_objects

namespace smartcar::topology {
namespace {

using testing::BoltOf;
using testing::NumberSpout;
using testing::RecordBolt;
using testing::Sink;
using testing::SpoutLog;
using testing::SpoutOf;

std::unique_ptr<Grouping> Make(GroupingType type, std::vector<std::string> args, int source_task,
                               size_t targets) {
  GroupingContext ctx;
  ctx.source_task = source_task;
  ctx.source_fields = Fields{"n", "key"};
  for (size_t i = 0; i < targets; ++i) ctx.target_tasks.push_back(static_cast<int>(10 + i));
  GroupingSpec spec{type, std::move(args)};
  EXPECT_TRUE(ValidateGrouping(spec, ctx.source_fields).ok());
  return CreateGrouping(spec, ctx);
}

std::vector<size_t> Choose(Grouping& g, const Values& v) {
  std::vector<size_t> out;
  g.ChooseTasks(v, &out);
  return out;
}

TEST(GroupingTest, ShuffleSpreadsEvenly) {
  auto g = Make(GroupingType::kShuffle, {}, 3, 4);
  std::map<size_t, int> counts;
  for (int i = 0; i < 1000; ++i) {
    auto c = Choose(*g, {int64_t{i}, std::string("k")});
    ASSERT_EQ(c.size(), 1u);
    counts[c[0]]++;
  }
  ASSERT_EQ(counts.size(), 4u);
  for (auto& [task, n] : counts) EXPECT_EQ(n, 250) << task;
}

TEST(GroupingTest, LocalOrShuffleSpreadsEvenlyInOneProcess) {
  auto g = Make(GroupingType::kLocalOrShuffle, {}, 0, 3);
  std::map<size_t, int> counts;
  for (int i = 0; i < 300; ++i) counts[Choose(*g, {int64_t{i}, std::string("k")}).at(0)]++;
  ASSERT_EQ(counts.size(), 3u);
  for (auto& [task, n] : counts) EXPECT_EQ(n, 100) << task;
}

TEST(GroupingTest, FieldsIsStableAcrossInstancesAndSourceTasks) {
  auto a = Make(GroupingType::kFields, {"key"}, 0, 8);
  auto b = Make(GroupingType::kFields, {"key"}, 5, 8);
  std::set<size_t> used;
  for (int i = 0; i < 200; ++i) {
    const Values v{int64_t{i}, "O" + std::to_string(1000 + i % 50)};
    const Values same_key{int64_t{i + 7}, std::get<std::string>(v[1])};
    auto ca = Choose(*a, v);
    ASSERT_EQ(ca.size(), 1u);
    EXPECT_EQ(ca, Choose(*b, v));
    EXPECT_EQ(ca, Choose(*a, same_key));  // Only the grouped field matters.
    used.insert(ca[0]);
  }
  EXPECT_EQ(used.size(), 8u);  // 50 keys reach all 8 tasks.
}

TEST(GroupingTest, FieldsHashIsFixedAcrossRuns) {
  // Pinned values: a change here re-partitions every deployed topology's state.
  EXPECT_EQ(StableHash(Value{std::string("O0010")}), StableHash(Value{std::string("O0010")}));
  EXPECT_NE(StableHash(Value{std::string("O0010")}), StableHash(Value{std::string("O0011")}));
  EXPECT_NE(StableHash(Value{int64_t{1}}), StableHash(Value{1.0}));
  EXPECT_EQ(StableHash(Value{std::string("")}), 12638154215206795666ULL);
  // An object hashes as its TupleKey: the same key, the same hash, whatever else it holds.
  const Value a{Object::Make(test_objects::Keyed{"O0010", 1})};
  const Value b{Object::Make(test_objects::Keyed{"O0010", 99})};
  const Value c{Object::Make(test_objects::Keyed{"O0011", 1})};
  EXPECT_EQ(StableHash(a), StableHash(b));
  EXPECT_NE(StableHash(a), StableHash(c));
  EXPECT_EQ(ValueToString(a), "Keyed(O0010)");
}

TEST(GroupingTest, ObjectsAreSharedAndTyped) {
  const Object o = Object::Make(test_objects::Keyed{"O0010", 7});
  ASSERT_NE(o.As<test_objects::Keyed>(), nullptr);
  EXPECT_EQ(o.As<test_objects::Keyed>()->n, 7);
  EXPECT_EQ(o.As<std::string>(), nullptr);  // Another type: null, never a wrong cast.
  const Object copy = o;                    // Copies share the object.
  EXPECT_EQ(copy.As<test_objects::Keyed>(), o.As<test_objects::Keyed>());
  EXPECT_TRUE(Object().empty());
  EXPECT_EQ(Object().As<test_objects::Keyed>(), nullptr);
  // Without a TupleKey hook every object of the type hashes alike (documented in tuple.h).
  EXPECT_EQ(StableHash(Value{Object::Make(std::vector<int>{1})}),
            StableHash(Value{Object::Make(std::vector<int>{2})}));
  EXPECT_EQ(ValueToString(Value{Object::Make(std::vector<int>{1})}), "object");
}

TEST(GroupingTest, AllGlobalDirect) {
  auto all = Make(GroupingType::kAll, {}, 0, 3);
  EXPECT_EQ(Choose(*all, {int64_t{1}, std::string("a")}), (std::vector<size_t>{0, 1, 2}));
  auto global = Make(GroupingType::kGlobal, {}, 0, 3);
  EXPECT_EQ(Choose(*global, {int64_t{1}, std::string("a")}), (std::vector<size_t>{0}));
  auto direct = Make(GroupingType::kDirect, {}, 0, 3);
  EXPECT_TRUE(Choose(*direct, {int64_t{1}, std::string("a")}).empty());
}

TEST(GroupingTest, RegistryParsesAndValidates) {
  ASSERT_TRUE(ParseGroupingType("fields").has_value());
  EXPECT_EQ(*ParseGroupingType("LOCAL_OR_SHUFFLE"), GroupingType::kLocalOrShuffle);
  auto bad = ParseGroupingType("RANDOM");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(),
            "unknown grouping type 'RANDOM'; expected one of SHUFFLE, FIELDS, ALL, GLOBAL, "
            "LOCAL_OR_SHUFFLE, DIRECT");
  Fields f{"n", "key"};
  EXPECT_EQ(ValidateGrouping({GroupingType::kFields, {}}, f).message(),
            "FIELDS grouping needs at least one field name in args; stream fields are [n, key]");
  EXPECT_EQ(ValidateGrouping({GroupingType::kFields, {"car"}}, f).message(),
            "FIELDS grouping on unknown field 'car'; stream fields are [n, key]");
  EXPECT_EQ(ValidateGrouping({GroupingType::kShuffle, {"x"}}, f).message(),
            "SHUFFLE grouping takes no args");
  EXPECT_EQ(Groupings().size(), 6u);
}

// End to end through the runtime: 4 bolt tasks, 100 tuples.
class GroupingTopologyTest : public ::testing::Test {
 protected:
  std::map<int, std::vector<Values>> RunWith(GroupingSpec spec) {
    auto sink = std::make_shared<Sink>();
    TopologyBuilder b;
    b.SetSpout("numbers", SpoutOf<NumberSpout>(int64_t{100}, true, std::make_shared<SpoutLog>()),
               1);
    b.SetBolt("record", BoltOf<RecordBolt>(sink), 4).Grouping("numbers", "default", spec);
    auto t = b.Build(testing::TestConfig());
    EXPECT_TRUE(t.has_value());
    if (!t) return {};
    EXPECT_TRUE((*t)->Run(testing::kRunLimit).ok());
    return sink->by_task;
  }
};

TEST_F(GroupingTopologyTest, Shuffle) {
  auto got = RunWith({GroupingType::kShuffle, {}});
  ASSERT_EQ(got.size(), 4u);
  for (auto& [task, v] : got) EXPECT_EQ(v.size(), 25u) << task;
}

TEST_F(GroupingTopologyTest, FieldsPinsEachKeyToOneTask) {
  auto got = RunWith({GroupingType::kFields, {"key"}});
  std::map<std::string, std::set<int>> tasks_of_key;
  size_t total = 0;
  for (auto& [task, v] : got) {
    for (auto& values : v) tasks_of_key[std::get<std::string>(values[1])].insert(task);
    total += v.size();
  }
  EXPECT_EQ(total, 100u);
  ASSERT_EQ(tasks_of_key.size(), 10u);
  for (auto& [key, tasks] : tasks_of_key) EXPECT_EQ(tasks.size(), 1u) << key;
}

TEST_F(GroupingTopologyTest, AllCopiesToEveryTask) {
  auto got = RunWith({GroupingType::kAll, {}});
  ASSERT_EQ(got.size(), 4u);
  for (auto& [task, v] : got) EXPECT_EQ(v.size(), 100u) << task;
}

TEST_F(GroupingTopologyTest, GlobalGoesToLowestTask) {
  auto got = RunWith({GroupingType::kGlobal, {}});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got.begin()->first, 1);  // Task 0 is the spout; bolt tasks are 1..4.
  EXPECT_EQ(got.begin()->second.size(), 100u);
}

TEST_F(GroupingTopologyTest, LocalOrShuffle) {
  auto got = RunWith({GroupingType::kLocalOrShuffle, {}});
  ASSERT_EQ(got.size(), 4u);
  for (auto& [task, v] : got) EXPECT_EQ(v.size(), 25u) << task;
}

// Emits each number directly to bolt task (n % 3) of "record".
class DirectSpout : public NumberSpout {
 public:
  using NumberSpout::NumberSpout;
  Status NextTuple() override {
    if (next_ >= 30) return Status::OK();
    const auto& tasks = context_.component_tasks.at("record");
    const int64_t n = next_++;
    return collector_->EmitDirect(tasks[static_cast<size_t>(n % 3)], "default",
                                  {n, std::string("k")}, static_cast<MessageId>(n));
  }
  void Ack(MessageId) override { ++acked_; }
  bool Finished() const override { return acked_ == 30; }

 private:
  int64_t next_ = 0;
  int acked_ = 0;
};

TEST(DirectGroupingTest, EmitDirectReachesTheChosenTask) {
  auto sink = std::make_shared<Sink>();
  TopologyBuilder b;
  b.SetSpout("numbers", SpoutOf<DirectSpout>(int64_t{0}, true, std::make_shared<SpoutLog>()), 1);
  b.SetBolt("record", BoltOf<RecordBolt>(sink), 3).DirectGrouping("numbers");
  auto t = b.Build(testing::TestConfig());
  ASSERT_TRUE(t.has_value()) << t.error().ToString();
  ASSERT_TRUE((*t)->Run(testing::kRunLimit).ok());
  ASSERT_EQ(sink->by_task.size(), 3u);
  for (auto& [task, v] : sink->by_task) {
    ASSERT_EQ(v.size(), 10u);
    for (auto& values : v) EXPECT_EQ(std::get<int64_t>(values[0]) % 3 + 1, task);
  }
}

}  // namespace
}  // namespace smartcar::topology
