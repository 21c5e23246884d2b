// Scale-out integration test: two `smartcar worker` processes in consumer group smartcar-group1
// share SmartCar-Topic (4 partitions, keyed by car) on librdkafka's mock cluster (3 brokers, in
// this test process), with one real redis-server as their shared hot store. Checks that the
// partitions (and so the cars) are split between the processes, that a worker killed with
// SIGKILL mid-run hands its partitions to the survivor without losing a record, that the group's
// committed offsets end at the end of the log, and that the overspeed sets in Redis equal the
// reference computation over the produced log.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "coord/coordinator.h"
#include "coord/membership.h"
#include "coord/rule_store.h"
#include "coord/zookeeper_process.h"
#include "core/event_time.h"
#include "core/line_codec.h"
#include "core/row_key.h"
#include "gen/driver_simulator.h"
#include "hot/detection.h"
#include "hot/hot_store.h"
#include "hot/redis_process.h"
#include "pipeline/smartcar_topology.h"
#include "pipeline_test_util.h"
#include "queue/kafka/mock_cluster.h"
#include "queue/log.h"
#include "table/table.h"
#include "test_util.h"
#include "wait_until.h"

namespace smartcar::pipeline {
namespace {

using Clock = std::chrono::steady_clock;
using ::smartcar::testing::ReadFile;
using ::smartcar::testing::RedisServer;
using ::smartcar::testing::TempDir;

constexpr int kPartitions = 4;
constexpr int kCars = 20;
constexpr int kSeconds = 300;

// One `smartcar worker` child process; its stdout and stderr go to a file.
class WorkerProcess {
 public:
  WorkerProcess() = default;
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;
  ~WorkerProcess() { Kill(); }

  void Start(const std::vector<std::string>& args, const std::string& log_file) {
    log_file_ = log_file;
    std::vector<std::string> all = {SMARTCAR_BINARY, "worker"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
      FILE* log = std::fopen(log_file.c_str(), "w");
      if (log != nullptr) {
        dup2(fileno(log), 1);
        dup2(fileno(log), 2);
      }
      execv(argv[0], argv.data());
      _exit(127);
    }
  }

  // The partitions of the last "assigned partitions [...]" line, if any yet.
  std::optional<std::set<int32_t>> Assignment() const {
    const std::string text = ReadFile(log_file_);
    const std::string marker = "assigned partitions [";
    const size_t at = text.rfind(marker);
    if (at == std::string::npos) return std::nullopt;
    const size_t end = text.find(']', at);
    if (end == std::string::npos) return std::nullopt;
    std::set<int32_t> out;
    std::stringstream ss(text.substr(at + marker.size(), end - at - marker.size()));
    std::string item;
    while (std::getline(ss, item, ',')) {
      if (item.find_first_not_of(' ') != std::string::npos) out.insert(std::stoi(item));
    }
    return out;
  }

  // Exit code once the process has ended (128 + signal when killed); nullopt while it runs.
  std::optional<int> Exited() {
    if (pid_ <= 0) return exit_code_;
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) != pid_) return std::nullopt;
    pid_ = -1;
    exit_code_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return exit_code_;
  }

  // Waits up to `limit` for the process to end by itself.
  std::optional<int> WaitExit(std::chrono::seconds limit) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      if (auto code = Exited()) return code;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::nullopt;
  }

  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int st = 0;
    waitpid(pid_, &st, 0);
    pid_ = -1;
    exit_code_ = 128 + SIGKILL;
  }

  std::string log() const { return ReadFile(log_file_); }
  pid_t pid() const { return pid_; }
  void Signal(int sig) {
    if (pid_ > 0) kill(pid_, sig);
  }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string log_file_;
};

// Polls `cond` every 50 ms until it holds or `limit` passes.
bool WaitFor(const std::function<bool()>& cond, std::chrono::seconds limit) {
  return ::smartcar::testing::WaitUntil(cond, limit, std::chrono::milliseconds(50));
}

class ScaleOutIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto mock = queue::kafka::KafkaMockCluster::Start(3);
    ASSERT_TRUE(mock.has_value()) << mock.error().ToString();
    mock_ = std::move(*mock);
    ASSERT_TRUE(mock_->CreateTopic(kDriverTopic, kPartitions, 1).ok());
    queue::QueueOptions qo;
    qo.engine = queue::Engine::kKafka;
    qo.brokers = mock_->bootstrap_servers();
    qo.connect_timeout_ms = 10000;
    qo.kafka_properties = {{"linger.ms", "5"}};
    auto log = queue::OpenLog(qo);
    ASSERT_TRUE(log.has_value()) << log.error().ToString();
    log_ = std::move(*log);
    redis_ = std::make_unique<RedisServer>(dir_.str());
    ASSERT_TRUE(redis_->Start()) << ReadFile(
        dir_.file("redis-" + std::to_string(redis_->port()) + ".log"));
    ASSERT_NO_FATAL_FAILURE(Generate());
  }

  // The driving log of kCars cars over kSeconds simulated seconds, with overspeeders.
  void Generate() {
    gen::DriverSimOptions so;
    auto day = ParseDate8("20220426");
    ASSERT_TRUE(day.has_value());
    so.start_day = *day;
    so.cars = kCars;
    so.seed = 11;
    so.overspeed_ratio = 0.25;
    gen::DriverSimulator sim(so);
    std::string text;
    for (int i = 0; i < kSeconds; ++i) sim.NextTick(&text);
    ::smartcar::testing::WriteFile(dir_.file("driving.log"), text);
    std::stringstream ss(text);
    std::string line;
    while (std::getline(ss, line)) {
      DriverEvent e;
      auto kind = ParseDriverLine(line, &e);
      ASSERT_TRUE(kind.has_value()) << line;
      if (*kind != LineKind::kRecord) continue;
      lines_.push_back(line);
      keys_.push_back(std::string(e.car_number.view()));
      auto& w = windows_[{std::string(e.car_number.view()), e.time.value / 30'000}];
      w.first += e.speed;
      w.second += 1;
      Expected& x = expected_[MakeRowKey(e.time, e.car_number)];
      x.car = std::string(e.car_number.view());
      x.speed = std::to_string(e.speed);
    }
    ASSERT_EQ(lines_.size(), static_cast<size_t>(kCars) * kSeconds);
    ASSERT_EQ(expected_.size(), lines_.size());
  }

  // Appends the log to SmartCar-Topic keyed by car number (the collector's keyField 2).
  void Produce() {
    auto producer = log_->NewProducer({});
    ASSERT_TRUE(producer.has_value()) << producer.error().ToString();
    std::vector<queue::Record> batch;
    auto flush = [&] {
      auto r = (*producer)->Append({kDriverTopic}, batch);
      ASSERT_TRUE(r.has_value()) << r.error().ToString();
      batch.clear();
    };
    for (size_t i = 0; i < lines_.size(); ++i) {
      queue::Record r;
      r.key = keys_[i];
      r.value = lines_[i];
      batch.push_back(std::move(r));
      if (batch.size() == 1000) flush();
    }
    if (!batch.empty()) flush();
  }

  std::vector<std::string> WorkerArgs(const std::string& data, int until_idle_s,
                                      int session_ms) const {
    return {"--data",           data,
            "--rules",          std::string(SMARTCAR_SOURCE_DIR) + "/rules",
            "--kafka",          mock_->bootstrap_servers(),
            "--redis",          redis_->address(),
            "--until-idle",     std::to_string(until_idle_s),
            "--kafka-property", "session.timeout.ms=" + std::to_string(session_ms),
            "--kafka-property", "heartbeat.interval.ms=250",
            "--kafka-property", "fetch.wait.max.ms=50"};
  }

  // Waits until both workers report non-empty assignments that split the topic between them.
  void WaitForSplit(WorkerProcess* a, WorkerProcess* b) {
    const bool split = WaitFor(
        [&] {
          auto pa = a->Assignment(), pb = b->Assignment();
          if (!pa || !pb || pa->empty() || pb->empty()) return false;
          std::set<int32_t> all = *pa;
          all.insert(pb->begin(), pb->end());
          return all.size() == static_cast<size_t>(kPartitions) &&
                 pa->size() + pb->size() == static_cast<size_t>(kPartitions);
        },
        std::chrono::seconds(90));
    ASSERT_TRUE(split) << "worker A:\n" << a->log() << "\nworker B:\n" << b->log();
  }

  // Row key → car of every DriverCarInfo row in `data`, checking each row's content.
  std::map<std::string, std::string> StoredRows(const std::string& data) {
    std::map<std::string, std::string> out;
    table::StoreOptions so;
    so.data_dir = data;
    auto store = table::TableStore::Open(so);
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    if (!store) return out;
    auto t = (*store)->OpenTable(kDriverTable);
    EXPECT_TRUE(t.has_value()) << t.error().ToString();
    if (!t) return out;
    auto it = (*t)->Scan(table::ScanSpec{});
    EXPECT_TRUE(it.has_value()) << it.error().ToString();
    if (!it) return out;
    for (; (*it)->Valid(); (*it)->Next()) {
      const table::Row& row = (*it)->row();
      auto x = expected_.find(row.key);
      EXPECT_NE(x, expected_.end()) << "unexpected row " << row.key;
      if (x == expected_.end()) continue;
      std::map<std::string, std::string> cells;
      for (const table::Cell& c : row.cells) cells[c.qualifier] = c.value;
      EXPECT_EQ(cells.size(), 8u) << row.key;
      EXPECT_EQ(cells["car_number"], x->second.car) << row.key;
      EXPECT_EQ(cells["speed"], x->second.speed) << row.key;
      out[row.key] = x->second.car;
    }
    EXPECT_TRUE((*it)->status().ok()) << (*it)->status().ToString();
    return out;
  }

  // Every produced line is a row in one of the data folders.
  void ExpectUnionComplete(const std::map<std::string, std::string>& a,
                           const std::map<std::string, std::string>& b) {
    size_t missing = 0;
    for (const auto& [key, x] : expected_) {
      if (a.count(key) == 0 && b.count(key) == 0) ++missing;
    }
    EXPECT_EQ(missing, 0u) << "of " << expected_.size() << " produced lines";
  }

  // The group has committed the end of every partition.
  void ExpectCommittedAtEnd() {
    auto g = log_->DescribeGroup(kDriverGroup);
    ASSERT_TRUE(g.has_value()) << g.error().ToString();
    ASSERT_EQ(g->partitions.size(), static_cast<size_t>(kPartitions));
    int64_t total = 0;
    for (const auto& p : g->partitions) {
      EXPECT_EQ(p.committed, p.latest) << queue::ToString(p.tp);
      EXPECT_EQ(p.lag, 0) << queue::ToString(p.tp);
      total += p.latest.value;
    }
    EXPECT_EQ(total, static_cast<int64_t>(lines_.size()));
  }

  // The overspeed sets in Redis equal the reference over the produced log.
  void ExpectDetectionsEqualReference(double threshold = 80) {
    const auto reference =
        ::smartcar::pipeline::testing::ReferenceOverspeed(dir_.file("driving.log"), threshold);
    ASSERT_FALSE(reference.empty());
    hot::HotOptions ho;
    auto ep = hot::ParseEndpoint(redis_->address());
    ASSERT_TRUE(ep.has_value());
    ho.redis = *ep;
    auto store = hot::OpenHotStore(ho);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    auto keys = (*store)->Keys("[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]");
    ASSERT_TRUE(keys.has_value()) << keys.error().ToString();
    std::map<std::string, std::set<std::string>> got;
    for (const auto& k : *keys) {
      auto members = (*store)->Members(k);
      ASSERT_TRUE(members.has_value()) << members.error().ToString();
      got[k] = std::set<std::string>(members->begin(), members->end());
    }
    EXPECT_EQ(got, reference);
    // Each car's latest detection describes one whole 30-second window of the log: a window
    // rebuilt from a replay holds every event exactly once (no duplicates, none missing).
    for (const auto& [date, cars] : reference) {
      for (const std::string& car : cars) {
        auto json = (*store)->Get(hot::DetectionKey(date, car));
        ASSERT_TRUE(json.has_value()) << json.error().ToString();
        ASSERT_TRUE(json->has_value()) << date << " " << car;
        auto d = hot::DetectionFromJson(**json);
        ASSERT_TRUE(d.has_value()) << d.error().ToString();
        auto w = windows_.find({car, d->window_start_ms / 30'000});
        ASSERT_NE(w, windows_.end()) << **json;
        EXPECT_EQ(d->event_count, w->second.second) << **json;
        EXPECT_NEAR(d->avg_speed, w->second.first / w->second.second, 1e-6) << **json;
        EXPECT_GT(d->avg_speed, threshold) << **json;
      }
    }
  }

  struct Expected {
    std::string car;
    std::string speed;
  };

  TempDir dir_;
  std::unique_ptr<queue::kafka::KafkaMockCluster> mock_;
  std::unique_ptr<queue::Log> log_;
  std::unique_ptr<RedisServer> redis_;
  std::vector<std::string> lines_;
  std::vector<std::string> keys_;             // Car number of each line.
  std::map<std::string, Expected> expected_;  // Row key → what the row must hold.
  // (car, 30-second window of the epoch) → (sum of speeds, events).
  std::map<std::pair<std::string, int64_t>, std::pair<double, int64_t>> windows_;
};

TEST_F(ScaleOutIntegrationTest, TwoWorkersSplitThePartitionsAndTheCars) {
  WorkerProcess a, b;
  a.Start(WorkerArgs(dir_.file("a"), 10, 10000), dir_.file("a.log"));
  b.Start(WorkerArgs(dir_.file("b"), 10, 10000), dir_.file("b.log"));
  ASSERT_NO_FATAL_FAILURE(WaitForSplit(&a, &b));
  ASSERT_NO_FATAL_FAILURE(Produce());
  const auto code_a = a.WaitExit(std::chrono::seconds(120));
  const auto code_b = b.WaitExit(std::chrono::seconds(120));
  ASSERT_EQ(code_a, std::optional<int>(0)) << a.log();
  ASSERT_EQ(code_b, std::optional<int>(0)) << b.log();

  const auto rows_a = StoredRows(dir_.file("a"));
  const auto rows_b = StoredRows(dir_.file("b"));
  EXPECT_FALSE(rows_a.empty());
  EXPECT_FALSE(rows_b.empty());
  ExpectUnionComplete(rows_a, rows_b);
  // A car's rows are all in the process that owns its partition.
  std::set<std::string> cars_a, cars_b;
  for (const auto& [key, car] : rows_a) cars_a.insert(car);
  for (const auto& [key, car] : rows_b) cars_b.insert(car);
  for (const std::string& car : cars_a) EXPECT_EQ(cars_b.count(car), 0u) << car << " is split";
  EXPECT_EQ(cars_a.size() + cars_b.size(), static_cast<size_t>(kCars));
  ExpectCommittedAtEnd();
  ExpectDetectionsEqualReference();
}

TEST_F(ScaleOutIntegrationTest, SurvivorTakesOverTheKilledWorkersPartitionsWithoutLoss) {
  WorkerProcess victim, survivor;
  // Short sessions so the group notices the dead worker quickly; the victim would idle long.
  victim.Start(WorkerArgs(dir_.file("victim"), 120, 3000), dir_.file("victim.log"));
  survivor.Start(WorkerArgs(dir_.file("survivor"), 15, 3000), dir_.file("survivor.log"));
  ASSERT_NO_FATAL_FAILURE(WaitForSplit(&victim, &survivor));
  const std::set<int32_t> victim_parts = *victim.Assignment();
  ASSERT_NO_FATAL_FAILURE(Produce());

  // Kill the victim once it has committed part of its partitions but not all of them: its CEP
  // bolt still holds the events of open windows, which the survivor must replay.
  bool mid_run = false;
  std::string progress;
  const bool committed_some = WaitFor(
      [&] {
        auto g = log_->DescribeGroup(kDriverGroup);
        if (!g) return false;
        bool some = false, unfinished = false;
        progress.clear();
        for (const auto& p : g->partitions) {
          if (victim_parts.count(p.tp.partition.value) == 0) continue;
          some = some || p.committed.value > 0;
          unfinished = unfinished || p.committed < p.latest;
          progress += " " + queue::ToString(p.tp) + " " + std::to_string(p.committed.value) + "/" +
                      std::to_string(p.latest.value);
        }
        mid_run = some && unfinished;
        return mid_run || victim.Exited().has_value();
      },
      std::chrono::seconds(90));
  ASSERT_TRUE(committed_some && mid_run) << victim.log();
  victim.Kill();
  std::printf("killed the victim at committed/latest:%s\n", progress.c_str());

  const auto code = survivor.WaitExit(std::chrono::seconds(120));
  ASSERT_EQ(code, std::optional<int>(0)) << survivor.log();
  std::printf("survivor:\n%s", survivor.log().c_str());
  // The survivor ended with every partition.
  EXPECT_EQ(survivor.Assignment(), std::optional<std::set<int32_t>>({0, 1, 2, 3}))
      << survivor.log();

  const auto rows_victim = StoredRows(dir_.file("victim"));
  const auto rows_survivor = StoredRows(dir_.file("survivor"));
  ExpectUnionComplete(rows_victim, rows_survivor);
  ExpectCommittedAtEnd();
  ExpectDetectionsEqualReference();
}

// Two workers attached to one real ZooKeeper server share their rules: both start on the
// stored rule (threshold 80), `rules deploy` of a higher one reaches both (each reports version 2
// in its member node) before the data arrives, and the detections equal the reference at that
// threshold, not at 80. Then
// two more workers (no data): they split the partitions (each member node lists its share), the
// leader is SIGKILLed, its member node goes with its session, the other one takes the leadership
// and, once the group rebalances, every partition.
TEST_F(ScaleOutIntegrationTest, WorkersShareRulesMembershipAndLeadershipThroughZooKeeper) {
  ::smartcar::testing::ZooKeeperServer zk(dir_.str());
  ASSERT_TRUE(zk.Start()) << ReadFile(dir_.file("zookeeper.log"));
  const std::string chroot = zk.address() + "/smartcar-it";
  coord::CoordOptions co;
  co.zookeeper = chroot;
  auto c = coord::OpenCoordinator(co);
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  coord::RuleStore store(c->get());
  const std::string rule = ReadFile(std::string(SMARTCAR_SOURCE_DIR) + "/rules/overspeed.epl");
  const size_t at = rule.find("HAVING avg(speed) > 80");
  ASSERT_NE(at, std::string::npos);
  // A second threshold that detects fewer cars than 80 in this log, but some.
  const auto log_path = dir_.file("driving.log");
  const auto at80 = ::smartcar::pipeline::testing::ReferenceOverspeed(log_path, 80);
  int threshold = 81;
  while (threshold < 400 &&
         ::smartcar::pipeline::testing::ReferenceOverspeed(log_path, threshold) == at80) {
    ++threshold;
  }
  ASSERT_LT(threshold, 400);
  ASSERT_FALSE(::smartcar::pipeline::testing::ReferenceOverspeed(log_path, threshold).empty());
  std::string rule2 = rule;
  rule2.replace(at, 22, "HAVING avg(speed) > " + std::to_string(threshold));
  ASSERT_TRUE(store.Deploy("overspeed", rule, "test", "").has_value());

  auto running = [&](const std::string& tag, size_t members) {
    auto m = coord::ListMembers(c->get());
    if (!m || m->size() != members) return false;
    for (const auto& x : *m) {
      auto it = x.rules.find("overspeed");
      if (it == x.rules.end() || it->second != tag) return false;
    }
    return true;
  };
  {
    WorkerProcess a, b;
    auto args = [&](const std::string& data) {
      auto v = WorkerArgs(data, 20, 10000);
      v.insert(v.end(), {"--zookeeper", chroot});
      return v;
    };
    a.Start(args(dir_.file("a")), dir_.file("a.log"));
    b.Start(args(dir_.file("b")), dir_.file("b.log"));
    ASSERT_NO_FATAL_FAILURE(WaitForSplit(&a, &b));
    ASSERT_TRUE(WaitFor([&] { return running("v1", 2); }, std::chrono::seconds(60)))
        << a.log() << b.log();
    // Each member publishes the partitions it consumes: the split the workers logged.
    ASSERT_TRUE(WaitFor(
        [&] {
          auto m = coord::ListMembers(c->get());
          if (!m || m->size() != 2) return false;
          std::set<int32_t> all;
          for (const auto& x : *m) {
            const std::set<int32_t> mine(x.partitions.begin(), x.partitions.end());
            const WorkerProcess& w = x.pid == a.pid() ? a : b;
            if (mine.empty() || w.Assignment() != std::optional<std::set<int32_t>>(mine)) {
              return false;
            }
            all.insert(mine.begin(), mine.end());
          }
          return all.size() == static_cast<size_t>(kPartitions);
        },
        std::chrono::seconds(60)));
    EXPECT_EQ(coord::CurrentLeader(c->get())->empty(), false);

    const auto deployed = Clock::now();
    ASSERT_TRUE(store.Deploy("overspeed", rule2, "test", "higher threshold").has_value());
    ASSERT_TRUE(WaitFor([&] { return running("v2", 2); }, std::chrono::seconds(60)))
        << a.log() << b.log();
    std::printf("both workers ran version 2 %lld ms after the deploy\n",
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - deployed)
                        .count()));
    ASSERT_NO_FATAL_FAILURE(Produce());
    ASSERT_EQ(a.WaitExit(std::chrono::seconds(120)), std::optional<int>(0)) << a.log();
    ASSERT_EQ(b.WaitExit(std::chrono::seconds(120)), std::optional<int>(0)) << b.log();
    ExpectCommittedAtEnd();
    ExpectDetectionsEqualReference(threshold);
    // A worker that ends leaves at once.
    EXPECT_TRUE(coord::ListMembers(c->get())->empty());
  }

  // Short ZooKeeper sessions for what follows (smartcar.yaml's coord.session_timeout).
  ::smartcar::testing::WriteFile(dir_.file("short-session.yaml"),
                                 "coord:\n  session_timeout: 2s\n");
  WorkerProcess c1, c2;
  auto idle_args = [&](const std::string& data) {
    // A Kafka session (10 s) well past the ZooKeeper pause below, short enough that the
    // survivor of the kill gets the victim's partitions soon.
    auto v = WorkerArgs(data, 300, 10000);
    v.insert(v.end(), {"--zookeeper", chroot, "--config", dir_.file("short-session.yaml")});
    return v;
  };
  c1.Start(idle_args(dir_.file("c1")), dir_.file("c1.log"));
  ASSERT_TRUE(WaitFor([&] { return running("v2", 1); }, std::chrono::seconds(60))) << c1.log();
  c2.Start(idle_args(dir_.file("c2")), dir_.file("c2.log"));
  ASSERT_TRUE(WaitFor([&] { return running("v2", 2); }, std::chrono::seconds(60))) << c2.log();
  auto members = coord::ListMembers(c->get());
  ASSERT_TRUE(members.has_value());
  auto leader = coord::CurrentLeader(c->get());
  ASSERT_TRUE(leader.has_value() && !leader->empty());
  pid_t leader_pid = 0;
  for (const auto& m : *members) {
    if (m.id == *leader) leader_pid = static_cast<pid_t>(m.pid);
  }
  ASSERT_TRUE(leader_pid == c1.pid() || leader_pid == c2.pid()) << *leader;
  WorkerProcess& victim = leader_pid == c1.pid() ? c1 : c2;
  WorkerProcess& other = leader_pid == c1.pid() ? c2 : c1;
  const pid_t other_pid = other.pid();

  // The other worker is paused past its session timeout: its session expires (its node goes),
  // and once it runs again it opens a new session by itself, joins again and still follows
  // deploys — no restart.
  other.Signal(SIGSTOP);
  ASSERT_TRUE(WaitFor(
      [&] {
        auto m = coord::ListMembers(c->get());
        return m && m->size() == 1 && (*m)[0].pid == leader_pid;
      },
      std::chrono::seconds(60)))
      << "the paused worker's session did not expire";
  other.Signal(SIGCONT);
  ASSERT_TRUE(WaitFor([&] { return running("v2", 2); }, std::chrono::seconds(60))) << other.log();
  EXPECT_FALSE(other.Exited().has_value()) << other.log();
  rule2 += "-- v3\n";
  ASSERT_TRUE(store.Deploy("overspeed", rule2, "test", "after the expiry").has_value());
  ASSERT_TRUE(WaitFor([&] { return running("v3", 2); }, std::chrono::seconds(60))) << other.log();

  // Both consume part of the topic, as their member nodes say.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto m = coord::ListMembers(c->get());
        if (!m || m->size() != 2) return false;
        size_t all = 0;
        for (const auto& x : *m) {
          if (x.partitions.empty()) return false;
          all += x.partitions.size();
        }
        return all == static_cast<size_t>(kPartitions);
      },
      std::chrono::seconds(60)))
      << c1.log() << c2.log();

  victim.Kill();
  // Within the session timeout: the victim's node goes and the other one leads; within the Kafka
  // session, its partitions move to the survivor, whose node then lists every partition.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto m = coord::ListMembers(c->get());
        auto l = coord::CurrentLeader(c->get());
        return m && m->size() == 1 && (*m)[0].pid == other_pid && l && *l == (*m)[0].id;
      },
      std::chrono::seconds(60)))
      << other.log();
  ASSERT_TRUE(WaitFor(
      [&] {
        auto m = coord::ListMembers(c->get());
        return m && m->size() == 1 && (*m)[0].partitions.size() == static_cast<size_t>(kPartitions);
      },
      std::chrono::seconds(60)))
      << other.log();
  other.Kill();
}

}  // namespace
}  // namespace smartcar::pipeline

