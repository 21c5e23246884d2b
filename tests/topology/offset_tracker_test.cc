#include "topology/offset_tracker.h"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "topology_test_util.h"

namespace smartcar::topology {
namespace {

TEST(OffsetTrackerTest, CommitsOnlyBelowTheLowestUnacked) {
  OffsetTracker t;
  EXPECT_FALSE(t.Committable(0).has_value());
  t.Reset(0, 100);
  EXPECT_EQ(t.Committable(0), 100);
  for (int64_t o = 100; o < 105; ++o) t.Emitted(0, o);
  EXPECT_EQ(t.Committable(0), 100);
  t.Acked(0, 101);
  t.Acked(0, 103);
  EXPECT_EQ(t.Committable(0), 100);  // 100 still pending.
  t.Acked(0, 100);
  EXPECT_EQ(t.Committable(0), 102);  // 102 pending.
  t.Acked(0, 102);
  EXPECT_EQ(t.Committable(0), 104);
  t.Acked(0, 104);
  EXPECT_EQ(t.Committable(0), 105);  // Everything acked: one past the highest emitted.
  EXPECT_EQ(t.Pending(0), 0u);
}

TEST(OffsetTrackerTest, FailedOffsetsStayPendingUntilReplayedAndAcked) {
  OffsetTracker t;
  t.Reset(3, 0);
  for (int64_t o = 0; o < 4; ++o) t.Emitted(3, o);
  t.Acked(3, 0);
  t.Acked(3, 2);
  t.Acked(3, 3);
  // Offset 1 failed: the spout re-emits it; the commit point waits for it.
  t.Emitted(3, 1);
  EXPECT_EQ(t.Committable(3), 1);
  EXPECT_EQ(t.Pending(3), 1u);
  t.Acked(3, 1);
  EXPECT_EQ(t.Committable(3), 4);
}

TEST(OffsetTrackerTest, PartitionsAreIndependentAndGapsAreSkipped) {
  OffsetTracker t;
  t.Reset(0, 0);
  t.Reset(1, 50);
  t.Emitted(0, 0);
  t.Emitted(0, 7);  // Offsets 1..6 absent (e.g. compacted): not waited for.
  t.Emitted(1, 50);
  t.Acked(0, 0);
  EXPECT_EQ(t.Committable(0), 7);
  EXPECT_EQ(t.Committable(1), 50);
  EXPECT_EQ(t.TotalPending(), 2u);
  t.Acked(0, 7);
  t.Acked(1, 50);
  EXPECT_EQ(t.Committable(0), 8);
  EXPECT_EQ(t.Committable(1), 51);
  t.Acked(9, 1);  // Unknown partition: ignored.
  EXPECT_EQ(t.TotalPending(), 0u);
}

TEST(OffsetTrackerTest, StaleReplayOfAnAckedOffsetIsIgnored) {
  OffsetTracker t;
  t.Reset(0, 0);
  t.Emitted(0, 0);
  t.Emitted(0, 1);
  t.Acked(0, 0);
  t.Emitted(0, 0);  // Already acked: must not hold the commit point back.
  t.Acked(0, 1);
  EXPECT_EQ(t.Committable(0), 2);
}

TEST(OffsetTrackerTest, ResetRestartsAPartition) {
  OffsetTracker t;
  t.Emitted(2, 10);  // Unknown partition starts at its first emitted offset.
  EXPECT_EQ(t.Committable(2), 10);
  t.Reset(2, 40);
  EXPECT_EQ(t.Committable(2), 40);
  EXPECT_EQ(t.Pending(2), 0u);
}

}  // namespace
}  // namespace smartcar::topology

