// The SmartCar driver topology with the embedded engines (RocksDB log, table and hot store, WAL
// on), measured without the simulator and the collector:
//
//   pipeline_bench throughput [--events N] [--cars C] [--runs R]
//       Pre-fills the durable log with N driving events (the simulator's lines, keyed by car, 4
//       partitions), then runs the topology until everything is stored, evaluated, acked and
//       committed. Prints events/s per run and the median.
//
//   pipeline_bench latency [--rate EPS] [--seconds S] [--cars C]
//       Appends one simulator tick (C lines, one per car) at a time to the durable log, paced to
//       EPS events/s for S wall seconds, while the topology runs. Detection latency = the moment
//       the hot store's Write() of a detection returned (the set member is visible) minus the
//       moment the Append() of the tick that closed its window returned. A 30-s window [W, W+30s)
//       of rules/overspeed.epl closes on the first event with time >= W + 30 s + 10 s (allowed
//       lateness), i.e. the tick W + 40 s. Prints p50/p90/p99/max.
//
// Common flags: --rules DIR (default: the repo's rules/), --table-par N, --table-batch ROWS (rows
// per table write), --cep-par N, --partitions N. Run from anywhere; data goes to a temporary folder
// that is removed.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "core/event_time.h"
#include "gen/driver_simulator.h"
#include "hot/detection.h"
#include "hot/hot_store.h"
#include "pipeline/smartcar_topology.h"
#include "queue/kafka/mock_cluster.h"
#include "queue/log.h"
#include "table/table.h"

