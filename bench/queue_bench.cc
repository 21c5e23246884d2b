// Durable log throughput: `build/release/bench/queue_bench` (numbers in docs/BENCHMARKS.md).
// Embedded: 100-byte driving lines (a simulated line padded to 100 bytes), keyed by car, WAL on.
// Kafka: the same records against librdkafka's in-process mock cluster, for reference only.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gen/driver_simulator.h"
#include "queue/kafka/mock_cluster.h"
#include "queue/log.h"
#include "test_util.h"

namespace smartcar::queue {
namespace {

constexpr size_t kValueBytes = 100;

std::vector<Record> DrivingRecords(size_t n) {
  gen::DriverSimOptions o;
  o.start_day = *ParseDate8("20220426");
  o.cars = 100;
  gen::DriverSimulator sim(o);
  std::string text;
  std::vector<Record> out;
  size_t pos = 0;
  while (out.size() < n) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) {
      sim.NextTick(&text);
      continue;
    }
    Record r;
    r.value = text.substr(pos, nl - pos);
    r.key = r.value.substr(15, 5);  // car_number
    r.value.resize(kValueBytes, ' ');
    r.timestamp_ms = 1650931200000 + static_cast<int64_t>(out.size());
    out.push_back(std::move(r));
    pos = nl + 1;
  }
  return out;
}

std::unique_ptr<Log> OpenEmbedded(const std::string& dir, bool sync) {
  QueueOptions o;
  o.data_dir = dir;
  o.sync = sync;
  o.retention_check_interval_ms = 0;
  auto log = OpenLog(o);
  if (!log) std::abort();
  TopicConfig c;
  c.partitions = 4;
  c.retention_ms = -1;
  if (!(*log)->CreateTopic({"driving", c}).ok()) std::abort();
  return std::move(*log);
}