// A spout over an in-memory two-partition "log" that commits offsets the way a durable-log spout
// does: message id = partition << 32 | offset; commit = OffsetTracker::Committable.
namespace smartcar::topology {
namespace {

struct LogState {
  std::mutex mu;
  std::vector<std::string> violations;
  std::map<int32_t, int64_t> committed;
};

class InMemoryLogSpout : public Spout {
 public:
  InMemoryLogSpout(int64_t per_partition, std::shared_ptr<LogState> state)
      : per_partition_(per_partition), state_(std::move(state)) {}
  void DeclareOutputFields(OutputFieldsDeclarer& d) const override { d.Declare({"n", "key"}); }
  Status Open(const TopologyContext&, SpoutOutputCollector& c) override {
    c_ = &c;
    for (int32_t p = 0; p < 2; ++p) tracker_.Reset(p, 0);
    return Status::OK();
  }
  Status NextTuple() override {
    int32_t p;
    int64_t o;
    if (!replay_.empty()) {
      std::tie(p, o) = *replay_.begin();
      replay_.erase(replay_.begin());
    } else if (next_[turn_] < per_partition_) {
      p = turn_;
      o = next_[turn_]++;
      turn_ = 1 - turn_;
    } else if (next_[1 - turn_] < per_partition_) {
      turn_ = 1 - turn_;
      return Status::OK();
    } else {
      return Status::OK();
    }
    tracker_.Emitted(p, o);
    const int64_t n = p * 1000000 + o;
    return c_->Emit({n, std::string("k") + std::to_string(n % 7)},
                    (static_cast<MessageId>(p) << 32) | static_cast<MessageId>(o));
  }
  void Ack(MessageId id) override {
    const auto p = static_cast<int32_t>(id >> 32);
    const auto o = static_cast<int64_t>(id & 0xffffffffULL);
    acked_[p].insert(o);
    tracker_.Acked(p, o);
    Commit(p);
  }
  void Fail(MessageId id) override {
    replay_.insert({static_cast<int32_t>(id >> 32), static_cast<int64_t>(id & 0xffffffffULL)});
  }
  bool Finished() const override {
    return acked_[0].size() + acked_[1].size() == static_cast<size_t>(2 * per_partition_);
  }

 private:
  void Commit(int32_t p) {
    const int64_t c = *tracker_.Committable(p);
    std::lock_guard<std::mutex> l(state_->mu);
    // Everything below the commit point must have been acked.
    for (int64_t o = state_->committed[p]; o < c; ++o) {
      if (!acked_[p].count(o)) {
        state_->violations.push_back("partition " + std::to_string(p) + " committed " +
                                     std::to_string(c) + " before offset " + std::to_string(o) +
                                     " was acked");
      }
    }
    if (c < state_->committed[p]) state_->violations.push_back("commit point went backwards");
    state_->committed[p] = c;
  }

  int64_t per_partition_;
  std::shared_ptr<LogState> state_;
  SpoutOutputCollector* c_ = nullptr;
  OffsetTracker tracker_;
  int64_t next_[2] = {0, 0};
  int32_t turn_ = 0;
  std::set<int64_t> acked_[2];
  std::set<std::pair<int32_t, int64_t>> replay_;
};

// Fails every 9th record the first time it is seen.
class FlakyBolt : public Bolt {
 public:
  explicit FlakyBolt(std::shared_ptr<std::set<int64_t>> seen) : seen_(std::move(seen)) {}
  Status Prepare(const TopologyContext&, OutputCollector& c) override {
    c_ = &c;
    return Status::OK();
  }
  Status Execute(const Tuple& t) override {
    const int64_t n = std::get<int64_t>(t.Get(0));
    bool first;
    {
      std::lock_guard<std::mutex> l(mu_);
      first = seen_->insert(n).second;
    }
    if (n % 9 == 4 && first) {
      c_->Fail(t);
    } else {
      c_->Ack(t);
    }
    return Status::OK();
  }

 private:
  static inline std::mutex mu_;
  std::shared_ptr<std::set<int64_t>> seen_;
  OutputCollector* c_ = nullptr;
};

TEST(OffsetTrackerSpoutTest, CommitsOnlyFullyAckedPrefixesWhileReplaying) {
  auto state = std::make_shared<LogState>();
  TopologyBuilder b;
  b.SetSpout("log", testing::SpoutOf<InMemoryLogSpout>(int64_t{300}, state), 1);
  b.SetBolt("flaky", testing::BoltOf<FlakyBolt>(std::make_shared<std::set<int64_t>>()), 3)
      .FieldsGrouping("log", {"key"});
  TopologyConfig config = testing::TestConfig();
  config.max_spout_pending = 50;
  auto t = b.Build(config);
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Run(testing::kRunLimit).ok());
  std::lock_guard<std::mutex> l(state->mu);
  EXPECT_TRUE(state->violations.empty()) << state->violations.front();
  EXPECT_EQ(state->committed[0], 300);
  EXPECT_EQ(state->committed[1], 300);
  EXPECT_GT((*t)->Stats().Find("log")->total.failed, 0u);
}

}  // namespace
}  // namespace smartcar::topology
