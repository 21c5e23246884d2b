// A backlog of any shape drains exactly: the SmartCar topology started over a log pre-filled with
// far more events than max spout pending and than the rule engine's hold, its partitions filled
// unevenly (one with 2 cars runs far ahead in event time of one with 8 when records are read in
// equal counts), one partition possibly empty, the log a few seconds out of order as the pilot's
// is. Every line is stored once, no event is late, no tuple times out, and every detection
// (car, window, count, average) equals an independent computation; stopped with Ctrl-C in the
// middle and started again, every detection written is byte-identical to the uninterrupted run's.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "hot/detection.h"
#include "hot/hot_store.h"
#include "pipeline/smartcar_topology.h"
#include "queue/log.h"
#include "table/table.h"
#include "test_util.h"
#include "wait_until.h"

namespace smartcar::pipeline {
namespace {

using ::smartcar::testing::TempDir;

constexpr int64_t kDayStartMs = 1650931200000;  // 2022-04-26T00:00:00Z.

// Records every detection the hot store is given, keyed by car and window start.
class RecordingHotStore final : public hot::HotStoreWrapper {
 public:
  using HotStoreWrapper::HotStoreWrapper;
  Status Write(const hot::HotWriteBatch& batch) override {
    if (down.load()) return Status::IOError("redis down (test)");
    Status s = HotStoreWrapper::Write(batch);
    if (!s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu_);
    for (const hot::HotOp& op : batch.ops()) {
      if (op.kind != hot::HotOp::Kind::kPut) continue;
      auto d = hot::DetectionFromJson(op.value);
      if (d) writes_.push_back(*d);
    }
    return s;
  }

  std::vector<hot::Detection> writes() {
    std::lock_guard<std::mutex> lock(mu_);
    return writes_;
  }

  std::atomic<bool> down{false};  // Every Write fails while set.

 private:
  std::mutex mu_;
  std::vector<hot::Detection> writes_;
};

// The table store with two differences: while `fail_writes` > 0, each table write fails (a disk
// error) and counts it down; while `refuse_rows` > 0, each row added to a batch is refused and
// counts it down.
class FlakyTableStore final : public table::TableStore {
 public:
  explicit FlakyTableStore(std::unique_ptr<table::TableStore> real) : real_(std::move(real)) {}
  Status CreateTable(const table::TableDescriptor& d) override { return real_->CreateTable(d); }
  Result<std::vector<std::string>> ListTables() override { return real_->ListTables(); }
  bool Exists(std::string_view n) override { return real_->Exists(n); }
  Result<table::TableDescription> Describe(std::string_view n) override {
    return real_->Describe(n);
  }
  Status DisableTable(std::string_view n) override { return real_->DisableTable(n); }
  Status EnableTable(std::string_view n) override { return real_->EnableTable(n); }
  Status DropTable(std::string_view n) override { return real_->DropTable(n); }
  Status TruncateTable(std::string_view n) override { return real_->TruncateTable(n); }
  Status SetSplitKeys(std::string_view n, std::vector<std::string> keys) override {
    return real_->SetSplitKeys(n, std::move(keys));
  }
  Result<std::shared_ptr<table::Table>> OpenTable(std::string_view n) override {
    auto t = real_->OpenTable(n);
    if (!t) return t;
    return std::shared_ptr<table::Table>(std::make_shared<Flaky>(std::move(*t), this));
  }

  std::atomic<int> fail_writes{0};
  std::atomic<int> refuse_rows{0};

 private:
  // Takes one from *n if it is above 0: true when the caller should fail.
  static bool TakeOne(std::atomic<int>* n) { return n->load() > 0 && n->fetch_sub(1) > 0; }