namespace smartcar {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Flags {
  std::string mode;
  int64_t events = 300'000;
  int cars = 100;
  int runs = 3;
  double rate = 10'000;
  double seconds = 20;
  int table_par = 1;
  size_t table_batch = 0;  // 0: the topology's default.
  int cep_par = 2;
  int partitions = 4;
  std::string rules = SMARTCAR_RULES_DIR;
  std::string engine = "embedded";  // or "kafka-mock": librdkafka's mock cluster, 3 brokers.
};

[[noreturn]] void Die(const std::string& what, const Status& s) {
  std::fprintf(stderr, "pipeline_bench: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(1);
}

// A hot store that records when each detection's write became visible.
class TimedHotStore final : public hot::HotStoreWrapper {
 public:
  using HotStoreWrapper::HotStoreWrapper;

  struct Seen {
    int64_t window_start_ms;
    Clock::time_point visible;
  };

  Status Write(const hot::HotWriteBatch& batch) override {
    Status s = HotStoreWrapper::Write(batch);
    if (!s.ok()) return s;
    const auto now = Clock::now();
    std::lock_guard<std::mutex> lock(mu_);
    for (const hot::HotOp& op : batch.ops()) {
      if (op.kind != hot::HotOp::Kind::kPut) continue;
      auto d = hot::DetectionFromJson(op.value);
      if (d) seen_.push_back(Seen{d->window_start_ms, now});
    }
    return s;
  }

  std::vector<Seen> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  std::mutex mu_;
  std::vector<Seen> seen_;
};

struct Engines {
  std::unique_ptr<queue::Log> log;
  std::unique_ptr<table::TableStore> tables;
  std::unique_ptr<TimedHotStore> hot;
  std::unique_ptr<queue::Producer> producer;
};

// CPU time (user + system, every thread) of this process so far, in seconds.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

Engines OpenEngines(const std::string& dir, const Flags& f) {
  Engines e;
  queue::QueueOptions qo;
  qo.data_dir = dir + "/queue";
  qo.retention_check_interval_ms = 0;
  if (f.engine == "kafka-mock") {
    // One mock cluster for the process, in it (the Kafka engine's tests use the same).
    static std::unique_ptr<queue::kafka::KafkaMockCluster> cluster = [] {
      auto c = queue::kafka::KafkaMockCluster::Start(3);
      if (!c) Die("start the Kafka mock cluster", c.error());
      return std::move(*c);
    }();
    qo.engine = queue::Engine::kKafka;
    qo.brokers = cluster->bootstrap_servers();
  } else if (f.engine != "embedded") {
    Die("--engine", Status::InvalidArgument("'" + f.engine + "': embedded or kafka-mock"));
  }
  auto log = queue::OpenLog(qo);
  if (!log) Die("open log", log.error());
  e.log = std::move(*log);
  queue::CreateTopicOptions ct;
  ct.name = pipeline::kDriverTopic;
  ct.config.partitions = f.partitions;
  if (Status s = e.log->CreateTopic(ct); !s.ok()) Die("create topic", s);
  auto producer = e.log->NewProducer(queue::ProducerOptions{});
  if (!producer) Die("producer", producer.error());
  e.producer = std::move(*producer);
  table::StoreOptions so;
  so.data_dir = dir;
  auto tables = table::TableStore::Open(so);
  if (!tables) Die("open table store", tables.error());
  e.tables = std::move(*tables);
  hot::HotOptions ho;
  ho.data_dir = dir + "/hot";
  auto hot_store = hot::OpenHotStore(ho);
  if (!hot_store) Die("open hot store", hot_store.error());
  e.hot = std::make_unique<TimedHotStore>(std::move(*hot_store));
  return e;
}

// Appends one tick's lines ("\n"-separated), keyed by car number (the collector's keyField 2).
void AppendTick(queue::Producer* producer, const std::string& lines,
                std::vector<queue::Record>* scratch) {
  scratch->clear();
  size_t pos = 0;
  while (pos < lines.size()) {
    size_t nl = lines.find('\n', pos);
    if (nl == std::string::npos) nl = lines.size();
    queue::Record r;
    r.value = lines.substr(pos, nl - pos);
    const size_t c1 = r.value.find(',');
    const size_t c2 = r.value.find(',', c1 + 1);
    r.key = r.value.substr(c1 + 1, c2 - c1 - 1);
    scratch->push_back(std::move(r));
    pos = nl + 1;
  }
  auto appended = producer->Append(queue::AppendOptions{pipeline::kDriverTopic}, *scratch);
  if (!appended) Die("append", appended.error());
}

pipeline::PipelineOptions Options(const Engines& e, const Flags& f, const std::string& dir,
                                  pipeline::PipelineCounters* counters,
                                  const std::atomic<bool>* input_complete) {
  pipeline::PipelineOptions po;
  po.log = e.log.get();
  po.tables = e.tables.get();
  po.hot = e.hot.get();
  po.rules_dir = f.rules;
  po.dead_letter_path = dir + "/dead-letter/topology.log";
  po.table_parallelism = f.table_par;
  if (f.table_batch > 0) po.table_batch = f.table_batch;
  po.cep_parallelism = f.cep_par;
  po.counters = counters;
  po.input_complete = input_complete;
  return po;
}

gen::DriverSimOptions SimOptions(const Flags& f) {
  gen::DriverSimOptions sim;
  sim.start_day = *ParseDate8("20220426");
  sim.cars = f.cars;
  sim.seed = 1;
  return sim;
}

struct RunResult {
  double events_per_s;
  double cpu_us_per_event;
};

RunResult Throughput(const Flags& f, int run) {
  const std::string dir =
      (fs::temp_directory_path() /
       ("pipeline_bench_" + std::to_string(getpid()) + "_" + std::to_string(run)))
          .string();
  fs::remove_all(dir);
  RunResult result{};
  {
    Engines e = OpenEngines(dir, f);
    gen::DriverSimulator sim(SimOptions(f));
    std::vector<queue::Record> scratch;
    int64_t appended = 0;
    std::string lines;
    while (appended < f.events) {
      lines.clear();
      for (int i = 0; i < 10 && appended < f.events; ++i) {  // ~1000 records per Append.
        sim.NextTick(&lines);
        appended += f.cars;
      }
      AppendTick(e.producer.get(), lines, &scratch);
    }
    pipeline::PipelineCounters counters;
    std::atomic<bool> input_complete{true};
    auto topo = pipeline::BuildSmartCarTopology(Options(e, f, dir, &counters, &input_complete));
    if (!topo) Die("build topology", topo.error());
    const auto t0 = Clock::now();
    const double cpu0 = CpuSeconds();
    if (Status s = (*topo)->Run(std::chrono::minutes(10)); !s.ok()) Die("run", s);
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    const double stored = static_cast<double>(counters.stored.load());
    result.events_per_s = stored / secs;
    result.cpu_us_per_event = (CpuSeconds() - cpu0) * 1e6 / stored;
    std::printf(
        "run %d: %lld events stored, %llu detections (%llu late events) in %.3f s = %.0f events/s, "
        "%.2f CPU-us/event\n",
        run, static_cast<long long>(counters.stored.load()),
        static_cast<unsigned long long>(counters.detections.load()),
        static_cast<unsigned long long>(counters.late.load()), secs, result.events_per_s,
        result.cpu_us_per_event);
    if (counters.stored.load() < static_cast<uint64_t>(appended)) {
      std::fprintf(stderr, "pipeline_bench: stored %llu of %lld events\n",
                   static_cast<unsigned long long>(counters.stored.load()),
                   static_cast<long long>(appended));
      std::exit(1);
    }
  }
  fs::remove_all(dir);
  return result;
}

void Latency(const Flags& f) {
  const std::string dir =
      (fs::temp_directory_path() / ("pipeline_bench_lat_" + std::to_string(getpid()))).string();
  fs::remove_all(dir);
  {
    Engines e = OpenEngines(dir, f);
    pipeline::PipelineCounters counters;
    std::atomic<bool> input_complete{false};
    auto topo = pipeline::BuildSmartCarTopology(Options(e, f, dir, &counters, &input_complete));
    if (!topo) Die("build topology", topo.error());
    if (Status s = (*topo)->Submit(); !s.ok()) Die("submit", s);

    gen::DriverSimulator sim(SimOptions(f));
    std::map<int64_t, Clock::time_point> appended_at;  // Tick event time → Append() returned.
    std::vector<queue::Record> scratch;
    std::string lines;
    const auto tick_every = std::chrono::duration<double>(f.cars / f.rate);
    const auto start = Clock::now();
    int64_t ticks = 0;
    while (std::chrono::duration<double>(Clock::now() - start).count() < f.seconds) {
      const auto due = start + std::chrono::duration_cast<Clock::duration>(
                                   tick_every * static_cast<double>(ticks));
      std::this_thread::sleep_until(due);
      const int64_t t = sim.next_tick_time().value;
      lines.clear();
      sim.NextTick(&lines);
      AppendTick(e.producer.get(), lines, &scratch);
      appended_at[t] = Clock::now();
      ++ticks;
    }
    // Let the last closed windows arrive, then drain (windows closed by the final watermark have
    // no closing tick and are not counted).
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const auto seen = e.hot->seen();
    input_complete = true;
    if (Status s = (*topo)->Run(std::chrono::minutes(5)); !s.ok()) Die("run", s);

    std::vector<double> ms;
    for (const auto& d : seen) {
      const int64_t w = d.window_start_ms - d.window_start_ms % 30'000;
      auto it = appended_at.find(w + 40'000);
      if (it == appended_at.end()) continue;
      ms.push_back(std::chrono::duration<double, std::milli>(d.visible - it->second).count());
    }
    std::sort(ms.begin(), ms.end());
    auto q = [&](double p) {
      return ms.empty() ? 0.0 : ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))];
    };
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf(
        "%lld events appended at %.0f events/s target (%lld ticks of %d cars), %zu detections "
        "timed, %llu late events\n",
        static_cast<long long>(ticks) * f.cars, f.rate, static_cast<long long>(ticks), f.cars,
        ms.size(), static_cast<unsigned long long>(counters.late.load()));
    std::printf(
        "detection latency (append of closing event -> set member visible): p50 %.1f ms, "
        "p90 %.1f ms, p99 %.1f ms, max %.1f ms (wall %.1f s)\n",
        q(0.50), q(0.90), q(0.99), ms.empty() ? 0.0 : ms.back(), wall);
  }
  fs::remove_all(dir);
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: pipeline_bench throughput|latency [--events N] [--cars C] [--runs R] "
                 "[--rate EPS] [--seconds S] [--table-par N] [--table-batch ROWS] [--cep-par N] "
                 "[--partitions N] "
                 "[--rules DIR] [--engine embedded|kafka-mock]\n");
    std::exit(2);
  }
  f.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--events")
      f.events = std::atoll(v);
    else if (k == "--cars")
      f.cars = std::atoi(v);
    else if (k == "--runs")
      f.runs = std::atoi(v);
    else if (k == "--rate")
      f.rate = std::atof(v);
    else if (k == "--seconds")
      f.seconds = std::atof(v);
    else if (k == "--table-par")
      f.table_par = std::atoi(v);
    else if (k == "--table-batch")
      f.table_batch = static_cast<size_t>(std::max(1, std::atoi(v)));
    else if (k == "--cep-par")
      f.cep_par = std::atoi(v);
    else if (k == "--partitions")
      f.partitions = std::atoi(v);
    else if (k == "--rules")
      f.rules = v;
    else if (k == "--engine")
      f.engine = v;
    else {
      std::fprintf(stderr, "pipeline_bench: unknown flag %s\n", k.c_str());
      std::exit(2);
    }
  }
  return f;
}

}  // namespace
}  // namespace smartcar

int main(int argc, char** argv) {
  using namespace smartcar;
  const Flags f = ParseFlags(argc, argv);
  if (f.mode == "throughput") {
    std::vector<double> rates, cpu;
    for (int r = 1; r <= f.runs; ++r) {
      const RunResult x = Throughput(f, r);
      rates.push_back(x.events_per_s);
      cpu.push_back(x.cpu_us_per_event);
    }
    std::sort(rates.begin(), rates.end());
    std::sort(cpu.begin(), cpu.end());
    std::printf("median: %.0f events/s, %.2f CPU-us/event over %d runs\n", rates[rates.size() / 2],
                cpu[cpu.size() / 2], f.runs);
  } else if (f.mode == "latency") {
    Latency(f);
  } else {
    std::fprintf(stderr, "pipeline_bench: unknown mode '%s'\n", f.mode.c_str());
    return 2;
  }
  return 0;
}
