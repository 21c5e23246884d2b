// Backpressure: a slow bolt throttles the spout; queues never exceed their capacity.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>

#include "topology_test_util.h"

namespace smartcar::topology {
namespace {

using testing::BoltOf;
using testing::SpoutOf;

// Lets the test decide how many tuples the slow bolt may start.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  int64_t allowed = 0;
  int64_t started = 0;
  std::atomic<int64_t> started_atomic{0};
  bool open_all = false;
};

class GatedBolt : public Bolt {
 public:
  explicit GatedBolt(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  Status Prepare(const TopologyContext&, OutputCollector& c) override {
    c_ = &c;
    return Status::OK();
  }
  Status Execute(const Tuple& t) override {
    {
      std::unique_lock<std::mutex> l(gate_->mu);
      gate_->cv.wait(l, [&] { return gate_->open_all || gate_->started < gate_->allowed; });
      ++gate_->started;
      gate_->started_atomic.store(gate_->started);
    }
    gate_->cv.notify_all();
    c_->Ack(t);
    return Status::OK();
  }

 private:
  std::shared_ptr<Gate> gate_;
  OutputCollector* c_ = nullptr;
};

// Unreliable (no max-pending bound): only backpressure can hold it back. Records the largest
// emitted - started seen before any emit.
class FloodSpout : public Spout {
 public:
  FloodSpout(int64_t count, std::shared_ptr<Gate> gate, std::shared_ptr<std::atomic<int64_t>> gap)
      : count_(count), gate_(std::move(gate)), gap_(std::move(gap)) {}
  void DeclareOutputFields(OutputFieldsDeclarer& d) const override { d.Declare({"n"}); }
  Status Open(const TopologyContext&, SpoutOutputCollector& c) override {
    c_ = &c;
    return Status::OK();
  }
  Status NextTuple() override {
    if (emitted_ >= count_) return Status::OK();
    const int64_t gap = emitted_ - gate_->started_atomic.load();
    if (gap > gap_->load()) gap_->store(gap);
    SMARTCAR_RETURN_IF_ERROR(c_->Emit({emitted_}));
    ++emitted_;
    return Status::OK();
  }
  bool Finished() const override { return emitted_ >= count_; }

 private:
  int64_t count_;
  int64_t emitted_ = 0;
  std::shared_ptr<Gate> gate_;
  std::shared_ptr<std::atomic<int64_t>> gap_;
  SpoutOutputCollector* c_ = nullptr;
};

TEST(BackpressureTest, SlowBoltThrottlesTheSpoutAndBoundsTheQueue) {
  auto gate = std::make_shared<Gate>();
  auto gap = std::make_shared<std::atomic<int64_t>>(0);
  TopologyConfig config = testing::TestConfig();
  config.queue_capacity = 32;
  config.max_batch = 8;
  config.max_spout_pending = 0;
  TopologyBuilder b;
  b.SetSpout("flood", SpoutOf<FloodSpout>(int64_t{3000}, gate, gap), 1);
  b.SetBolt("slow", BoltOf<GatedBolt>(gate), 1).ShuffleGrouping("flood");
  auto t = b.Build(config);
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Submit().ok());
  // Open the gate 50 tuples at a time, each time waiting for the bolt to catch up.
  for (int64_t allowed = 50; allowed <= 3000; allowed += 50) {
    std::unique_lock<std::mutex> l(gate->mu);
    gate->allowed = allowed;
    gate->cv.notify_all();
    gate->cv.wait(l, [&] { return gate->started == allowed; });
  }
  ASSERT_TRUE((*t)->Run(testing::kRunLimit).ok());
  // Emitted but not started: at most a full queue plus one batch in the bolt's hands.
  EXPECT_LE(gap->load(), 32 + 8);
  const TopologyStats s = (*t)->Stats();
  EXPECT_LE(s.Find("slow")->total.queue_high_water, 32u);
  EXPECT_EQ(s.Find("slow")->total.executed, 3000u);
  EXPECT_EQ(s.Find("flood")->total.emitted, 3000u);
}

TEST(BackpressureTest, BackpressurePropagatesThroughAChain) {
  // flood -> relay -> slow: relay blocks on slow's full queue, flood blocks on relay's.
  class Relay : public Bolt {
   public:
    void DeclareOutputFields(OutputFieldsDeclarer& d) const override { d.Declare({"n"}); }
    Status Prepare(const TopologyContext&, OutputCollector& c) override {
      c_ = &c;
      return Status::OK();
    }
    Status Execute(const Tuple& t) override {
      SMARTCAR_RETURN_IF_ERROR(c_->Emit(t, {t.Get(0)}));
      c_->Ack(t);
      return Status::OK();
    }

   private:
    OutputCollector* c_ = nullptr;
  };
  auto gate = std::make_shared<Gate>();
  auto gap = std::make_shared<std::atomic<int64_t>>(0);
  TopologyConfig config = testing::TestConfig();
  config.queue_capacity = 16;
  config.max_batch = 4;
  config.max_spout_pending = 0;
  TopologyBuilder b;
  b.SetSpout("flood", SpoutOf<FloodSpout>(int64_t{1000}, gate, gap), 1);
  b.SetBolt("relay", BoltOf<Relay>(), 1).ShuffleGrouping("flood");
  b.SetBolt("slow", BoltOf<GatedBolt>(gate), 1).ShuffleGrouping("relay");
  auto t = b.Build(config);
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Submit().ok());
  for (int64_t allowed = 25; allowed <= 1000; allowed += 25) {
    std::unique_lock<std::mutex> l(gate->mu);
    gate->allowed = allowed;
    gate->cv.notify_all();
    gate->cv.wait(l, [&] { return gate->started == allowed; });
  }
  ASSERT_TRUE((*t)->Run(testing::kRunLimit).ok());
  // Two queues and two batches in hand, plus the tuple relay is blocked emitting.
  EXPECT_LE(gap->load(), 2 * (16 + 4) + 1);
  EXPECT_EQ((*t)->Stats().Find("slow")->total.executed, 1000u);
}

}  // namespace
}  // namespace smartcar::topology