  // A batch that refuses a row while `refuse_rows` > 0 (a row the table cannot take).
  class RefusingBatch final : public table::PutBatch {
   public:
    RefusingBatch(std::unique_ptr<table::PutBatch> b, std::atomic<int>* refuse)
        : b_(std::move(b)), refuse_(refuse) {}
    Status Add(const table::Put& p) override {
      if (TakeOne(refuse_)) return Status::InvalidArgument("row refused (test)");
      return b_->Add(p);
    }
    size_t size() const override { return b_->size(); }
    void Clear() override { b_->Clear(); }
    table::PutBatch* real() { return b_.get(); }

   private:
    std::unique_ptr<table::PutBatch> b_;
    std::atomic<int>* refuse_;
  };

  class Flaky final : public table::Table {
   public:
    Flaky(std::shared_ptr<table::Table> t, FlakyTableStore* store)
        : t_(std::move(t)), store_(store) {}
    const table::TableDescriptor& descriptor() const override { return t_->descriptor(); }
    Status Apply(const table::WriteOptions& o, const table::Put& p) override {
      return t_->Apply(o, p);
    }
    Status ApplyBatch(const table::WriteOptions& o, const std::vector<table::Put>& p) override {
      if (TakeOne(&store_->fail_writes)) return Status::IOError("disk error (test)");
      return t_->ApplyBatch(o, p);
    }
    std::unique_ptr<table::PutBatch> NewPutBatch() override {
      return std::make_unique<RefusingBatch>(t_->NewPutBatch(), &store_->refuse_rows);
    }
    Status Write(const table::WriteOptions& o, table::PutBatch* b) override {
      if (TakeOne(&store_->fail_writes)) return Status::IOError("disk error (test)");
      return t_->Write(o, static_cast<RefusingBatch*>(b)->real());
    }
    Status Remove(const table::WriteOptions& o, const table::Delete& d) override {
      return t_->Remove(o, d);
    }
    Result<table::Row> Get(const table::GetSpec& s) override { return t_->Get(s); }
    Result<std::unique_ptr<table::RowIterator>> Scan(const table::ScanSpec& s) override {
      return t_->Scan(s);
    }
    Result<uint64_t> Count(const table::ScanSpec& s) override { return t_->Count(s); }

   private:
    std::shared_ptr<table::Table> t_;
    FlakyTableStore* store_;
  };

