// Submit, Run, Drain, Stop; errors from components; metrics text.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "topology_test_util.h"

namespace smartcar::topology {
namespace {

using testing::BoltOf;
using testing::NumberSpout;
using testing::RecordBolt;
using testing::Sink;
using testing::SpoutLog;
using testing::SpoutOf;

struct Closes {
  std::atomic<int> spouts{0};
  std::atomic<int> bolts{0};
};

class EndlessSpout : public NumberSpout {
 public:
  EndlessSpout(std::shared_ptr<SpoutLog> log, std::shared_ptr<Closes> closes, bool reliable)
      : NumberSpout(int64_t{1} << 40, reliable, std::move(log)), closes_(std::move(closes)) {}
  void Close() override { closes_->spouts++; }

 private:
  std::shared_ptr<Closes> closes_;
};

class ClosingBolt : public RecordBolt {
 public:
  ClosingBolt(std::shared_ptr<Sink> sink, std::shared_ptr<Closes> closes)
      : RecordBolt(std::move(sink)), closes_(std::move(closes)) {}
  void Close() override { closes_->bolts++; }

 private:
  std::shared_ptr<Closes> closes_;
};

void WaitForAcks(SpoutLog& log, int n) {
  while (log.AckedCount() < n) std::this_thread::yield();
}

TEST(LifecycleTest, DrainSettlesEverythingInFlight) {
  auto log = std::make_shared<SpoutLog>();
  auto closes = std::make_shared<Closes>();
  TopologyBuilder b;
  b.SetSpout("endless", SpoutOf<EndlessSpout>(log, closes, true), 2);
  b.SetBolt("record", BoltOf<ClosingBolt>(std::make_shared<Sink>(), closes), 3)
      .FieldsGrouping("endless", {"key"});
  auto t = b.Build(testing::TestConfig());
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Submit().ok());
  WaitForAcks(*log, 200);
  ASSERT_TRUE((*t)->Drain(testing::kRunLimit).ok());
  EXPECT_EQ(closes->spouts.load(), 2);
  EXPECT_EQ(closes->bolts.load(), 3);
  const TopologyStats s = (*t)->Stats();
  const ComponentStats* spout = s.Find("endless");
  EXPECT_EQ(spout->total.pending, 0u);
  EXPECT_EQ(spout->total.failed, 0u);
  // Every message emitted (by both spout tasks) was acked.
  std::lock_guard<std::mutex> l(log->mu);
  uint64_t emitted = 0;
  for (auto& [id, n] : log->emits) emitted += static_cast<uint64_t>(n);
  uint64_t acked = 0;
  for (auto& [id, n] : log->acks) acked += static_cast<uint64_t>(n);
  EXPECT_EQ(emitted, acked);
  EXPECT_EQ(spout->total.acked, acked);
  EXPECT_EQ(s.Find("record")->total.executed, acked);
}

// Acks even numbers in batches at each Tick; holds odd numbers forever (as the CEP bolt holds
// inputs until their windows close).
class HoldingBolt : public Bolt {
 public:
  explicit HoldingBolt(std::shared_ptr<std::atomic<int>> held) : held_(std::move(held)) {}
  Status Prepare(const TopologyContext&, OutputCollector& c) override {
    collector_ = &c;
    return Status::OK();
  }
  Status Execute(const Tuple& t) override {
    if (std::get<int64_t>(t.Get(0)) % 2 == 0) {
      batch_.push_back(t);
    } else {
      held_->fetch_add(1);
    }
    return Status::OK();
  }
  Status Tick() override {
    for (const Tuple& t : batch_) collector_->Ack(t);
    batch_.clear();
    return Status::OK();
  }