namespace smartcar::pipeline {
namespace {

using ::smartcar::testing::RunSmartcar;

// `smartcar worker` without Kafka consumes the embedded log of its data folder and, with
// --until-idle, ends by itself once everything is stored and evaluated.
TEST(WorkerTest, ConsumesTheEmbeddedLogAndEndsWhenIdle) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(::smartcar::pipeline::testing::FillEmbeddedLog(dir, 8, 200, 5));
  const std::string data = dir.file("data");
  auto w = RunSmartcar("worker --data " + data + " --rules " + std::string(SMARTCAR_SOURCE_DIR) +
                       "/rules --until-idle 1");
  ASSERT_EQ(w.exit_code, 0) << w.out;
  EXPECT_NE(w.out.find("assigned partitions [0, 1, 2, 3]"), std::string::npos) << w.out;
  EXPECT_NE(w.out.find(", 1600 rows stored"), std::string::npos) << w.out;
  // One session for run and worker: the same status line, and the final stats of the run.
  EXPECT_NE(w.out.find("| stored 1600 ("), std::string::npos) << w.out;
  EXPECT_NE(w.out.find("| late 0"), std::string::npos) << w.out;
  auto stats = RunSmartcar("topology stats --format json --data " + data);
  ASSERT_EQ(stats.exit_code, 0) << stats.out;
  EXPECT_NE(stats.out.find("\"name\":\"stored\",\"value\":1600"), std::string::npos) << stats.out;
  auto o = RunSmartcar("overspeed 20220426 --data " + data);
  ASSERT_EQ(o.exit_code, 0) << o.out;
  const auto reference = ::smartcar::pipeline::testing::ReferenceOverspeed(dir.file("driving.log"));
  ASSERT_EQ(reference.count("20220426"), 1u);
  for (const auto& car : reference.at("20220426")) {
    EXPECT_NE(o.out.find(car), std::string::npos) << car << "\n" << o.out;
  }
  // A second worker in the same group finds everything committed: nothing more to store.
  auto again = RunSmartcar("worker --data " + data + " --rules " +
                           std::string(SMARTCAR_SOURCE_DIR) + "/rules --until-idle 1");
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find(", 0 rows stored"), std::string::npos) << again.out;
}