  std::unique_ptr<table::TableStore> real_;
};

struct Window {
  double sum = 0;
  int64_t count = 0;
  int64_t first_ms = INT64_MAX, last_ms = INT64_MIN;
};
using WindowKey = std::pair<std::string, int64_t>;  // (car, window start ms)

struct Backlog {
  std::vector<std::vector<queue::Record>> partitions;
  std::map<WindowKey, Window> windows;  // Every 30-s window of every car.
  size_t events = 0;
};

std::string Stamp(int64_t ms) {
  const int64_t s = (ms - kDayStartMs) / 1000;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "20220426%02lld%02lld%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return buf;
}

// `cars_per_partition[p]` cars in partition p, one event per car per second for `seconds`;
// within a partition, neighbouring ticks are sometimes swapped (up to 2 s out of order).
Backlog MakeBacklog(const std::vector<int>& cars_per_partition, int seconds) {
  Backlog b;
  std::mt19937 rng(42);
  int car_no = 0;
  b.partitions.resize(cars_per_partition.size());
  for (size_t p = 0; p < cars_per_partition.size(); ++p) {
    std::vector<std::string> cars;
    std::vector<int> base;
    for (int c = 0; c < cars_per_partition[p]; ++c) {
      ++car_no;
      char name[16];
      std::snprintf(name, sizeof(name), "%c%04d", 'A' + (car_no % 26), car_no);
      cars.push_back(name);
      base.push_back(60 + static_cast<int>(rng() % 40));  // Some cars drive near 80 km/h.
    }
    std::vector<std::vector<queue::Record>> ticks;
    for (int t = 0; t < seconds; ++t) {
      const int64_t ms = kDayStartMs + int64_t{t} * 1000;
      std::vector<queue::Record> tick;
      for (size_t c = 0; c < cars.size(); ++c) {
        const int speed = base[c] + static_cast<int>(rng() % 31) - 15;
        queue::Record r;
        r.key = cars[c];
        r.value = Stamp(ms) + "," + cars[c] + ",1,0,F,N," + std::to_string(speed) + ",A01";
        r.partition = queue::PartitionId(static_cast<int32_t>(p));
        tick.push_back(std::move(r));
        Window& w = b.windows[{cars[c], ms - (ms % 30000)}];
        w.sum += speed;
        w.count += 1;
        w.first_ms = std::min(w.first_ms, ms);
        w.last_ms = std::max(w.last_ms, ms);
        ++b.events;
      }
      ticks.push_back(std::move(tick));
    }
    // Disjoint swaps, so no tick moves more than 2 s (a chain of swaps would carry one tick
    // arbitrarily far, beyond any allowed lateness).
    for (size_t t = 0; t + 2 < ticks.size(); t += 3) {
      if (rng() % 4 == 0) std::swap(ticks[t], ticks[t + 2]);
    }
    for (auto& tick : ticks) {
      for (auto& r : tick) b.partitions[p].push_back(std::move(r));
    }
  }
  return b;
}

// The windows whose average exceeds 80 km/h (rules/overspeed.epl).
std::map<WindowKey, Window> Overspeed(const Backlog& b) {
  std::map<WindowKey, Window> out;
  for (const auto& [k, w] : b.windows) {
    if (w.sum / static_cast<double>(w.count) > 80) out[k] = w;
  }
  return out;
}

class BacklogTest : public ::testing::Test {
 protected:
  void Open(const std::vector<int>& cars_per_partition) {
    queue::QueueOptions qo;
    qo.data_dir = dir_.file("queue");
    qo.retention_check_interval_ms = 0;
    auto log = queue::OpenLog(qo);
    ASSERT_TRUE(log.has_value()) << log.error().ToString();
    log_ = std::move(*log);
    queue::CreateTopicOptions ct;
    ct.name = kDriverTopic;
    ct.config.partitions = static_cast<int32_t>(cars_per_partition.size());
    ct.config.retention_ms = -1;
    ASSERT_TRUE(log_->CreateTopic(ct).ok());
    auto tables = table::TableStore::Open({.data_dir = dir_.str()});
    ASSERT_TRUE(tables.has_value()) << tables.error().ToString();
    tables_ = std::make_unique<FlakyTableStore>(std::move(*tables));
    hot::HotOptions ho;
    ho.data_dir = dir_.file("hot");
    auto hot_store = hot::OpenHotStore(ho);
    ASSERT_TRUE(hot_store.has_value()) << hot_store.error().ToString();
    hot_ = std::make_unique<RecordingHotStore>(std::move(*hot_store));
  }

  void Fill(const Backlog& b) {
    auto producer = log_->NewProducer(queue::ProducerOptions{});
    ASSERT_TRUE(producer.has_value());
    for (const auto& records : b.partitions) {
      for (size_t i = 0; i < records.size(); i += 1000) {
        const size_t n = std::min<size_t>(1000, records.size() - i);
        auto r = (*producer)->Append(queue::AppendOptions{kDriverTopic},
                                     std::span<const queue::Record>(records.data() + i, n));
        ASSERT_TRUE(r.has_value()) << r.error().ToString();
      }
    }
  }

  PipelineOptions Options(PipelineCounters* counters) {
    PipelineOptions o;
    o.log = log_.get();
    o.tables = tables_.get();
    o.hot = hot_.get();
    o.rules_dir = std::string(SMARTCAR_SOURCE_DIR) + "/rules";
    o.dead_letter_path = dir_.file("dead-letter/topology.log");
    o.cep_parallelism = 2;
    o.counters = counters;
    o.input_complete = &input_complete_;
    // Far fewer in flight than the backlog and than one hold (13 cars x 70 s).
    o.topology.max_spout_pending = 200;
    o.topology.queue_capacity = 64;
    return o;
  }