 private:
  std::shared_ptr<std::atomic<int>> held_;
  OutputCollector* collector_ = nullptr;
  std::vector<Tuple> batch_;
};

TEST(LifecycleTest, ShutdownFlushesBatchedAcksAndLeavesHeldMessagesPending) {
  auto log = std::make_shared<SpoutLog>();
  auto closes = std::make_shared<Closes>();
  auto held = std::make_shared<std::atomic<int>>(0);
  TopologyBuilder b;
  b.SetSpout("endless", SpoutOf<EndlessSpout>(log, closes, true), 1);
  b.SetBolt("hold", BoltOf<HoldingBolt>(held), 2).ShuffleGrouping("endless");
  TopologyConfig config = testing::TestConfig();
  config.max_spout_pending = 300;
  auto t = b.Build(config);
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Submit().ok());
  WaitForAcks(*log, 50);
  // Drain would wait for the held messages forever; Shutdown settles what can settle and stops.
  Status s = (*t)->Shutdown(testing::kRunLimit);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(closes->spouts.load(), 1);
  std::lock_guard<std::mutex> l(log->mu);
  EXPECT_TRUE(log->fails.empty()) << "held messages are neither acked nor failed";
  int evens = 0, odds = 0;
  for (const auto& [n, times] : log->emits) {
    if (n % 2 == 0) {
      ++evens;
      EXPECT_EQ(log->acks.count(n), 1u) << n << " was emitted and executed, but not acked";
    } else {
      ++odds;
      EXPECT_EQ(log->acks.count(n), 0u) << n;
    }
  }
  EXPECT_GT(evens, 0);
  EXPECT_EQ(odds, held->load()) << "every odd number reached the bolt before the stop";
}

TEST(LifecycleTest, StopEndsAnEndlessTopologyAndClosesEveryTask) {
  auto log = std::make_shared<SpoutLog>();
  auto closes = std::make_shared<Closes>();
  TopologyBuilder b;
  b.SetSpout("endless", SpoutOf<EndlessSpout>(log, closes, false), 1);
  b.SetBolt("record", BoltOf<ClosingBolt>(std::make_shared<Sink>(), closes), 2)
      .ShuffleGrouping("endless");
  auto t = b.Build(testing::TestConfig());
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Submit().ok());
  while ((*t)->Stats().Find("record")->total.executed < 100) std::this_thread::yield();
  (*t)->Stop();
  (*t)->Stop();  // Idempotent.
  EXPECT_EQ(closes->spouts.load(), 1);
  EXPECT_EQ(closes->bolts.load(), 2);
}

// A spout waiting for input (its NextTuple emits nothing, as a log poll that times out) is not
// busy: its capacity stays 0, while the time of calls that emit counts (no bound on durations).
class WaitingSpout : public Spout {
 public:
  explicit WaitingSpout(std::shared_ptr<std::atomic<int>> to_emit) : to_emit_(std::move(to_emit)) {}
  void DeclareOutputFields(OutputFieldsDeclarer& d) const override { d.Declare({"n"}); }
  Status Open(const TopologyContext&, SpoutOutputCollector& c) override {
    collector_ = &c;
    return Status::OK();
  }
  Status NextTuple() override {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the poll's wait
    if (to_emit_->load() == 0) return Status::OK();
    to_emit_->fetch_sub(1);
    return collector_->Emit({int64_t{1}});
  }

 private:
  std::shared_ptr<std::atomic<int>> to_emit_;
  SpoutOutputCollector* collector_ = nullptr;
};

TEST(LifecycleTest, ASpoutWaitingForInputIsNotBusy) {
  auto to_emit = std::make_shared<std::atomic<int>>(0);
  TopologyBuilder b;
  b.SetSpout("waiting", SpoutOf<WaitingSpout>(to_emit), 1);
  b.SetBolt("record", BoltOf<RecordBolt>(std::make_shared<Sink>()), 1).ShuffleGrouping("waiting");
  auto t = b.Build(testing::TestConfig());
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Submit().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // ~50 calls, nothing emitted
  EXPECT_EQ((*t)->Stats().Find("waiting")->total.busy_ns, 0u);
  EXPECT_EQ((*t)->Stats().Find("waiting")->total.capacity, 0.0);
  to_emit->store(3);
  while ((*t)->Stats().Find("record")->total.executed < 3) std::this_thread::yield();
  (*t)->Stop();  // the spout's thread is done: its last call is counted
  EXPECT_GT((*t)->Stats().Find("waiting")->total.busy_ns, 0u) << "the calls that emitted count";
}

