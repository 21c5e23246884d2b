// Hot store write throughput: the embedded engine, and pipelined writes to a local redis-server
// measured side by side with `redis-benchmark -t sadd -P 16` against the same server in the
// same run. `build/release/bench/hot_bench` (see docs/BENCHMARKS.md).
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "hot/detection.h"
#include "hot/hot_store.h"

namespace smartcar::hot {
namespace {

int g_redis_port = 0;
std::string g_tmp;

// A batch of `n` detections of one day (cars offset by `base` so batches add new members).
HotWriteBatch Detections(int n, int base) {
  HotWriteBatch b;
  for (int i = 0; i < n; ++i) {
    AddDetection(Detection{"20220426", "O" + std::to_string(base + i), 1650952200000, 1650952230000,
                           93.5, 30, "overspeed"},
                 &b);
  }
  return b;
}

// Only set adds: `n` cars into the day's set (what redis-benchmark's SADD does, batched).
HotWriteBatch SetAdds(int n, int base) {
  HotWriteBatch b;
  for (int i = 0; i < n; ++i) b.SetAdd("20220426", "O" + std::to_string(base + i));
  return b;
}

std::unique_ptr<HotStore> OpenOrDie(const HotOptions& o) {
  auto s = OpenHotStore(o);
  if (!s) {
    std::fprintf(stderr, "hot_bench: %s\n", s.error().ToString().c_str());
    std::exit(1);
  }
  return *std::move(s);
}

template <bool kDetections>
void Run(benchmark::State& state, HotStore* store) {
  const int n = static_cast<int>(state.range(0));
  int base = static_cast<int>(state.thread_index()) * 100000000;
  for (auto _ : state) {
    HotWriteBatch b = kDetections ? Detections(n, base) : SetAdds(n, base);
    base += n;
    Status s = store->Write(b);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_EmbeddedDetections(benchmark::State& state) {
  static std::unique_ptr<HotStore> store = [] {
    HotOptions o;
    o.data_dir = g_tmp + "/embedded";
    return OpenOrDie(o);
  }();
  Run<true>(state, store.get());
}
BENCHMARK(BM_EmbeddedDetections)->Arg(1)->Arg(16)->Arg(256)->UseRealTime();

HotStore* RedisStore() {
  static std::unique_ptr<HotStore> store = [] {
    HotOptions o;
    o.redis = Endpoint{"127.0.0.1", g_redis_port};
    return OpenOrDie(o);
  }();
  return store.get();
}

void BM_RedisDetections(benchmark::State& state) { Run<true>(state, RedisStore()); }
BENCHMARK(BM_RedisDetections)->Arg(1)->Arg(16)->Arg(256)->UseRealTime();
BENCHMARK(BM_RedisDetections)->Arg(16)->Threads(4)->UseRealTime();

void BM_RedisSetAdds(benchmark::State& state) { Run<false>(state, RedisStore()); }
BENCHMARK(BM_RedisSetAdds)->Arg(16)->Arg(256)->UseRealTime();
BENCHMARK(BM_RedisSetAdds)->Arg(16)->Threads(4)->UseRealTime();

// A free loopback port: bind port 0 and read it back.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  close(fd);
  return ok ? ntohs(a.sin_port) : -1;
}

pid_t StartRedis(int port, const std::string& dir) {
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    std::freopen((dir + "/redis.log").c_str(), "w", stdout);
    const std::string p = std::to_string(port);
    execl("/usr/bin/redis-server", "redis-server", "--bind", "127.0.0.1", "--port", p.c_str(),
          "--dir", dir.c_str(), "--save", "", "--appendonly", "no", "--daemonize", "no",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

}  // namespace
}  // namespace smartcar::hot

int main(int argc, char** argv) {
  using namespace smartcar::hot;
  char tmpl[] = "/tmp/hot-bench-XXXXXX";
  g_tmp = mkdtemp(tmpl);
  g_redis_port = FreePort();
  const pid_t redis = StartRedis(g_redis_port, g_tmp);
  const std::string cli = "redis-cli -p " + std::to_string(g_redis_port);
  for (int i = 0; i < 200 && std::system((cli + " ping >/dev/null 2>&1").c_str()) != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  // The references on the same server, same run: redis-benchmark's SADD (the brief's yardstick),
  // and SET of a detection-sized JSON value with PX (the other half of a detection write).
  const std::string port = std::to_string(g_redis_port);
  const std::string json = DetectionToJson(
      Detection{"20220426", "O0010", 1650952200000, 1650952230000, 93.5, 30, "overspeed"});
  const std::string cmds[] = {
      "redis-benchmark -p " + port + " -t sadd -P 16 -n 500000 --csv",
      "redis-benchmark -p " + port +
          " -P 16 -n 300000 -r 1000000 --csv SET 20220426:__rand_int__ '" + json + "' PX 604800000",
  };
  for (const std::string& cmd : cmds) {
    std::printf("\n$ %s\n", cmd.c_str());
    std::fflush(stdout);
    if (std::system((cmd + " 2>/dev/null").c_str()) != 0) {
      std::fprintf(stderr, "hot_bench: redis-benchmark failed\n");
    }
  }
  kill(redis, SIGTERM);
  waitpid(redis, nullptr, 0);
  std::error_code ec;
  std::filesystem::remove_all(g_tmp, ec);
  return 0;
}