  uint64_t TableRows() {
    auto t = tables_->OpenTable(kDriverTable);
    EXPECT_TRUE(t.has_value());
    auto n = (*t)->Count(table::ScanSpec{});
    EXPECT_TRUE(n.has_value());
    return n ? *n : 0;
  }

  // A topology over the log, run until everything is stored, evaluated and committed: nothing
  // late, failed or timed out.
  void RunToTheEnd(PipelineCounters* counters) {
    auto topo = BuildSmartCarTopology(Options(counters));
    ASSERT_TRUE(topo.has_value()) << topo.error().ToString();
    ASSERT_TRUE((*topo)->Run(std::chrono::minutes(3)).ok());
    EXPECT_EQ(counters->late.load(), 0u);
    ExpectNoFailures(**topo);
  }

  // The same, for a run that fails and reads again on the way (failed marks are expected).
  void RunToTheEndAfterRestarts(PipelineCounters* counters) {
    auto topo = BuildSmartCarTopology(Options(counters));
    ASSERT_TRUE(topo.has_value()) << topo.error().ToString();
    ASSERT_TRUE((*topo)->Run(std::chrono::minutes(3)).ok());
  }

  // Submits a topology over the log that reports to `health`, and waits until `health` reports
  // an engine failing (*degraded): the first failed write comes within the first mark's records;
  // 60 s is a bound for a loaded machine, not a timing assertion.
  void SubmitUntilDegraded(PipelineCounters* counters, EngineHealth* health,
                           std::unique_ptr<topology::Topology>* topo, std::string* degraded) {
    PipelineOptions o = Options(counters);
    o.health = health;
    auto built = BuildSmartCarTopology(o);
    ASSERT_TRUE(built.has_value()) << built.error().ToString();
    *topo = std::move(*built);
    ASSERT_TRUE((*topo)->Submit().ok());
    ::smartcar::testing::WaitUntil([&] { return !health->Describe().empty(); },
                                   std::chrono::seconds(60), std::chrono::milliseconds(5));
    *degraded = health->Describe();
  }

  static void ExpectNoFailures(const topology::Topology& topo) {
    const topology::TopologyStats stats = topo.Stats();
    for (const auto& c : stats.components) {
      EXPECT_EQ(c.total.failed, 0u) << c.id;
      EXPECT_EQ(c.total.timed_out, 0u) << c.id;
    }
  }

  // Every detection written is one of the expected windows, with its exact count and average.
  static void ExpectDetectionsEqual(const std::vector<hot::Detection>& writes,
                                    const std::map<WindowKey, Window>& expected) {
    std::set<WindowKey> seen;
    for (const hot::Detection& d : writes) {
      const WindowKey k{d.car, d.window_start_ms - (d.window_start_ms % 30000)};
      auto it = expected.find(k);
      ASSERT_NE(it, expected.end()) << "unexpected detection " << hot::DetectionToJson(d);
      EXPECT_EQ(d.event_count, it->second.count) << hot::DetectionToJson(d);
      EXPECT_NEAR(d.avg_speed, it->second.sum / static_cast<double>(it->second.count), 1e-9)
          << hot::DetectionToJson(d);
      EXPECT_EQ(d.window_start_ms, it->second.first_ms) << hot::DetectionToJson(d);
      EXPECT_EQ(d.window_end_ms, it->second.last_ms) << hot::DetectionToJson(d);
      seen.insert(k);
    }
    EXPECT_EQ(seen.size(), expected.size()) << "windows detected vs expected";
  }

