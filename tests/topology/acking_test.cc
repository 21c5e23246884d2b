// Reliability: anchoring, acks, fails, timeouts and replays.
#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "topology_test_util.h"

namespace smartcar::topology {
namespace {

using testing::BoltOf;
using testing::NumberSpout;
using testing::SpoutLog;
using testing::SpoutOf;

// Shared "seen once" set for bolts that misbehave on the first attempt only.
struct FirstTimes {
  std::mutex mu;
  std::set<int64_t> seen;
  bool First(int64_t n) {
    std::lock_guard<std::mutex> l(mu);
    return seen.insert(n).second;
  }
};

// Fails n % modulo == 0 the first time, acks everything else.
class FailOnceBolt : public Bolt {
 public:
  FailOnceBolt(int64_t modulo, bool drop, std::shared_ptr<FirstTimes> first)
      : modulo_(modulo), drop_(drop), first_(std::move(first)) {}
  Status Prepare(const TopologyContext&, OutputCollector& c) override {
    c_ = &c;
    return Status::OK();
  }
  Status Execute(const Tuple& t) override {
    const int64_t n = *t.GetAs<int64_t>("n");
    if (n % modulo_ == 0 && first_->First(n)) {
      if (!drop_) c_->Fail(t);  // Dropping: neither ack nor fail, so it times out.
      return Status::OK();
    }
    c_->Ack(t);
    return Status::OK();
  }

 private:
  int64_t modulo_;
  bool drop_;
  std::shared_ptr<FirstTimes> first_;
  OutputCollector* c_ = nullptr;
};

void ExpectEachAckedOnce(SpoutLog& log, int64_t count) {
  std::lock_guard<std::mutex> l(log.mu);
  ASSERT_EQ(log.acks.size(), static_cast<size_t>(count));
  for (auto& [id, n] : log.acks) EXPECT_EQ(n, 1) << id;
}

TEST(AckingTest, FailedTuplesAreReplayedUntilAcked) {
  auto log = std::make_shared<SpoutLog>();
  TopologyBuilder b;
  b.SetSpout("numbers", SpoutOf<NumberSpout>(int64_t{200}, true, log), 1);
  b.SetBolt("failer", BoltOf<FailOnceBolt>(int64_t{7}, false, std::make_shared<FirstTimes>()), 2)
      .FieldsGrouping("numbers", {"key"});
  auto t = b.Build(testing::TestConfig());
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Run(testing::kRunLimit).ok());
  ExpectEachAckedOnce(*log, 200);
  std::lock_guard<std::mutex> l(log->mu);
  EXPECT_EQ(log->fails.size(), 29u);  // 0, 7, ..., 196.
  for (auto& [id, n] : log->fails) {
    EXPECT_EQ(id % 7, 0);
    EXPECT_EQ(n, 1);
    EXPECT_EQ(log->emits[id], 2);
  }
  const TopologyStats stats = (*t)->Stats();
  EXPECT_EQ(stats.Find("numbers")->total.acked, 200u);
  EXPECT_EQ(stats.Find("numbers")->total.failed, 29u);
  EXPECT_EQ(stats.Find("failer")->total.failed, 29u);
  EXPECT_EQ(stats.Find("failer")->total.executed, 229u);
}

TEST(AckingTest, UnsettledTuplesTimeOutAndReplay) {
  auto log = std::make_shared<SpoutLog>();
  TopologyConfig config = testing::TestConfig();
  config.message_timeout = std::chrono::milliseconds(50);
  TopologyBuilder b;
  b.SetSpout("numbers", SpoutOf<NumberSpout>(int64_t{100}, true, log), 1);
  b.SetBolt("dropper", BoltOf<FailOnceBolt>(int64_t{5}, true, std::make_shared<FirstTimes>()), 2)
      .ShuffleGrouping("numbers");
  auto t = b.Build(config);
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Run(testing::kRunLimit).ok());
  ExpectEachAckedOnce(*log, 100);
  {
    std::lock_guard<std::mutex> l(log->mu);
    EXPECT_EQ(log->fails.size(), 20u);
    for (auto& [id, n] : log->fails) {
      EXPECT_EQ(id % 5, 0);
      EXPECT_EQ(n, 1);
    }
  }
  EXPECT_EQ((*t)->Stats().Find("numbers")->total.timed_out, 20u);
}

