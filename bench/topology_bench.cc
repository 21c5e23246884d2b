// Topology runtime throughput: spout -> parse -> sink, fields-grouped by key, with and without
// acking. Run: build/release/bench/topology_bench
#include <benchmark/benchmark.h>

#include <string>

#include "topology/topology.h"

namespace smartcar::topology {
namespace {

class CountSpout : public Spout {
 public:
  CountSpout(int64_t count, bool reliable) : count_(count), reliable_(reliable) {}
  void DeclareOutputFields(OutputFieldsDeclarer& d) const override { d.Declare({"n", "car"}); }
  Status Open(const TopologyContext&, SpoutOutputCollector& c) override {
    c_ = &c;
    for (int i = 0; i < 100; ++i) cars_.push_back("O" + std::to_string(1000 + i));
    return Status::OK();
  }
  Status NextTuple() override {
    for (int i = 0; i < 64 && next_ < count_; ++i, ++next_) {
      Values v{next_, cars_[static_cast<size_t>(next_ % 100)]};
      SMARTCAR_RETURN_IF_ERROR(reliable_ ? c_->Emit(std::move(v), static_cast<MessageId>(next_))
                                         : c_->Emit(std::move(v)));
    }
    return Status::OK();
  }
  void Ack(MessageId) override { ++acked_; }
  void Fail(MessageId) override { ++acked_; }  // Not expected; keeps Finished() reachable.
  bool Finished() const override { return reliable_ ? acked_ == count_ : next_ == count_; }

 private:
  int64_t count_;
  bool reliable_;
  int64_t next_ = 0;
  int64_t acked_ = 0;
  std::vector<std::string> cars_;
  SpoutOutputCollector* c_ = nullptr;
};

class RelayBolt : public Bolt {
 public:
  explicit RelayBolt(bool emit) : emit_(emit) {}
  void DeclareOutputFields(OutputFieldsDeclarer& d) const override { d.Declare({"n", "car"}); }
  Status Prepare(const TopologyContext&, OutputCollector& c) override {
    c_ = &c;
    return Status::OK();
  }
  Status Execute(const Tuple& t) override {
    if (emit_) SMARTCAR_RETURN_IF_ERROR(c_->Emit(t, t.values()));
    c_->Ack(t);
    return Status::OK();
  }

 private:
  bool emit_;
  OutputCollector* c_ = nullptr;
};

// range(0): 1 = acking on, 0 = off. range(1): bolt parallelism.
void BM_SpoutTwoBoltsFieldsGrouped(benchmark::State& state) {
  const bool reliable = state.range(0) == 1;
  const int parallelism = static_cast<int>(state.range(1));
  constexpr int64_t kMessages = 200000;
  for (auto _ : state) {
    TopologyConfig config;
    config.name = "bench";
    config.max_spout_pending = 10000;
    config.queue_capacity = 4096;
    config.max_batch = 512;
    TopologyBuilder b;
    b.SetSpout("spout", [&]() -> Result<std::unique_ptr<Spout>> {
      return std::make_unique<CountSpout>(kMessages, reliable);
    });
    b.SetBolt(
         "parse",
         []() -> Result<std::unique_ptr<Bolt>> { return std::make_unique<RelayBolt>(true); },
         parallelism)
        .FieldsGrouping("spout", {"car"});
    b.SetBolt(
         "sink",
         []() -> Result<std::unique_ptr<Bolt>> { return std::make_unique<RelayBolt>(false); },
         parallelism)
        .FieldsGrouping("parse", {"car"});
    auto t = b.Build(config);
    if (!t || !(*t)->Run(std::chrono::minutes(5)).ok()) {
      state.SkipWithError("topology failed");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * kMessages);
}
BENCHMARK(BM_SpoutTwoBoltsFieldsGrouped)
    ->Args({1, 1})
    ->Args({1, 2})
    ->Args({0, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

}  // namespace
}  // namespace smartcar::topology

BENCHMARK_MAIN();