// `smartcar worker` on the embedded log killed with SIGKILL 20 times at random moments, then run
// until idle: every event stored once, and each day's set and each car's detection equal the
// reference computed from the log (seeds fixed, delays printed).
TEST(WorkerTest, KilledTwentyTimesTheResultIsExact) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(::smartcar::pipeline::testing::FillEmbeddedLog(dir, 30, 1200, 9));
  const std::string data = dir.file("data");
  const std::string worker = "worker --data " + data + " --rules " +
                             std::string(SMARTCAR_SOURCE_DIR) + "/rules --until-idle 1";
  std::mt19937 rng(20221203);
  std::string delays;
  int kills = 0;
  for (int i = 0; i < 20; ++i) {
    const int delay_ms = 100 + static_cast<int>(rng() % 900);
    bool killed = false;
    const int code = ::smartcar::pipeline::testing::RunAndMaybeKill(
        worker, std::chrono::milliseconds(delay_ms), &killed);
    if (!killed) {
      ASSERT_EQ(code, 0);
      break;
    }
    ++kills;
    delays += std::to_string(delay_ms) + " ";
  }
  auto w = RunSmartcar(worker);
  ASSERT_EQ(w.exit_code, 0) << w.out;
  std::printf("smartcar worker was killed %d times (after %sms) before the final run\n", kills,
              delays.c_str());
  EXPECT_GT(kills, 10);
  auto count = RunSmartcar("shell --data " + data + " -e \"count 'DriverCarInfo'\"");
  EXPECT_NE(count.out.find("=> 36000"), std::string::npos) << count.out;
  const auto reference = ::smartcar::pipeline::testing::ReferenceOverspeed(dir.file("driving.log"));
  const auto last = ::smartcar::pipeline::testing::ReferenceLastDetections(dir.file("driving.log"));
  ASSERT_FALSE(last.empty());
  size_t checked = 0;
  for (const auto& [date, cars] : reference) {
    auto o = RunSmartcar("overspeed " + date + " --details --data " + data);
    ASSERT_EQ(o.exit_code, 0) << o.out;
    std::set<std::string> got;
    std::stringstream lines(o.out);
    for (std::string l; std::getline(lines, l);) {
      if (l.empty() || l[0] != '{') continue;
      auto d = hot::DetectionFromJson(l);
      ASSERT_TRUE(d.has_value()) << l;
      got.insert(d->car);
      auto want = last.find({date, d->car});
      ASSERT_NE(want, last.end()) << l;
      EXPECT_EQ(d->window_start_ms / 30000, std::get<0>(want->second)) << l;
      EXPECT_EQ(d->event_count, std::get<2>(want->second)) << l;
      EXPECT_NEAR(d->avg_speed, std::get<1>(want->second) / std::get<2>(want->second), 1e-9) << l;
      ++checked;
    }
    EXPECT_EQ(got, cars) << date;
  }
  EXPECT_GT(checked, 0u);
}

TEST(WorkerTest, ClearErrors) {
  TempDir dir;
  auto r = RunSmartcar("worker --data " + dir.file("d") + " --rules " + dir.file("none"));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("rules folder"), std::string::npos) << r.out;
  r = RunSmartcar("worker --data " + dir.file("d") + " --until-idle -3");
  EXPECT_EQ(r.exit_code, 105) << r.out;  // CLI11's ValidationError.
  EXPECT_NE(r.out.find("--until-idle"), std::string::npos) << r.out;
  r = RunSmartcar("worker --data " + dir.file("d") + " --rules " +
                  std::string(SMARTCAR_SOURCE_DIR) + "/rules --kafka-property nonsense");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("expected name=value"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace smartcar::pipeline