// Counts leaves per root number, shared by the fan-out test's components.
struct Leaves {
  std::mutex mu;
  std::map<int64_t, int> count;
  std::vector<std::string> violations;
};

// Emits `copies` children of each input, anchored to it, then acks the input.
class SplitBolt : public Bolt {
 public:
  explicit SplitBolt(int copies) : copies_(copies) {}
  void DeclareOutputFields(OutputFieldsDeclarer& d) const override { d.Declare({"n", "part"}); }
  Status Prepare(const TopologyContext&, OutputCollector& c) override {
    c_ = &c;
    return Status::OK();
  }
  Status Execute(const Tuple& t) override {
    const int64_t n = std::get<int64_t>(t.Get(0));
    for (int i = 0; i < copies_; ++i) {
      SMARTCAR_RETURN_IF_ERROR(c_->Emit(t, {n, std::string("p") + std::to_string(n * 10 + i)}));
    }
    c_->Ack(t);
    return Status::OK();
  }

 private:
  int copies_;
  OutputCollector* c_ = nullptr;
};

// Counts each leaf; holds those of n % 4 == 0 and acks them on the next Tick (a batching sink).
class LeafBolt : public Bolt {
 public:
  explicit LeafBolt(std::shared_ptr<Leaves> leaves) : leaves_(std::move(leaves)) {}
  Status Prepare(const TopologyContext&, OutputCollector& c) override {
    c_ = &c;
    return Status::OK();
  }
  Status Execute(const Tuple& t) override {
    const int64_t n = std::get<int64_t>(t.Get(0));
    {
      std::lock_guard<std::mutex> l(leaves_->mu);
      leaves_->count[n]++;
    }
    if (n % 4 == 0) {
      held_.push_back(t);
    } else {
      c_->Ack(t);
    }
    return Status::OK();
  }
  Status Tick() override {
    for (const Tuple& t : held_) c_->Ack(t);
    held_.clear();
    return Status::OK();
  }

 private:
  std::shared_ptr<Leaves> leaves_;
  std::vector<Tuple> held_;
  OutputCollector* c_ = nullptr;
};

// Checks, when a root is acked, that all its leaves were processed.
class CheckingSpout : public NumberSpout {
 public:
  CheckingSpout(int64_t count, std::shared_ptr<SpoutLog> log, std::shared_ptr<Leaves> leaves,
                int expected)
      : NumberSpout(count, true, std::move(log)), leaves_(std::move(leaves)), expected_(expected) {}
  void Ack(MessageId id) override {
    {
      std::lock_guard<std::mutex> l(leaves_->mu);
      const int got = leaves_->count[static_cast<int64_t>(id)];
      if (got != expected_) {
        leaves_->violations.push_back("root " + std::to_string(id) + " acked after " +
                                      std::to_string(got) + " leaves");
      }
    }
    NumberSpout::Ack(id);
  }

 private:
  std::shared_ptr<Leaves> leaves_;
  int expected_;
};

TEST(AckingTest, RootIsAckedOnlyAfterEveryLeafOfATwoLevelFanOut) {
  auto log = std::make_shared<SpoutLog>();
  auto leaves = std::make_shared<Leaves>();
  TopologyBuilder b;
  b.SetSpout("numbers", SpoutOf<CheckingSpout>(int64_t{60}, log, leaves, 6), 1);
  b.SetBolt("split3", BoltOf<SplitBolt>(3), 2).ShuffleGrouping("numbers");
  b.SetBolt("split2", BoltOf<SplitBolt>(2), 2).FieldsGrouping("split3", {"part"});
  b.SetBolt("leaf", BoltOf<LeafBolt>(leaves), 3).ShuffleGrouping("split2");
  auto t = b.Build(testing::TestConfig());
  ASSERT_TRUE(t.has_value()) << t.error().ToString();
  ASSERT_TRUE((*t)->Run(testing::kRunLimit).ok());
  ExpectEachAckedOnce(*log, 60);
  EXPECT_TRUE(leaves->violations.empty()) << leaves->violations.front();
  const TopologyStats s = (*t)->Stats();
  EXPECT_EQ(s.Find("split3")->total.emitted, 180u);
  EXPECT_EQ(s.Find("leaf")->total.executed, 360u);
  EXPECT_EQ(s.Find("leaf")->total.acked, 360u);
}