  TempDir dir_;
  // Runs a backlog to its end while the table store's `failures` counter (fail_writes or
  // refuse_rows) makes the table fail 3 times, restarting after each: every failure is used up, the
  // rows involved are read again (the mark behind them fails, and the spout restarts from the last
  // commit), and in the end every line is stored once, every detection is exact and nothing is left
  // to read.
  void ExpectTheBacklogSurvives(std::atomic<int> FlakyTableStore::*failures) {
    const Backlog b = MakeBacklog({3, 5}, 900);
    ASSERT_NO_FATAL_FAILURE(Open({3, 5}));
    ASSERT_NO_FATAL_FAILURE(Fill(b));
    tables_.get()->*failures = 3;  // The store exists once Open has run.
    PipelineCounters counters;
    ASSERT_NO_FATAL_FAILURE(RunToTheEndAfterRestarts(&counters));
    EXPECT_EQ((tables_.get()->*failures).load(), 0);
    EXPECT_GE(counters.restarts.load(), 1u);
    EXPECT_EQ(counters.late.load(), 0u);
    EXPECT_EQ(TableRows(), b.events);
    ExpectDetectionsEqual(hot_->writes(), Overspeed(b));
    auto d = log_->DescribeGroup(kDriverGroup);
    ASSERT_TRUE(d.has_value());
    for (const auto& p : d->partitions) EXPECT_EQ(p.lag, 0) << queue::ToString(p.tp);
  }