// One producer thread per benchmark thread, `range(0)` records per Append.
void BM_EmbeddedProduce(benchmark::State& state, bool sync) {
  static smartcar::testing::TempDir* dir;
  static std::unique_ptr<Log> log;
  if (state.thread_index() == 0) {
    dir = new smartcar::testing::TempDir();
    log = OpenEmbedded(dir->file("log"), sync);
  }
  const auto batch = DrivingRecords(static_cast<size_t>(state.range(0)));
  // Benchmark threads start together after thread 0's setup (Google Benchmark barrier).
  std::unique_ptr<Producer> producer;
  for (auto _ : state) {
    if (!producer) producer = std::move(*log->NewProducer({}));
    auto r = producer->Append({"driving"}, batch);
    if (!r) state.SkipWithError(r.error().ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * state.range(0) * static_cast<int64_t>(kValueBytes));
  producer.reset();
  if (state.thread_index() == 0) {
    log.reset();
    delete dir;
  }
}

void BM_EmbeddedConsume(benchmark::State& state) {
  smartcar::testing::TempDir dir;
  auto log = OpenEmbedded(dir.file("log"), false);
  constexpr size_t kRecords = 1000000;
  {
    auto producer = std::move(*log->NewProducer({}));
    const auto batch = DrivingRecords(10000);
    for (size_t i = 0; i < kRecords / batch.size(); ++i) {
      if (!producer->Append({"driving"}, batch)) std::abort();
    }
  }
  ConsumerOptions co;
  co.reset = OffsetReset::kEarliest;
  auto consumer = std::move(*log->NewConsumer(co));
  AssignOptions all;
  for (int p = 0; p < 4; ++p) all.partitions.push_back({"driving", PartitionId(p)});
  if (!consumer->Assign(all).ok()) std::abort();
  size_t consumed = 0, bytes = 0;
  for (auto _ : state) {
    auto r = consumer->Poll({static_cast<size_t>(state.range(0)), 0});
    if (!r) state.SkipWithError(r.error().ToString().c_str());
    if (r->empty()) {  // Wrapped around: start over.
      for (const auto& tp : all.partitions) (void)consumer->Seek({tp, SeekTarget::kEarliest});
      continue;
    }
    consumed += r->size();
    for (const auto& rec : *r) bytes += rec.value.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(consumed));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

// A 3-broker mock cluster with topic "driving" (4 partitions) and a log on it.
struct MockLog {
  std::unique_ptr<kafka::KafkaMockCluster> mock;
  std::unique_ptr<Log> log;
};
MockLog OpenMockLog() {
  auto mock = kafka::KafkaMockCluster::Start(3);
  if (!mock) std::abort();
  QueueOptions o;
  o.engine = Engine::kKafka;
  o.brokers = (*mock)->bootstrap_servers();
  auto log = OpenLog(o);
  if (!log) std::abort();
  TopicConfig c;
  c.partitions = 4;
  if (!(*log)->CreateTopic({"driving", c}).ok()) std::abort();
  return {std::move(*mock), std::move(*log)};
}

void BM_KafkaMockProduce(benchmark::State& state) {
  MockLog m = OpenMockLog();
  auto producer = std::move(*m.log->NewProducer({}));
  const auto batch = DrivingRecords(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto r = producer->Append({"driving"}, batch);
    if (!r) state.SkipWithError(r.error().ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  producer.reset();
  m.log.reset();
}

// The collector's path on Kafka: each Append is one transaction carrying the source position
// (begin, the records, the state record, commit).
void BM_KafkaMockProduceWithState(benchmark::State& state) {
  MockLog m = OpenMockLog();
  auto producer = std::move(*m.log->NewProducer({}));
  const auto batch = DrivingRecords(static_cast<size_t>(state.range(0)));
  int64_t position = 0;
  // The first transaction also creates the state topic and initialises the producer.
  if (!producer->Append({"driving", "collect:bench", "0"}, batch)) std::abort();
  for (auto _ : state) {
    position += state.range(0);
    auto r = producer->Append({"driving", "collect:bench", std::to_string(position)}, batch);
    if (!r) state.SkipWithError(r.error().ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  producer.reset();
  m.log.reset();
}

void BM_KafkaMockConsume(benchmark::State& state) {
  auto mock = kafka::KafkaMockCluster::Start(3);
  if (!mock) std::abort();
  QueueOptions o;
  o.engine = Engine::kKafka;
  o.brokers = (*mock)->bootstrap_servers();
  o.kafka_properties = {{"fetch.wait.max.ms", "10"}, {"batch.num.messages", "1000"}};
  auto log = OpenLog(o);
  if (!log) std::abort();
  TopicConfig c;
  c.partitions = 4;
  if (!(*log)->CreateTopic({"driving", c}).ok()) std::abort();
  // The mock keeps about 5 MB per partition (older message sets are dropped): stay below.
  constexpr size_t kRecords = 100000;
  {
    auto producer = std::move(*(*log)->NewProducer({}));
    const auto batch = DrivingRecords(10000);
    for (size_t i = 0; i < kRecords / batch.size(); ++i) {
      if (!producer->Append({"driving"}, batch)) std::abort();
    }
  }
  ConsumerOptions co;
  co.reset = OffsetReset::kEarliest;
  auto consumer = std::move(*(*log)->NewConsumer(co));
  AssignOptions all;
  for (int p = 0; p < 4; ++p) all.partitions.push_back({"driving", PartitionId(p)});
  if (!consumer->Assign(all).ok()) std::abort();
  size_t consumed = 0;
  for (auto _ : state) {  // One iteration: drain everything.
    while (consumed < kRecords) {
      auto r = consumer->Poll({10000, 1000});
      if (!r) {
        state.SkipWithError(r.error().ToString().c_str());
        break;
      }
      consumed += r->size();
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(consumed));
  consumer.reset();
  log->reset();
}

BENCHMARK_CAPTURE(BM_EmbeddedProduce, wal, false)
    ->Arg(1000)
    ->Arg(10000)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->MinTime(1.0);
BENCHMARK_CAPTURE(BM_EmbeddedProduce, wal_fsync, true)->Arg(10000)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_EmbeddedConsume)->Arg(10000)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_KafkaMockProduce)->Arg(1000)->Arg(10000)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_KafkaMockProduceWithState)->Arg(1000)->Arg(10000)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_KafkaMockConsume)->UseRealTime()->Iterations(1);

}  // namespace
}  // namespace smartcar::queue

BENCHMARK_MAIN();