// Fails one grandchild of each n % 10 == 3, the first time only.
class FailLeafOnce : public Bolt {
 public:
  explicit FailLeafOnce(std::shared_ptr<FirstTimes> first) : first_(std::move(first)) {}
  Status Prepare(const TopologyContext&, OutputCollector& c) override {
    c_ = &c;
    return Status::OK();
  }
  Status Execute(const Tuple& t) override {
    const int64_t n = std::get<int64_t>(t.Get(0));
    if (n % 10 == 3 && first_->First(n)) {
      c_->Fail(t);
    } else {
      c_->Ack(t);
    }
    return Status::OK();
  }

 private:
  std::shared_ptr<FirstTimes> first_;
  OutputCollector* c_ = nullptr;
};

TEST(AckingTest, FailureDeepInTheTreeFailsTheRoot) {
  auto log = std::make_shared<SpoutLog>();
  TopologyBuilder b;
  b.SetSpout("numbers", SpoutOf<NumberSpout>(int64_t{50}, true, log), 1);
  b.SetBolt("split3", BoltOf<SplitBolt>(3), 2).ShuffleGrouping("numbers");
  b.SetBolt("split2", BoltOf<SplitBolt>(2), 2).ShuffleGrouping("split3");
  b.SetBolt("leaf", BoltOf<FailLeafOnce>(std::make_shared<FirstTimes>()), 2)
      .ShuffleGrouping("split2");
  auto t = b.Build(testing::TestConfig());
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Run(testing::kRunLimit).ok());
  ExpectEachAckedOnce(*log, 50);
  std::lock_guard<std::mutex> l(log->mu);
  EXPECT_EQ(log->fails.size(), 5u);
  for (auto& [id, n] : log->fails) {
    EXPECT_EQ(id % 10, 3);
    EXPECT_EQ(n, 1);
  }
}

// Emits an unanchored copy of each input to a sink that never acks, then acks the input.
class UnanchoredBolt : public Bolt {
 public:
  void DeclareOutputFields(OutputFieldsDeclarer& d) const override { d.Declare({"n"}); }
  Status Prepare(const TopologyContext&, OutputCollector& c) override {
    c_ = &c;
    return Status::OK();
  }
  Status Execute(const Tuple& t) override {
    SMARTCAR_RETURN_IF_ERROR(c_->EmitUnanchored({t.Get(0)}));
    c_->Ack(t);
    return Status::OK();
  }

 private:
  OutputCollector* c_ = nullptr;
};

class BlackHoleBolt : public Bolt {
 public:
  Status Prepare(const TopologyContext&, OutputCollector&) override { return Status::OK(); }
  Status Execute(const Tuple&) override { return Status::OK(); }
};

TEST(AckingTest, UnanchoredEmitsAreNotTracked) {
  auto log = std::make_shared<SpoutLog>();
  TopologyConfig config = testing::TestConfig();
  config.message_timeout = std::chrono::milliseconds(0);  // A leak would hang, not time out.
  TopologyBuilder b;
  b.SetSpout("numbers", SpoutOf<NumberSpout>(int64_t{100}, true, log), 1);
  b.SetBolt("copy", BoltOf<UnanchoredBolt>(), 1).ShuffleGrouping("numbers");
  b.SetBolt("hole", BoltOf<BlackHoleBolt>(), 1).ShuffleGrouping("copy");
  auto t = b.Build(config);
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Run(testing::kRunLimit).ok());
  ExpectEachAckedOnce(*log, 100);
  EXPECT_EQ((*t)->Stats().Find("hole")->total.executed, 100u);
}