  std::unique_ptr<queue::Log> log_;
  std::unique_ptr<FlakyTableStore> tables_;
  std::unique_ptr<RecordingHotStore> hot_;
  std::atomic<bool> input_complete_{true};
};

TEST_F(BacklogTest, UnevenPartitionsDrainExactlyWithNothingLate) {
  const Backlog b = MakeBacklog({2, 8, 3}, 1200);
  ASSERT_NO_FATAL_FAILURE(Open({2, 8, 3}));
  ASSERT_NO_FATAL_FAILURE(Fill(b));
  const auto expected = Overspeed(b);
  ASSERT_GT(expected.size(), 20u);                   // The data has detections to find...
  ASSERT_LT(expected.size(), b.windows.size() / 2);  // ...and windows that are not.
  PipelineCounters counters;
  ASSERT_NO_FATAL_FAILURE(RunToTheEnd(&counters));
  EXPECT_EQ(counters.parsed.load(), b.events);
  EXPECT_EQ(TableRows(), b.events);
  ExpectDetectionsEqual(hot_->writes(), expected);
  auto d = log_->DescribeGroup(kDriverGroup);
  ASSERT_TRUE(d.has_value());
  for (const auto& p : d->partitions) EXPECT_EQ(p.lag, 0) << queue::ToString(p.tp);
}

TEST_F(BacklogTest, AnEmptyPartitionHoldsNothingBack) {
  const Backlog b = MakeBacklog({6, 0, 3}, 600);
  ASSERT_NO_FATAL_FAILURE(Open({6, 0, 3}));
  ASSERT_NO_FATAL_FAILURE(Fill(b));
  PipelineCounters counters;
  ASSERT_NO_FATAL_FAILURE(RunToTheEnd(&counters));
  EXPECT_EQ(TableRows(), b.events);
  ExpectDetectionsEqual(hot_->writes(), Overspeed(b));
}

// Ctrl-C (Topology::Shutdown) in the middle of the backlog, then a new topology over the same
// log: the second run resumes from the committed offsets and closed-through event times; every
// detection written by either run equals the uninterrupted computation (no window re-evaluated
// from its tail, none counted twice), and none is missing.
TEST_F(BacklogTest, StoppedMidBacklogAndRestartedIsExact) {
  const Backlog b = MakeBacklog({2, 8, 3}, 1200);
  ASSERT_NO_FATAL_FAILURE(Open({2, 8, 3}));
  ASSERT_NO_FATAL_FAILURE(Fill(b));
  const auto expected = Overspeed(b);
  for (const uint64_t stop_at : {b.events / 3, b.events * 2 / 3}) {
    PipelineCounters counters;
    auto topo = BuildSmartCarTopology(Options(&counters));
    ASSERT_TRUE(topo.has_value()) << topo.error().ToString();
    ASSERT_TRUE((*topo)->Submit().ok());
    ::smartcar::testing::WaitUntil([&] { return counters.parsed.load() >= stop_at; },
                                   std::chrono::minutes(2), std::chrono::milliseconds(1));
    EXPECT_TRUE((*topo)->Shutdown(std::chrono::seconds(20)).ok());
    EXPECT_EQ(counters.late.load(), 0u);
    ExpectNoFailures(**topo);
  }
  PipelineCounters counters;
  ASSERT_NO_FATAL_FAILURE(RunToTheEnd(&counters));
  EXPECT_EQ(TableRows(), b.events);
  ExpectDetectionsEqual(hot_->writes(), expected);
}

// Redis down in the middle of a backlog: a pause, not a loss. The engine is reported degraded
// (since when and why) while it fails; once it is back every detection is written exactly as
// without the outage, nothing is late and no tuple fails or times out.
TEST_F(BacklogTest, AHotStoreOutageIsAPauseNotALoss) {
  const Backlog b = MakeBacklog({3, 5}, 900);
  ASSERT_NO_FATAL_FAILURE(Open({3, 5}));
  ASSERT_NO_FATAL_FAILURE(Fill(b));
  hot_->down = true;
  PipelineCounters counters;
  EngineHealth health;
  std::unique_ptr<topology::Topology> topo;
  std::string degraded;
  ASSERT_NO_FATAL_FAILURE(SubmitUntilDegraded(&counters, &health, &topo, &degraded));
  EXPECT_NE(degraded.find("hot store "), std::string::npos) << degraded;
  EXPECT_NE(degraded.find(" failing since "), std::string::npos) << degraded;
  EXPECT_NE(degraded.find("redis down (test)"), std::string::npos) << degraded;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  hot_->down = false;
  ASSERT_TRUE(topo->Run(std::chrono::minutes(3)).ok());
  EXPECT_EQ(health.Describe(), "");
  EXPECT_EQ(counters.late.load(), 0u);
  EXPECT_EQ(TableRows(), b.events);
  ExpectNoFailures(*topo);
  ExpectDetectionsEqual(hot_->writes(), Overspeed(b));
}

// A reject that cannot be kept (the dead-letter folder cannot be made: a file is in its way) is
// not let go: the spout reads again from the last commit, as often as it takes (waiting longer
// each time); once the way is clear every good line is stored once, every detection is exact,
// nothing is late, and every bad line is in the dead-letter file.
TEST_F(BacklogTest, ARejectThatCannotBeKeptIsReadAgainNotLost) {
  Backlog b = MakeBacklog({3, 2}, 600);
  std::vector<std::string> bad;
  for (size_t p = 0; p < b.partitions.size(); ++p) {
    std::vector<queue::Record>& records = b.partitions[p];
    queue::Record r = records[records.size() / 2];
    r.value = "not a driving line in partition " + std::to_string(p);
    bad.push_back(r.value);
    records.insert(records.begin() + static_cast<std::ptrdiff_t>(records.size() / 2), r);
  }
  ASSERT_NO_FATAL_FAILURE(Open({3, 2}));
  ASSERT_NO_FATAL_FAILURE(Fill(b));
  ::smartcar::testing::WriteFile(dir_.file("blocked"), "a file where a folder should be\n");
  PipelineCounters counters;
  PipelineOptions o = Options(&counters);
  o.dead_letter_path = dir_.file("blocked/topology.log");
  auto topo = BuildSmartCarTopology(o);
  ASSERT_TRUE(topo.has_value()) << topo.error().ToString();
  ASSERT_TRUE((*topo)->Submit().ok());
  ::smartcar::testing::WaitUntil([&] { return counters.restarts.load() >= 2; },
                                 std::chrono::seconds(60), std::chrono::milliseconds(5));
  ASSERT_GE(counters.restarts.load(), 2u) << "an unkept reject restarts, again after each restart";
  EXPECT_EQ(counters.rejected.load(), 0u) << "counted once kept";
  ASSERT_TRUE(std::filesystem::remove(dir_.file("blocked")));
  ASSERT_TRUE((*topo)->Run(std::chrono::minutes(3)).ok());
  EXPECT_EQ(counters.late.load(), 0u);
  EXPECT_EQ(TableRows(), b.events);
  ExpectDetectionsEqual(hot_->writes(), Overspeed(b));
  const std::string dead = ::smartcar::testing::ReadFile(dir_.file("blocked/topology.log"));
  for (const std::string& line : bad) EXPECT_NE(dead.find(line), std::string::npos) << dead;
  auto d = log_->DescribeGroup(kDriverGroup);
  ASSERT_TRUE(d.has_value());
  for (const auto& p : d->partitions) EXPECT_EQ(p.lag, 0) << queue::ToString(p.tp);
}

// Table writes that fail (a disk error) in the middle of a backlog.
TEST_F(BacklogTest, AFailedTableWriteIsReadAgainNotLost) {
  ExpectTheBacklogSurvives(&FlakyTableStore::fail_writes);
}

// Rows the table refuses (PutBatch::Add fails): the rows around them are not written either.
TEST_F(BacklogTest, ARefusedRowIsReadAgainWithItsBatchNotLost) {
  ExpectTheBacklogSurvives(&FlakyTableStore::refuse_rows);
}

// The table failing for a while (a disk that stays broken): it is reported as failing (since
// when, why) on the status line and /healthz while it fails, and once it works again the report
// clears and every line is stored once with every detection exact.
TEST_F(BacklogTest, AFailingTableIsReportedUntilItWorksAgain) {
  const Backlog b = MakeBacklog({3, 5}, 900);
  ASSERT_NO_FATAL_FAILURE(Open({3, 5}));
  ASSERT_NO_FATAL_FAILURE(Fill(b));
  tables_->fail_writes = 1'000'000;
  PipelineCounters counters;
  EngineHealth health;
  std::unique_ptr<topology::Topology> topo;
  std::string degraded;
  ASSERT_NO_FATAL_FAILURE(SubmitUntilDegraded(&counters, &health, &topo, &degraded));
  EXPECT_NE(degraded.find("table DriverCarInfo failing since "), std::string::npos) << degraded;
  EXPECT_NE(degraded.find("disk error (test)"), std::string::npos) << degraded;
  tables_->fail_writes = 0;
  ASSERT_TRUE(topo->Run(std::chrono::minutes(3)).ok());
  EXPECT_EQ(health.Describe(), "");
  EXPECT_EQ(counters.late.load(), 0u);
  EXPECT_EQ(TableRows(), b.events);
  ExpectDetectionsEqual(hot_->writes(), Overspeed(b));
}

// The same car and event time delivered twice (a collector that crashed between its append and
// its position commit appends a batch again) is counted once by the rule engine.
TEST_F(BacklogTest, RedeliveredEventsAreCountedOnce) {
  Backlog b = MakeBacklog({4}, 600);
  // Append records 1000..1039 (ten ticks) a second time, right after the originals.
  std::vector<queue::Record>& p0 = b.partitions[0];
  std::vector<queue::Record> again(p0.begin() + 1000, p0.begin() + 1040);
  p0.insert(p0.begin() + 1040, again.begin(), again.end());
  ASSERT_NO_FATAL_FAILURE(Open({4}));
  ASSERT_NO_FATAL_FAILURE(Fill(b));
  PipelineCounters counters;
  ASSERT_NO_FATAL_FAILURE(RunToTheEnd(&counters));
  EXPECT_EQ(counters.duplicates.load(), 40u);
  EXPECT_EQ(TableRows(), b.events);  // Same row keys: the table holds each once.
  ExpectDetectionsEqual(hot_->writes(), Overspeed(b));
}

}  // namespace
}  // namespace smartcar::pipeline
