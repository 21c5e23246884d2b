// Coordination benchmarks: `build/release/bench/coord_bench` (numbers in docs/BENCHMARKS.md).
// Each benchmark runs on the embedded engine (DATA/coord in a temp dir) and on a real ZooKeeper
// 3.8 server (Debian's, started here on a loopback port, stopped at the end).
//   BM_Get/<engine>            read one node
//   BM_Set/<engine>            write one node (ZooKeeper: forceSync=no, as in the tests)
//   BM_Deploy/<engine>         RuleStore::Deploy of a new version of the shipped rule (1.6 KB)
//   BM_Latest/<engine>         RuleStore::Latest with 3 rules: what each CEP task reads after a
//                              change
//   BM_WatchLatency/<engine>   Set → the watch callback on another handle (wall time per change)
#include <benchmark/benchmark.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "coord/coordinator.h"
#include "coord/rule_store.h"
#include "coord/zookeeper_process.h"
#include "test_util.h"

namespace smartcar::coord {
namespace {

::smartcar::testing::TempDir* g_dir = nullptr;
::smartcar::testing::ZooKeeperServer* g_zk = nullptr;

std::unique_ptr<Coordinator> Open(int64_t engine, const std::string& chroot) {
  CoordOptions o;
  o.data_dir = g_dir->file("embedded" + chroot);
  if (engine == 1) {
    if (g_zk == nullptr) return nullptr;
    o.zookeeper = g_zk->address() + "/bench" + chroot;
  }
  auto c = OpenCoordinator(o);
  return c ? std::move(*c) : nullptr;
}

// Creates `path` unless it exists (benchmark functions run more than once).
bool Ensure(Coordinator* c, const std::string& path, const std::string& data) {
  Status s = c->Create(path, data);
  return s.ok() || s.code() == Status::Code::kAborted;
}

const char* EngineName(int64_t e) { return e == 0 ? "embedded" : "zookeeper"; }

void BM_Get(benchmark::State& state) {
  auto c = Open(state.range(0), "-get");
  if (!c || !Ensure(c.get(), "/n", std::string(200, 'x'))) return state.SkipWithError("setup");
  for (auto _ : state) benchmark::DoNotOptimize(c->Get("/n"));
  state.SetLabel(EngineName(state.range(0)));
}
BENCHMARK(BM_Get)->Arg(0)->Arg(1)->UseRealTime();

void BM_Set(benchmark::State& state) {
  auto c = Open(state.range(0), "-set");
  if (!c || !Ensure(c.get(), "/n", "")) return state.SkipWithError("setup");
  const std::string data(200, 'x');
  for (auto _ : state) benchmark::DoNotOptimize(c->Set("/n", data));
  state.SetLabel(EngineName(state.range(0)));
}
BENCHMARK(BM_Set)->Arg(0)->Arg(1)->UseRealTime();

std::string Rule() {
  return ::smartcar::testing::ReadFile(std::string(SMARTCAR_RULES_DIR) + "/overspeed.epl");
}

void BM_Deploy(benchmark::State& state) {
  auto c = Open(state.range(0), "-deploy");
  if (!c) return state.SkipWithError("setup");
  RuleStore store(c.get());
  const std::string rule = Rule();
  int64_t n = 0;
  for (auto _ : state) {
    auto v = store.Deploy("overspeed", rule + "-- " + std::to_string(++n) + "\n", "bench", "");
    if (!v) return state.SkipWithError(v.error().ToString().c_str());
  }
  state.SetLabel(EngineName(state.range(0)));
}
BENCHMARK(BM_Deploy)->Arg(0)->Arg(1)->UseRealTime()->Iterations(200);

void BM_Latest(benchmark::State& state) {
  auto c = Open(state.range(0), "-latest");
  if (!c) return state.SkipWithError("setup");
  RuleStore store(c.get());
  for (const char* name : {"a", "b", "overspeed"}) {
    if (!store.Deploy(name, Rule(), "bench", "")) return state.SkipWithError("deploy");
  }
  for (auto _ : state) benchmark::DoNotOptimize(store.Latest());
  state.SetLabel(EngineName(state.range(0)));
}
BENCHMARK(BM_Latest)->Arg(0)->Arg(1)->UseRealTime();

void BM_WatchLatency(benchmark::State& state) {
  auto writer = Open(state.range(0), "-watch");
  auto reader = Open(state.range(0), "-watch");
  if (!writer || !reader || !Ensure(writer.get(), "/w", "")) return state.SkipWithError("setup");
  std::mutex mu;
  std::condition_variable cv;
  uint64_t calls = 0;
  auto w = reader->WatchNode("/w", [&] {
    std::lock_guard<std::mutex> l(mu);
    ++calls;
    cv.notify_all();
  });
  if (!w) return state.SkipWithError("watch");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // The initial state settles.
  int64_t n = 0;
  for (auto _ : state) {
    uint64_t before;
    {
      std::lock_guard<std::mutex> l(mu);
      before = calls;
    }
    (void)writer->Set("/w", std::to_string(++n));
    std::unique_lock<std::mutex> l(mu);
    if (!cv.wait_for(l, std::chrono::seconds(5), [&] { return calls > before; })) {
      return state.SkipWithError("no notification within 5 s");
    }
  }
  state.SetLabel(EngineName(state.range(0)));
}
BENCHMARK(BM_WatchLatency)->Arg(0)->Arg(1)->UseRealTime()->Iterations(50);

}  // namespace
}  // namespace smartcar::coord

int main(int argc, char** argv) {
  using namespace smartcar::coord;
  ::smartcar::testing::TempDir dir;
  g_dir = &dir;
  ::smartcar::testing::ZooKeeperServer zk(dir.file("zk"));
  std::filesystem::create_directories(dir.file("zk"));
  if (zk.Start()) {
    g_zk = &zk;
  } else {
    std::fprintf(stderr, "coord_bench: could not start ZooKeeper; its rows are skipped\n");
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  zk.Stop();
  return 0;
}