// Records the most messages in flight seen at any NextTuple call.
class PendingSpout : public NumberSpout {
 public:
  PendingSpout(int64_t count, std::shared_ptr<SpoutLog> log, std::shared_ptr<std::atomic<int>> max)
      : NumberSpout(count, true, std::move(log)), max_(std::move(max)) {}
  Status NextTuple() override {
    const int in_flight = emitted_ - settled_;
    if (in_flight > max_->load()) max_->store(in_flight);
    // Count real emits only: once all are out, NextTuple keeps being called and emits nothing.
    const int64_t next = next_;
    const size_t replays = replay_.size();
    Status s = NumberSpout::NextTuple();
    if (next_ != next || replay_.size() != replays) ++emitted_;
    return s;
  }
  void Ack(MessageId id) override {
    ++settled_;
    NumberSpout::Ack(id);
  }
  void Fail(MessageId id) override {
    ++settled_;
    NumberSpout::Fail(id);
  }

 private:
  std::shared_ptr<std::atomic<int>> max_;
  int emitted_ = 0;
  int settled_ = 0;
};

TEST(AckingTest, MaxSpoutPendingBoundsMessagesInFlight) {
  auto log = std::make_shared<SpoutLog>();
  auto max = std::make_shared<std::atomic<int>>(0);
  TopologyConfig config = testing::TestConfig();
  config.max_spout_pending = 5;
  TopologyBuilder b;
  b.SetSpout("numbers", SpoutOf<PendingSpout>(int64_t{100}, log, max), 1);
  b.SetBolt("leaf", BoltOf<LeafBolt>(std::make_shared<Leaves>()), 1).ShuffleGrouping("numbers");
  auto t = b.Build(config);
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Run(testing::kRunLimit).ok());
  ExpectEachAckedOnce(*log, 100);
  EXPECT_LE(max->load(), 4);  // NextTuple runs only below the bound: at most 4 before it.
}

// BasicBolt acks on OK and fails on error.
class EvenOnlyOnce : public BasicBolt {
 public:
  explicit EvenOnlyOnce(std::shared_ptr<FirstTimes> first) : first_(std::move(first)) {}
  Status Process(const Tuple& t, BasicOutputCollector&) override {
    const int64_t n = std::get<int64_t>(t.Get(0));
    if (n % 2 == 1 && first_->First(n)) return Status::InvalidArgument("odd " + std::to_string(n));
    return Status::OK();
  }

 private:
  std::shared_ptr<FirstTimes> first_;
};

TEST(AckingTest, BasicBoltAcksOnOkAndFailsOnError) {
  auto log = std::make_shared<SpoutLog>();
  TopologyBuilder b;
  b.SetSpout("numbers", SpoutOf<NumberSpout>(int64_t{40}, true, log), 1);
  b.SetBolt("basic", BoltOf<EvenOnlyOnce>(std::make_shared<FirstTimes>()), 2)
      .ShuffleGrouping("numbers");
  auto t = b.Build(testing::TestConfig());
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Run(testing::kRunLimit).ok());
  ExpectEachAckedOnce(*log, 40);
  const TopologyStats s = (*t)->Stats();
  EXPECT_EQ(s.Find("numbers")->total.failed, 20u);
  EXPECT_EQ(s.Find("basic")->total.errors, 20u);
  EXPECT_NE(s.Find("basic")->last_error.find("Invalid argument: odd "), std::string::npos);
}

}  // namespace
}  // namespace smartcar::topology

namespace smartcar::topology {
namespace {

// Joins consecutive pairs of inputs into one output anchored to both, then acks both.
class PairJoinBolt : public Bolt {
 public:
  void DeclareOutputFields(OutputFieldsDeclarer& d) const override { d.Declare({"n", "key"}); }
  Status Prepare(const TopologyContext&, OutputCollector& c) override {
    c_ = &c;
    return Status::OK();
  }
  Status Execute(const Tuple& t) override {
    if (!held_) {
      held_ = t;
      return Status::OK();
    }
    // Anchor twice to the same input too: its root's edge ids cancel and must still complete.
    SMARTCAR_RETURN_IF_ERROR(c_->Emit(kDefaultStream, {&*held_, &t, &t}, {t.Get(0), t.Get(1)}));
    c_->Ack(*held_);
    c_->Ack(t);
    held_.reset();
    return Status::OK();
  }