// A bolt whose Tick would have nothing to do says so, and its task skips the ticks until it
// wants them again.
class TickCountingBolt : public Bolt {
 public:
  TickCountingBolt(std::shared_ptr<std::atomic<bool>> wants,
                   std::shared_ptr<std::atomic<int>> ticks)
      : wants_(std::move(wants)), ticks_(std::move(ticks)) {}
  Status Prepare(const TopologyContext&, OutputCollector&) override { return Status::OK(); }
  Status Execute(const Tuple&) override { return Status::OK(); }
  Status Tick() override {
    ticks_->fetch_add(1);
    return Status::OK();
  }
  bool WantsTick() const override { return wants_->load(); }

 private:
  std::shared_ptr<std::atomic<bool>> wants_;
  std::shared_ptr<std::atomic<int>> ticks_;
};

TEST(LifecycleTest, ABoltThatWantsNoTickGetsNone) {
  auto wants = std::make_shared<std::atomic<bool>>(false);
  auto ticks = std::make_shared<std::atomic<int>>(0);
  TopologyBuilder b;
  b.SetSpout("waiting", SpoutOf<WaitingSpout>(std::make_shared<std::atomic<int>>(0)), 1);
  b.SetBolt("count", BoltOf<TickCountingBolt>(wants, ticks), 1).ShuffleGrouping("waiting");
  auto t = b.Build(testing::TestConfig());  // A tick every 10 ms.
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Submit().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(ticks->load(), 0);
  wants->store(true);
  while (ticks->load() < 3) std::this_thread::yield();
  (*t)->Stop();
}

TEST(LifecycleTest, RunReportsBusyWhenTheSpoutNeverFinishes) {
  TopologyBuilder b;
  b.SetSpout("endless",
             SpoutOf<EndlessSpout>(std::make_shared<SpoutLog>(), std::make_shared<Closes>(), true),
             1);
  b.SetBolt("record", BoltOf<RecordBolt>(std::make_shared<Sink>()), 1).ShuffleGrouping("endless");
  auto t = b.Build(testing::TestConfig());
  ASSERT_TRUE(t.has_value());
  Status s = (*t)->Run(std::chrono::milliseconds(20));
  EXPECT_EQ(s.code(), Status::Code::kBusy);
  EXPECT_EQ(s.message(), "topology 'test' did not settle within 20 ms");
  (*t)->Stop();
}

class BadPrepare : public Bolt {
 public:
  Status Prepare(const TopologyContext& ctx, OutputCollector&) override {
    if (ctx.task_index == 1) return Status::InvalidArgument("no table 'x'");
    return Status::OK();
  }
  Status Execute(const Tuple&) override { return Status::OK(); }
};

TEST(LifecycleTest, SubmitReturnsThePrepareError) {
  TopologyBuilder b;
  b.SetSpout("numbers", SpoutOf<NumberSpout>(int64_t{10}, true, std::make_shared<SpoutLog>()), 1);
  b.SetBolt("bad", BoltOf<BadPrepare>(), 2).ShuffleGrouping("numbers");
  auto t = b.Build(testing::TestConfig());
  ASSERT_TRUE(t.has_value());
  Status s = (*t)->Submit();
  EXPECT_EQ(s.ToString(), "Invalid argument: component 'bad' task 2: no table 'x'");
}

// Emits on an undeclared stream and with the wrong arity.
class BadEmitter : public Bolt {
 public:
  void DeclareOutputFields(OutputFieldsDeclarer& d) const override { d.Declare({"a", "b"}); }
  Status Prepare(const TopologyContext&, OutputCollector& c) override {
    c_ = &c;
    return Status::OK();
  }
  Status Execute(const Tuple& t) override {
    Status s1 = c_->Emit("alerts", {&t}, {int64_t{1}});
    Status s2 = c_->Emit(t, {int64_t{1}});
    Status s3 = c_->EmitDirect(99, "default", {&t}, {int64_t{1}, int64_t{2}});
    if (!s1.ok() && !s2.ok() && !s3.ok()) {
      std::lock_guard<std::mutex> l(mu);
      messages = {s1.message(), s2.message(), s3.message()};
    }
    return s1;
  }
  static inline std::mutex mu;
  static inline std::vector<std::string> messages;

 private:
  OutputCollector* c_ = nullptr;
};