 private:
  std::optional<Tuple> held_;
  OutputCollector* c_ = nullptr;
};

// Holds every input until Tick, counting how many it holds.
class HoldUntilTick : public Bolt {
 public:
  explicit HoldUntilTick(std::shared_ptr<std::atomic<int>> executed)
      : executed_(std::move(executed)) {}
  Status Prepare(const TopologyContext&, OutputCollector& c) override {
    c_ = &c;
    return Status::OK();
  }
  Status Execute(const Tuple& t) override {
    held_.push_back(t);
    executed_->fetch_add(1);
    return Status::OK();
  }
  Status Tick() override {
    for (const Tuple& t : held_) c_->Ack(t);
    held_.clear();
    return Status::OK();
  }

 private:
  std::shared_ptr<std::atomic<int>> executed_;
  std::vector<Tuple> held_;
  OutputCollector* c_ = nullptr;
};

// Checks at each Ack that the joined child of that root has been executed downstream.
class JoinCheckSpout : public NumberSpout {
 public:
  JoinCheckSpout(std::shared_ptr<SpoutLog> log, std::shared_ptr<std::atomic<int>> executed)
      : NumberSpout(40, true, std::move(log)), executed_(std::move(executed)) {}
  void Ack(MessageId id) override {
    // Roots 2k and 2k+1 share child k; it must have reached the sink.
    if (executed_->load() < static_cast<int>(id) / 2 + 1) ++early_acks;
    NumberSpout::Ack(id);
  }
  static inline std::atomic<int> early_acks{0};

 private:
  std::shared_ptr<std::atomic<int>> executed_;
};

TEST(AckingTest, MultiAnchoredChildKeepsEveryRootPending) {
  auto log = std::make_shared<SpoutLog>();
  auto executed = std::make_shared<std::atomic<int>>(0);
  TopologyBuilder b;
  b.SetSpout("numbers", SpoutOf<JoinCheckSpout>(log, executed), 1);
  b.SetBolt("join", BoltOf<PairJoinBolt>(), 1).GlobalGrouping("numbers");
  b.SetBolt("sink", BoltOf<HoldUntilTick>(executed), 1).ShuffleGrouping("join");
  auto t = b.Build(testing::TestConfig());
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Run(testing::kRunLimit).ok());
  ExpectEachAckedOnce(*log, 40);
  EXPECT_EQ(executed->load(), 20);
  EXPECT_EQ(JoinCheckSpout::early_acks.load(), 0);
}

// Holds every input until BatchEnd(), recording how many it held at each call; never ticks.
class BatchEndBolt : public Bolt {
 public:
  explicit BatchEndBolt(std::shared_ptr<std::vector<size_t>> batches)
      : batches_(std::move(batches)) {}
  Status Prepare(const TopologyContext&, OutputCollector& c) override {
    c_ = &c;
    return Status::OK();
  }
  Status Execute(const Tuple& t) override {
    held_.push_back(t);
    return Status::OK();
  }
  Status BatchEnd() override {
    batches_->push_back(held_.size());
    for (const Tuple& t : held_) c_->Ack(t);
    held_.clear();
    return Status::OK();
  }

 private:
  std::shared_ptr<std::vector<size_t>> batches_;
  std::vector<Tuple> held_;
  OutputCollector* c_ = nullptr;
};

TEST(AckingTest, BatchEndFollowsEachMicroBatchSoBufferingBoltsNeedNoTick) {
  auto log = std::make_shared<SpoutLog>();
  auto batches = std::make_shared<std::vector<size_t>>();
  TopologyConfig config = testing::TestConfig();
  config.tick_interval = std::chrono::milliseconds(0);  // Only BatchEnd can release the inputs.
  TopologyBuilder b;
  b.SetSpout("numbers", SpoutOf<NumberSpout>(int64_t{500}, true, log), 1);
  b.SetBolt("buffer", BoltOf<BatchEndBolt>(batches), 1).ShuffleGrouping("numbers");
  auto t = b.Build(config);
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Run(testing::kRunLimit).ok());  // Joins the task: `batches` is final.
  ExpectEachAckedOnce(*log, 500);
  size_t total = 0;
  for (size_t n : *batches) {
    EXPECT_GE(n, 1u);                // Called after inputs only...
    EXPECT_LE(n, config.max_batch);  // ...once per micro-batch.
    total += n;
  }
  EXPECT_EQ(total, 500u);
}

}  // namespace
}  // namespace smartcar::topology