TEST(LifecycleTest, EmitErrorsAreReportedAndFailTheInput) {
  auto log = std::make_shared<SpoutLog>();
  TopologyBuilder b;
  b.SetSpout("numbers", SpoutOf<NumberSpout>(int64_t{3}, false, log), 1);
  b.SetBolt("bad", BoltOf<BadEmitter>(), 1).ShuffleGrouping("numbers");
  auto t = b.Build(testing::TestConfig());
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Run(testing::kRunLimit).ok());
  {
    std::lock_guard<std::mutex> l(BadEmitter::mu);
    ASSERT_EQ(BadEmitter::messages.size(), 3u);
    EXPECT_EQ(BadEmitter::messages[0], "component 'bad' emitted on undeclared stream 'alerts'");
    EXPECT_EQ(BadEmitter::messages[1],
              "component 'bad' emitted 1 values on stream 'default' declared with fields [a, b]");
    EXPECT_EQ(BadEmitter::messages[2],
              "component 'bad' emitted directly to task 99 on stream 'default', which no DIRECT "
              "subscriber of that stream has");
  }
  const TopologyStats s = (*t)->Stats();
  EXPECT_EQ(s.Find("bad")->total.errors, 3u);
  EXPECT_EQ(s.Find("bad")->total.failed, 3u);
  EXPECT_EQ(s.Find("bad")->last_error,
            "task 1: Invalid argument: component 'bad' emitted on undeclared stream 'alerts'");
}

TEST(LifecycleTest, MetricsTextIsPrometheusFormat) {
  auto log = std::make_shared<SpoutLog>();
  TopologyBuilder b;
  b.SetSpout("numbers", SpoutOf<NumberSpout>(int64_t{50}, true, log), 1);
  b.SetBolt("record", BoltOf<RecordBolt>(std::make_shared<Sink>()), 2).ShuffleGrouping("numbers");
  auto t = b.Build(testing::TestConfig());
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->Run(testing::kRunLimit).ok());
  const std::string text = (*t)->MetricsText();
  EXPECT_NE(text.find("# TYPE smartcar_topology_emitted_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("smartcar_topology_emitted_total{topology=\"test\",component=\"numbers\","
                      "task=\"0\"} 50\n"),
            std::string::npos);
  EXPECT_NE(text.find("smartcar_topology_executed_total{topology=\"test\",component=\"record\","
                      "task=\"1\"} 25\n"),
            std::string::npos);
  EXPECT_NE(text.find("smartcar_topology_acked_total{topology=\"test\",component=\"numbers\","
                      "task=\"0\"} 50\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE smartcar_topology_latency_p99_seconds gauge\n"), std::string::npos);
  EXPECT_NE(text.find("smartcar_topology_queue_depth{topology=\"test\",component=\"record\","
                      "task=\"2\"} 0\n"),
            std::string::npos);
  const TopologyStats s = (*t)->Stats();
  EXPECT_EQ(s.Find("record")->tasks.size(), 2u);
  EXPECT_LE(s.Find("record")->total.capacity, 1.0);
  const std::string table = FormatStatsTable(s);
  EXPECT_EQ(table.rfind("component        tasks      emitted     executed        acked    failed "
                        "capacity       p50       p99   queue  pending\n",
                        0),
            0u)
      << table;
  EXPECT_NE(
      table.find("\nnumbers              1           50            0           50         0 "),
      std::string::npos)
      << table;
  EXPECT_NE(
      table.find("\nrecord               2            0           50           50         0 "),
      std::string::npos)
      << table;
}

TEST(LatencyHistogramTest, QuantilesFallInTheRightBucket) {
  LatencyHistogram h;
  EXPECT_EQ(h.Quantile(0.5), 0u);
  for (int i = 0; i < 99; ++i) h.Record(1000);
  h.Record(1'000'000);
  const uint64_t p50 = h.Quantile(0.5);
  EXPECT_GE(p50, 1000u);
  EXPECT_LE(p50, 1200u);
  const uint64_t p100 = h.Quantile(1.0);
  EXPECT_GE(p100, 1'000'000u);
  EXPECT_LE(p100, 1'200'000u);
  EXPECT_EQ(h.count(), 100u);
  for (uint64_t v : {0ULL, 3ULL, 4ULL, 7ULL, 8ULL, 1000ULL, 123456789ULL}) {
    EXPECT_GE(LatencyHistogram::BucketUpper(LatencyHistogram::BucketOf(v)), v) << v;
  }
}

}  // namespace
}  // namespace smartcar::topology
