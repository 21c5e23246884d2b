// `smartcar run` end to end, as a user runs it: simulator → collector → log → topology → table +
// hot store. Checks every generated line is stored and the overspeed sets equal an independent
// computation; that a run killed with SIGKILL at random moments and restarted ends with exactly
// the same data; and that bad flags are clear errors.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "hot/detection.h"
#include "hot/hot_store.h"
#include "pipeline/smartcar_topology.h"
#include "pipeline_test_util.h"
#include "queue/kafka/mock_cluster.h"
#include "queue/log.h"
#include "server/http_client.h"
#include "server/stats_json.h"
#include "small_tmpfs.h"
#include "table/table.h"
#include "test_util.h"
#include "wait_until.h"

namespace smartcar::pipeline {
namespace {

namespace fs = std::filesystem;
using ::smartcar::pipeline::testing::RunAndKillOnceReady;
using ::smartcar::pipeline::testing::RunAndMaybeKill;
using ::smartcar::pipeline::testing::SpawnSmartcar;
using ::smartcar::testing::RunCommand;
using ::smartcar::testing::RunSmartcar;
using ::smartcar::testing::SmallTmpfs;
using ::smartcar::testing::TempDir;

std::string RulesDir() { return std::string(SMARTCAR_SOURCE_DIR) + "/rules"; }

// DriverCarInfo of a data folder (its store kept alive beside it), or nulls after a failure.
struct DriverTable {
  std::unique_ptr<table::TableStore> store;
  std::shared_ptr<table::Table> table;
};
DriverTable OpenDriverTable(const std::string& data) {
  DriverTable d;
  auto store = table::TableStore::Open({.data_dir = data});
  EXPECT_TRUE(store.has_value()) << store.error().ToString();
  if (!store) return d;
  auto t = (*store)->OpenTable(kDriverTable);
  EXPECT_TRUE(t.has_value());
  if (!t) return d;
  d.store = std::move(*store);
  d.table = std::move(*t);
  return d;
}

uint64_t TableRows(const std::string& data) {
  DriverTable t = OpenDriverTable(data);
  if (!t.table) return 0;
  auto n = t.table->Count(table::ScanSpec{});
  EXPECT_TRUE(n.has_value());
  return n ? *n : 0;
}

// DriverCarInfo as `smartcar sql --format csv` prints it: header, then one line per row in key
// order (row key, then the 8 cf1 qualifiers; all are set for every stored event).
std::string TableAsCsv(const std::string& data) {
  DriverTable t = OpenDriverTable(data);
  if (!t.table) return "";
  const std::vector<std::string> names = {"date",        "car_number",  "speed_pedal",
                                          "break_pedal", "steer_angle", "direct_light",
                                          "speed",       "area_number"};
  std::string out = "row_key";
  for (const auto& n : names) out += "," + n;
  out += "\n";
  auto it = t.table->Scan(table::ScanSpec{});
  EXPECT_TRUE(it.has_value());
  for (; it && (*it)->Valid(); (*it)->Next()) {
    std::map<std::string, std::string> cells;
    for (const auto& c : (*it)->row().cells) cells[c.qualifier] = c.value;
    out += (*it)->row().key;
    for (const auto& n : names) out += "," + cells[n];
    out += "\n";
  }
  return out;
}

std::map<std::string, std::set<std::string>> HotSets(const std::string& data) {
  hot::HotOptions ho;
  ho.data_dir = data + "/hot";
  ho.read_only = true;
  auto store = hot::OpenHotStore(ho);
  EXPECT_TRUE(store.has_value()) << store.error().ToString();
  std::map<std::string, std::set<std::string>> out;
  if (!store) return out;
  auto keys = (*store)->Keys("[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]");
  EXPECT_TRUE(keys.has_value());
  for (const auto& k : *keys) {
    auto members = (*store)->Members(k);
    EXPECT_TRUE(members.has_value());
    out[k] = std::set<std::string>(members->begin(), members->end());
  }
  return out;
}

// Every car in every day's set has a detail (the car's last detection of the day) that is a whole
// window: the reference's last window over the threshold, with its event count and average.
void ExpectDetailsEqualTheReference(const std::string& data, const std::string& log) {
  hot::HotOptions ho;
  ho.data_dir = data + "/hot";
  ho.read_only = true;
  auto store = hot::OpenHotStore(ho);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  const auto expected = ::smartcar::pipeline::testing::ReferenceLastDetections(log);
  size_t checked = 0;
  for (const auto& [key, want] : expected) {
    auto v = (*store)->Get(hot::DetectionKey(key.first, key.second));
    ASSERT_TRUE(v.has_value()) << v.error().ToString();
    ASSERT_TRUE(v->has_value()) << "no detail for " << key.first << " " << key.second;
    auto d = hot::DetectionFromJson(**v);
    ASSERT_TRUE(d.has_value()) << **v;
    EXPECT_EQ(d->window_start_ms / 30000, std::get<0>(want)) << **v;
    EXPECT_EQ(d->event_count, std::get<2>(want)) << **v;
    EXPECT_NEAR(d->avg_speed, std::get<1>(want) / std::get<2>(want), 1e-9) << **v;
    ++checked;
  }
  EXPECT_GT(checked, 0u);
}

// The detections count of the run's last status line ("... | detections N | ...").
uint64_t FinalDetections(const std::string& out) {
  const size_t at = out.rfind("detections ");
  if (at == std::string::npos) return UINT64_MAX;
  return std::stoull(out.substr(at + 11));
}

std::string RunArgs(const TempDir& dir, int cars, int seconds, int seed) {
  return "run --metrics-port 0 --data " + dir.file("data") + " --rules " + RulesDir() +
         " --date 20220426 --cars " + std::to_string(cars) + " --seconds " +
         std::to_string(seconds) + " --fast --seed " + std::to_string(seed);
}

TEST(RunTest, EveryLineStoredAndDetectionsEqualTheReference) {
  TempDir dir;
  auto r = RunSmartcar(RunArgs(dir, 30, 600, 7));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string log = dir.file("data/logs/SmartCarDriverInfo.log");
  EXPECT_EQ(::smartcar::pipeline::testing::CountDataLines(log), 30u * 600);
  EXPECT_EQ(TableRows(dir.file("data")), 30u * 600);
  const auto reference = ::smartcar::pipeline::testing::ReferenceOverspeed(log);
  ASSERT_FALSE(reference.empty());
  EXPECT_EQ(HotSets(dir.file("data")), reference);
  // Every window is evaluated in full: as many detections as the reference has windows over the
  // threshold (none lost to a partition read ahead of another, none doubled).
  EXPECT_EQ(FinalDetections(r.out), ::smartcar::pipeline::testing::ReferenceOverspeedWindows(log))
      << r.out.substr(r.out.size() > 400 ? r.out.size() - 400 : 0);
  ExpectDetailsEqualTheReference(dir.file("data"), log);
  EXPECT_NE(r.out.find("| late 0 |"), std::string::npos) << r.out.substr(0, 400);
  // The final stats: the group committed every partition to its end (lag 0), the partitions
  // hold every line once, and the rules processed every partition up to the log's last window
  // (the simulator's cars drive in step, so each partition's newest event is in it).
  auto final_stats =
      server::SnapshotFromJson(::smartcar::testing::ReadFile(dir.file("data/topology-stats.json")));
  ASSERT_TRUE(final_stats.has_value()) << final_stats.error().ToString();
  EXPECT_EQ(final_stats->consumer_group, ::smartcar::pipeline::kDriverGroup);
  ASSERT_FALSE(final_stats->partitions.empty());
  int64_t records = 0;
  for (const server::PartitionProgress& p : final_stats->partitions) {
    EXPECT_EQ(p.committed, p.latest) << p.partition;
    EXPECT_EQ(p.lag, 0) << p.partition;
    EXPECT_GT(p.event_time_ms, 0) << p.partition;
    records += p.latest;
  }
  EXPECT_EQ(records, 30 * 600);
  int64_t last_window = 0;
  for (const auto& [key, w] : ::smartcar::pipeline::testing::ReferenceWindows(log)) {
    last_window = std::max(last_window, key.second);
  }
  EXPECT_EQ(final_stats->event_time.newest_ms / 30000, last_window);
  EXPECT_EQ(final_stats->event_time.watermark_ms / 30000, last_window);
  EXPECT_LE(final_stats->event_time.watermark_ms, final_stats->event_time.newest_ms);
  // The API token was printed for the endpoint's life only: its file is gone with the run.
  EXPECT_NE(r.out.find("console API token"), std::string::npos) << r.out.substr(0, 600);
  EXPECT_FALSE(std::filesystem::exists(dir.file("data/console-token")));
  // What the pilot's OverSpeedCarInfo printed, through the CLI.
  auto o = RunSmartcar("overspeed 20220426 --data " + dir.file("data"));
  ASSERT_EQ(o.exit_code, 0) << o.out;
  for (const auto& car : reference.at("20220426"))
    EXPECT_NE(o.out.find(car), std::string::npos) << car;
  // The seed's shell command works on the result.
  auto s =
      RunSmartcar("shell --data " + dir.file("data") + " -e \"scan 'DriverCarInfo', {LIMIT=>2}\"");
  ASSERT_EQ(s.exit_code, 0) << s.out;
  EXPECT_NE(s.out.find("2 row(s)"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("column=cf1:speed"), std::string::npos) << s.out;
  // The pilot's SmartCar_Drive_Info: DriverCarInfo through `smartcar sql` holds exactly the rows
  // of the table store.
  auto q = RunSmartcar("sql --data " + dir.file("data") +
                       " --format csv -e 'SELECT * FROM DriverCarInfo ORDER BY row_key'");
  ASSERT_EQ(q.exit_code, 0) << q.out.substr(0, 2000);
  const std::string want = TableAsCsv(dir.file("data"));
  EXPECT_EQ(std::count(want.begin(), want.end(), '\n'), 1 + 30 * 600);
  EXPECT_TRUE(q.out == want) << "sql printed " << q.out.size() << " bytes, the table holds "
                             << want.size();
}

// `--ui off`: the endpoint serves metrics (and replays) only, no console; a bad value is a usage
// error naming the flag.
TEST(RunTest, UiOffServesNoConsole) {
  TempDir dir;
  auto r = RunSmartcar("run --ui off --metrics-port 0 --data " + dir.file("data") + " --rules " +
                       RulesDir() + " --date 20220426 --cars 5 --seconds 60 --fast --seed 1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("/metrics (also /stats.json; `smartcar topology stats`; --ui off)"),
            std::string::npos)
      << r.out.substr(0, 800);
  EXPECT_EQ(r.out.find("console:"), std::string::npos) << r.out.substr(0, 800);
  auto bad = RunSmartcar("run --ui maybe --data " + dir.file("data"));
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("--ui"), std::string::npos) << bad.out;
}

// Ctrl-C on a real-time run: it stops cleanly (exit 0, without waiting for windows that are
// still open), and the next run continues the same data to exactly the reference.
TEST(RunTest, CtrlCStopsARealTimeRunCleanlyAndTheNextRunLosesNothing) {
  TempDir dir;
  const std::string common = "run --metrics-port off --data " + dir.file("data") + " --rules " +
                             RulesDir() + " --date 20220426 --cars 20 --seed 5";
  const pid_t pid = SpawnSmartcar(common);
  const std::string log = dir.file("data/logs/SmartCarDriverInfo.log");
  // Real time: 20 lines a second. Wait for a few seconds of data (and give up after 60 s).
  ::smartcar::testing::WaitUntil(
      [&] { return ::smartcar::pipeline::testing::CountDataLines(log) >= 60; },
      std::chrono::seconds(60), std::chrono::milliseconds(100));
  ASSERT_GE(::smartcar::pipeline::testing::CountDataLines(log), 60u);
  kill(pid, SIGINT);
  int st = 0;
  if (!::smartcar::testing::WaitUntil([&] { return waitpid(pid, &st, WNOHANG) == pid; },
                                      std::chrono::seconds(120))) {
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    FAIL() << "smartcar run did not stop after SIGINT";
  }
  ASSERT_TRUE(WIFEXITED(st)) << "ended by signal " << WTERMSIG(st);
  EXPECT_EQ(WEXITSTATUS(st), 0);
  const uint64_t first_lines = ::smartcar::pipeline::testing::CountDataLines(log);
  EXPECT_EQ(TableRows(dir.file("data")), first_lines) << "every generated line was stored";
  // Continue the same run flat out to 300 simulated seconds.
  auto r = RunSmartcar(common + " --seconds 300 --fast");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // No endpoint (--metrics-port off): no API token made, printed or written.
  EXPECT_EQ(r.out.find("console API token"), std::string::npos) << r.out.substr(0, 600);
  EXPECT_FALSE(std::filesystem::exists(dir.file("data/console-token")));
  EXPECT_EQ(::smartcar::pipeline::testing::CountDataLines(log), 20u * 300);
  EXPECT_EQ(TableRows(dir.file("data")), 20u * 300);
  EXPECT_EQ(HotSets(dir.file("data")), ::smartcar::pipeline::testing::ReferenceOverspeed(log));
}

// A nearly full disk is a pause, never an abort or a loss (#15): below --disk-min-free the
// simulator, collector and spout stop taking input; the status line, /healthz (503) and the
// disk_pauses counter say so; once space is freed the run resumes and ends with exactly the data
// of an uninterrupted run. Needs root to mount a small tmpfs (skipped, saying so, otherwise).
TEST(RunTest, NearlyFullDiskPausesIntakeAndResumesWithoutLoss) {
  SmallTmpfs disk("400m");
  if (!disk.mounted()) GTEST_SKIP() << disk.why();
  TempDir dir;
  const std::string mnt = disk.path();
  // Leave 150 MB free; the run pauses below 100 MB. Its data grows to ~165 MB (logs 42, durable
  // log 79, table 43) and passes 50 MB in its first fifth, so the session's disk check (every
  // 250 ms) sees the line crossed however fast the machine: with half the events the whole run
  // took 0.7 s on a fast minute and ended before a check fell after the crossing.
  ASSERT_TRUE(disk.Fill(250LL << 20));
  const std::string data = mnt + "/data";
  const std::string out = dir.file("out.txt");
  const pid_t pid =
      SpawnSmartcar("run --metrics-port 0 --disk-min-free 100MB --data " + data + " --rules " +
                        RulesDir() + " --date 20220426 --cars 100 --seconds 12000 --fast --seed 3",
                    out);
  // Declared after the disk: the run is gone before the disk goes.
  ::smartcar::testing::KillOnExit guard(pid);
  int st = 0;
  bool exited = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (::smartcar::testing::ReadFile(out).find("intake paused") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &st, WNOHANG) == pid) {
      exited = true;
      guard.Release();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(exited) << "ended before pausing:\n" << ::smartcar::testing::ReadFile(out);
  const std::string paused = ::smartcar::testing::ReadFile(out);
  ASSERT_NE(paused.find("DEGRADED: disk " + data), std::string::npos) << paused;
  EXPECT_NE(paused.find("the minimum of 100.0 MB (disk.min_free): intake paused until 150.0 MB"),
            std::string::npos)
      << paused;
  auto endpoint =
      server::EndpointInfoFromJson(::smartcar::testing::ReadFile(data + "/metrics.json"));
  ASSERT_TRUE(endpoint.has_value());
  auto health = server::HttpGet(endpoint->url + "/healthz");
  ASSERT_TRUE(health.has_value()) << health.error().ToString();
  EXPECT_EQ(health->status, 503);
  EXPECT_NE(health->body.find("disk"), std::string::npos) << health->body;

  disk.Unfill();  // Space returns: the run resumes by itself.
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(600);
  while (waitpid(pid, &st, WNOHANG) != pid) {
    if (std::chrono::steady_clock::now() > end) {
      FAIL() << "did not resume:\n" << ::smartcar::testing::ReadFile(out);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  guard.Release();
  ASSERT_TRUE(WIFEXITED(st)) << "ended by signal " << WTERMSIG(st);
  ASSERT_EQ(WEXITSTATUS(st), 0) << ::smartcar::testing::ReadFile(out);
  const std::string log = data + "/logs/SmartCarDriverInfo.log";
  EXPECT_EQ(::smartcar::pipeline::testing::CountDataLines(log), 100u * 12000);
  EXPECT_EQ(TableRows(data), 100u * 12000);
  EXPECT_EQ(HotSets(data), ::smartcar::pipeline::testing::ReferenceOverspeed(log));
  ExpectDetailsEqualTheReference(data, log);
  const std::string stats = ::smartcar::testing::ReadFile(data + "/topology-stats.json");
  EXPECT_NE(stats.find("\"name\":\"disk_pauses\",\"value\":1"), std::string::npos) << stats;
  // RocksDB's info log writes nothing into the data folder (storage/rocks_logger.h).
  for (const auto& f : std::filesystem::recursive_directory_iterator(data)) {
    EXPECT_NE(f.path().filename().string().rfind("LOG", 0), 0u) << f.path();
  }
}

// The committed offsets of the run's consumer group in DATA's embedded log, per partition (the
// process that held the folder is gone).
std::map<int32_t, int64_t> CommittedOffsets(const std::string& data) {
  queue::QueueOptions o;
  o.data_dir = data + "/queue";
  o.retention_check_interval_ms = 0;
  auto log = queue::OpenLog(o);
  EXPECT_TRUE(log.has_value()) << log.error().ToString();
  std::map<int32_t, int64_t> out;
  if (!log) return out;
  auto group = (*log)->DescribeGroup(::smartcar::pipeline::kDriverGroup);
  if (!group) return out;
  for (const auto& p : group->partitions) out[p.tp.partition.value] = p.committed.value;
  return out;
}

// SIGKILL in the middle of a run (once /stats.json counts half the events stored; the spout
// commits every 200 ms, so offsets past the start are committed by then): the next run reads the
// log again from exactly the offsets the completed marks had committed — as many records as lie
// after them, no more, no fewer — and ends with exactly the data of an uninterrupted run.
TEST(RunTest, AfterSigkillTheRestartReadsFromTheLastCommitAndIsExact) {
  TempDir dir;
  const std::string data = dir.file("data");
  const std::string args = RunArgs(dir, 100, 6000, 13);
  const auto half_stored = [&] {
    auto info = server::EndpointInfoFromJson(::smartcar::testing::ReadFile(data + "/metrics.json"));
    if (!info) return false;
    auto stats = server::HttpGet(info->url + "/stats.json");
    if (!stats || stats->status != 200) return false;
    auto snap = server::SnapshotFromJson(stats->body);
    if (!snap) return false;
    for (const auto& c : snap->pipeline) {
      if (c.name == "stored") return c.value >= 100u * 6000 / 2;
    }
    return false;
  };
  bool killed = false;
  const int code = ::smartcar::pipeline::testing::RunAndKillOnceReady(
      args, half_stored, std::chrono::milliseconds(0), &killed);
  ASSERT_TRUE(killed) << "the run ended (exit code " << code << ") before it was killed";
  const std::map<int32_t, int64_t> at_kill = CommittedOffsets(data);
  int64_t committed = 0;
  for (const auto& [p, offset] : at_kill) committed += std::max<int64_t>(0, offset);
  ASSERT_GT(committed, 0);

  auto r = RunSmartcar(args);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto last =
      server::SnapshotFromJson(::smartcar::testing::ReadFile(data + "/topology-stats.json"));
  ASSERT_TRUE(last.has_value()) << last.error().ToString();
  int64_t records = 0;
  for (const auto& p : last->partitions) {
    EXPECT_EQ(p.committed, p.latest) << p.partition;
    records += p.latest;
  }
  uint64_t consumed = UINT64_MAX, restarts = UINT64_MAX;
  for (const auto& c : last->pipeline) {
    if (c.name == "consumed") consumed = c.value;
    if (c.name == "restarts") restarts = c.value;
  }
  EXPECT_EQ(restarts, 0u);
  std::printf("killed with %lld of %lld records committed; the restart read %llu\n",
              static_cast<long long>(committed), static_cast<long long>(records),
              static_cast<unsigned long long>(consumed));
  EXPECT_EQ(consumed, static_cast<uint64_t>(records - committed))
      << "the restart read from the committed offsets: " << committed << " of " << records;
  const std::string log = dir.file("data/logs/SmartCarDriverInfo.log");
  EXPECT_EQ(::smartcar::pipeline::testing::CountDataLines(log), 100u * 6000);
  EXPECT_EQ(TableRows(data), 100u * 6000);
  EXPECT_EQ(HotSets(data), ::smartcar::pipeline::testing::ReferenceOverspeed(log));
  ExpectDetailsEqualTheReference(data, log);
}

TEST(RunTest, KilledAtRandomMomentsAndRestartedLosesNothing) {
  TempDir dir;
  const std::string args = RunArgs(dir, 50, 1200, 11);
  std::mt19937 rng(20221123);
  int kills = 0;
  for (int i = 0; i < 6; ++i) {
    bool killed = false;
    const int code =
        RunAndMaybeKill(args, std::chrono::milliseconds(i == 0 ? 60 : 60 + rng() % 500), &killed);
    if (!killed) {
      ASSERT_EQ(code, 0);
      break;
    }
    ++kills;
  }
  // Drain: run to completion.
  auto r = RunSmartcar(args);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_GT(kills, 0);
  std::printf("smartcar run was killed %d times before the final run\n", kills);
  const std::string log = dir.file("data/logs/SmartCarDriverInfo.log");
  EXPECT_EQ(::smartcar::pipeline::testing::CountDataLines(log), 50u * 1200);
  EXPECT_EQ(TableRows(dir.file("data")), 50u * 1200);
  EXPECT_EQ(HotSets(dir.file("data")), ::smartcar::pipeline::testing::ReferenceOverspeed(log));
  ExpectDetailsEqualTheReference(dir.file("data"), log);
}

// RunArgs on `mock` with short group sessions (a killed run's consumer leaves within 3 s).
std::string KafkaRunArgs(const TempDir& dir, const queue::kafka::KafkaMockCluster& mock, int cars,
                         int seconds, int seed) {
  ::smartcar::testing::WriteFile(
      dir.file("kafka.yaml"),
      "queue:\n  kafka:\n    properties:\n      session.timeout.ms: 3000\n"
      "      heartbeat.interval.ms: 250\n      fetch.wait.max.ms: 50\n");
  return RunArgs(dir, cars, seconds, seed) + " --kafka " + mock.bootstrap_servers() + " --config " +
         dir.file("kafka.yaml");
}

// The same crash loop on Kafka (librdkafka's mock cluster), 20 rounds: the collector resumes
// after its last committed transaction; a batch killed mid-transaction is aborted on a real
// cluster but stays readable on the mock (no markers), so the topic may hold it twice there —
// the table's rows are idempotent and the rule lanes count a car's event once, so every detail
// equals the reference as on the embedded log. Seeds fixed; the kill delays are printed.
TEST(RunTest, KilledTwentyTimesOnKafkaTheResultIsExact) {
  auto mock = queue::kafka::KafkaMockCluster::Start(3);
  ASSERT_TRUE(mock.has_value()) << mock.error().ToString();
  ASSERT_TRUE((*mock)->CreateTopic(kDriverTopic, 4, 1).ok());
  TempDir dir;
  const std::string args = KafkaRunArgs(dir, **mock, 50, 1200, 11);
  std::mt19937 rng(20221203);
  int kills = 0;
  std::string delays;
  for (int i = 0; i < 20; ++i) {
    bool killed = false;
    const int delay_ms = 150 + static_cast<int>(rng() % 1200);
    const int code = RunAndMaybeKill(args, std::chrono::milliseconds(delay_ms), &killed);
    if (!killed) {
      ASSERT_EQ(code, 0);
      break;
    }
    ++kills;
    delays += std::to_string(delay_ms) + " ";
  }
  auto r = RunSmartcar(args);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::printf("smartcar run --kafka was killed %d times (after %sms) before the final run\n", kills,
              delays.c_str());
  EXPECT_GT(kills, 10);
  const std::string log = dir.file("data/logs/SmartCarDriverInfo.log");
  EXPECT_EQ(::smartcar::pipeline::testing::CountDataLines(log), 50u * 1200);
  EXPECT_EQ(TableRows(dir.file("data")), 50u * 1200);
  EXPECT_EQ(HotSets(dir.file("data")), ::smartcar::pipeline::testing::ReferenceOverspeed(log));
  ExpectDetailsEqualTheReference(dir.file("data"), log);
}

// Every record in the topic: "value" strings of every partition, read from the start until at
// least `expected` records came and every partition is read to its described end (a topic that
// holds fewer fails after the deadline; more are all returned).
std::vector<std::string> TopicValues(const std::string& brokers, const std::string& topic,
                                     size_t expected) {
  queue::QueueOptions o;
  o.engine = queue::Engine::kKafka;
  o.brokers = brokers;
  auto log = queue::OpenLog(o);
  EXPECT_TRUE(log.has_value()) << log.error().ToString();
  if (!log) return {};
  auto desc = (*log)->DescribeTopic(topic);
  EXPECT_TRUE(desc.has_value());
  if (!desc) return {};
  auto c = (*log)->NewConsumer({});
  EXPECT_TRUE(c.has_value());
  if (!c) return {};
  queue::AssignOptions assign;
  for (const auto& p : desc->partitions) assign.partitions.push_back({topic, p.partition});
  EXPECT_TRUE((*c)->Assign(assign).ok());
  for (const auto& tp : assign.partitions) {
    EXPECT_TRUE((*c)->Seek({tp, queue::SeekTarget::kEarliest}).ok());
  }
  // Reads to each partition's end as described (not "until a few polls come back empty":
  // under load a fetch can take longer than a poll's wait), with a generous deadline. The
  // position can reach the end before the last records are returned (CI under ASan read 2,800 of
  // 3,000 after the end-of-partition position was taken; the run's own consumer stored all
  // 3,000), so the count is a condition too.
  std::vector<std::string> values;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  auto at_end = [&] {
    for (const auto& p : desc->partitions) {
      auto pos = (*c)->Position({topic, p.partition});
      if (!pos || *pos < p.latest) return false;
    }
    return true;
  };
  while ((values.size() < expected || !at_end()) && std::chrono::steady_clock::now() < deadline) {
    auto got = (*c)->Poll({5000, 500});
    EXPECT_TRUE(got.has_value());
    if (!got) break;
    for (auto& r : *got) values.push_back(std::move(r.value));
  }
  EXPECT_TRUE(at_end()) << "the topic was not read to its end in 90 s";
  EXPECT_GE(values.size(), expected) << "the topic holds fewer records than expected";
  return values;
}

// Exactly-once into Kafka: the collector's batches are Kafka transactions that carry the file
// position. Killed right after each batch is stored and before the position is recorded
// locally (the crash point), the restarted collector resumes from the position in the
// transaction: every line is in the topic once (at-least-once would resend each batch).
TEST(RunTest, OnKafkaACollectorKilledAfterEachBatchSendsEveryLineOnce) {
  auto mock = queue::kafka::KafkaMockCluster::Start(3);
  ASSERT_TRUE(mock.has_value()) << mock.error().ToString();
  ASSERT_TRUE((*mock)->CreateTopic(kDriverTopic, 4, 1).ok());
  TempDir dir;
  const std::string args = KafkaRunArgs(dir, **mock, 10, 300, 13);
  int crashes = 0;
  for (int i = 0; i < 40; ++i) {
    auto r = RunCommand("SMARTCAR_TEST_CRASH_AT=collect-after-deliver " +
                        std::string(SMARTCAR_BINARY) + " " + args);
    if (r.exit_code == 0) break;
    ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.out;
    ++crashes;
  }
  auto r = RunSmartcar(args);  // Nothing left to send: ends normally.
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::printf("the collector was killed after %d batches\n", crashes);
  EXPECT_GE(crashes, 3);
  const std::string log = dir.file("data/logs/SmartCarDriverInfo.log");
  ASSERT_EQ(::smartcar::pipeline::testing::CountDataLines(log), 10u * 300);
  std::vector<std::string> values =
      TopicValues((*mock)->bootstrap_servers(), kDriverTopic, 10u * 300);
  EXPECT_EQ(values.size(), 10u * 300);
  std::sort(values.begin(), values.end());
  EXPECT_EQ(std::adjacent_find(values.begin(), values.end()), values.end())
      << "a line is in the topic twice";
  EXPECT_EQ(TableRows(dir.file("data")), 10u * 300);
  ExpectDetailsEqualTheReference(dir.file("data"), log);
}

TEST(RunTest, ClearErrors) {
  TempDir dir;
  auto r = RunSmartcar("run --metrics-port off --fast --data " + dir.file("d") + " --rules " +
                       RulesDir());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--fast needs --seconds"), std::string::npos) << r.out;
  r = RunSmartcar("run --metrics-port off --seconds 5 --fast --date 20221399 --data " +
                  dir.file("d") + " --rules " + RulesDir());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--date"), std::string::npos) << r.out;
  r = RunSmartcar("run --metrics-port off --seconds 5 --fast --rules " + dir.file("none") +
                  " --data " + dir.file("d"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("rules folder"), std::string::npos) << r.out;
  // A bad rule file is reported with its position, and nothing runs.
  fs::create_directories(dir.file("badrules"));
  ::smartcar::testing::WriteFile(dir.file("badrules/x.epl"), "SELECT sped FROM DriverCarInfo");
  r = RunSmartcar("run --metrics-port off --seconds 5 --fast --rules " + dir.file("badrules") +
                  " --data " + dir.file("d2"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("unknown field 'sped'"), std::string::npos) << r.out;
  // The same data folder with other settings is refused rather than mixed.
  ASSERT_EQ(RunSmartcar(RunArgs(dir, 3, 10, 1)).exit_code, 0);
  r = RunSmartcar(RunArgs(dir, 4, 10, 1));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("holds a run with other settings"), std::string::npos) << r.out;
  // Bad values name where they came from: the flag, or the YAML file and line.
  r = RunSmartcar("run --metrics-port -5 --seconds 5 --fast --data " + dir.file("d3") +
                  " --rules " + RulesDir());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--metrics-port: '-5' is not a port"), std::string::npos) << r.out;
  ::smartcar::testing::WriteFile(dir.file("s.yaml"),
                                 "metrics:\n  port: 99999\ntopology:\n  cep_parallelism: 2\n");
  r = RunSmartcar("run --config " + dir.file("s.yaml") + " --seconds 5 --fast --data " +
                  dir.file("d3") + " --rules " + RulesDir());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find(dir.file("s.yaml") + ":2: metrics.port: '99999' is not a port"),
            std::string::npos)
      << r.out;
  ::smartcar::testing::WriteFile(dir.file("s2.yaml"), "topology:\n  cep_parallelism: -3\n");
  r = RunSmartcar("run --config " + dir.file("s2.yaml") + " --seconds 5 --fast --data " +
                  dir.file("d3") + " --rules " + RulesDir() + " --metrics-port off");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find(dir.file("s2.yaml") + ":2: topology.cep_parallelism: '-3' is out of range"),
            std::string::npos)
      << r.out;
  // A Redis URL's password is never printed.
  r = RunSmartcar("run --metrics-port off --seconds 5 --fast --data " + dir.file("d4") +
                  " --rules " + RulesDir() + " --redis redis://:s3cret@localhost:notaport");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out.find("s3cret"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("redis://:***@localhost:notaport"), std::string::npos) << r.out;
}

// Every cell of DriverCarInfo: "row family:qualifier@timestamp=value" lines in key order.
std::string TableCells(const std::string& data) {
  DriverTable t = OpenDriverTable(data);
  if (!t.table) return "";
  std::string out;
  auto it = t.table->Scan(table::ScanSpec{});
  EXPECT_TRUE(it.has_value());
  for (; it && (*it)->Valid(); (*it)->Next()) {
    for (const auto& c : (*it)->row().cells) {
      out += (*it)->row().key + " " + c.family + ":" + c.qualifier + "@" +
             std::to_string(c.timestamp) + "=" + c.value + "\n";
    }
  }
  return out;
}

// One DriverCarInfo schema (driver_table.h): `smartcar table load` of the log a run wrote stores
// exactly the cells the pipeline stored, timestamps included.
TEST(RunTest, TableLoadWritesTheRowsThePipelineWrites) {
  TempDir dir;
  ASSERT_EQ(RunSmartcar(RunArgs(dir, 5, 120, 2)).exit_code, 0);
  fs::create_directories(dir.file("loaded"));
  auto r = RunSmartcar("table load --data " + dir.file("loaded") + " " +
                       dir.file("data/logs/SmartCarDriverInfo.log"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string piped = TableCells(dir.file("data"));
  EXPECT_EQ(std::count(piped.begin(), piped.end(), '\n'), 5 * 120 * 8);
  EXPECT_TRUE(piped == TableCells(dir.file("loaded")));
}

// Started where there is no rules folder (and no --rules), `smartcar run` runs the pilot's rule
// as shipped, from DATA/rules where the user can edit it, and says so.
TEST(RunTest, OutsideTheRepositoryRunsTheBuiltinRule) {
  TempDir dir;
  auto r = RunCommand("cd " + dir.str() + " && " + SMARTCAR_BINARY +
                      " run --metrics-port off --data data --date 20220426 --cars 10 --seconds 300 "
                      "--fast --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("built-in pilot rule"), std::string::npos) << r.out;
  EXPECT_EQ(::smartcar::testing::ReadFile(dir.file("data/rules/overspeed.epl")),
            ::smartcar::testing::ReadFile(RulesDir() + "/overspeed.epl"));
  const std::string log = dir.file("data/logs/SmartCarDriverInfo.log");
  EXPECT_EQ(HotSets(dir.file("data")), ::smartcar::pipeline::testing::ReferenceOverspeed(log));
}

// The commands a user runs beside a live pipeline: readers work, writers say who holds the folder.
TEST(RunTest, CommandsBesideALiveRunSayWhoHoldsTheFolder) {
  TempDir dir;
  const pid_t pid = SpawnSmartcar("run --metrics-port off --data " + dir.file("data") +
                                  " --rules " + RulesDir() + " --date 20220426 --cars 5 --seed 5");
  ::smartcar::testing::WaitUntil([&] { return fs::exists(dir.file("data/owner.json")); },
                                 std::chrono::seconds(60), std::chrono::milliseconds(50));
  ASSERT_TRUE(fs::exists(dir.file("data/owner.json")));
  // Writing commands say who holds the folder and what to do.
  auto w = RunSmartcar("topic create Other --partitions 1 --data " + dir.file("data"));
  EXPECT_NE(w.exit_code, 0);
  EXPECT_NE(w.out.find("is in use by `smartcar run` (pid " + std::to_string(pid)),
            std::string::npos)
      << w.out;
  // Reading ones read beside it, as kafka-console-consumer does beside a live broker: the
  // records the run is appending right now (it writes 5 a second), and the group's offsets.
  const std::string beside = "reading beside `smartcar run` (pid " + std::to_string(pid);
  auto consumed = RunSmartcar(
      "consume SmartCar-Topic --from-beginning --max 15 --timeout-ms 30000 "
      "--data " +
      dir.file("data"));
  EXPECT_EQ(consumed.exit_code, 0) << consumed.out;
  EXPECT_NE(consumed.out.find(beside), std::string::npos) << consumed.out;
  EXPECT_NE(consumed.out.find("smartcar consume: 15 records"), std::string::npos) << consumed.out;
  EXPECT_NE(consumed.out.find("\n20220426"), std::string::npos) << consumed.out;  // Driving lines.
  auto c = RunSmartcar("consumer-groups describe smartcar-group1 --data " + dir.file("data"));
  EXPECT_EQ(c.exit_code, 0) << c.out;
  EXPECT_NE(c.out.find(beside), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("SmartCar-Topic"), std::string::npos) << c.out;
  auto topics = RunSmartcar("topic list --data " + dir.file("data"));
  EXPECT_EQ(topics.exit_code, 0) << topics.out;
  EXPECT_NE(topics.out.find("SmartCar-Topic"), std::string::npos) << topics.out;
  // Nothing was written into the folder by the readers: no secondary instance files there.
  for (const auto& f : fs::recursive_directory_iterator(dir.file("data"))) {
    EXPECT_EQ(f.path().string().find("secondary"), std::string::npos) << f.path();
  }
  // A backtest reads the stored events beside it too.
  auto bt = RunSmartcar("rules backtest " + RulesDir() + "/overspeed.epl --from 20220426 --rules " +
                        RulesDir() + " --data " + dir.file("data"));
  EXPECT_EQ(bt.exit_code, 0) << bt.out;
  EXPECT_NE(bt.out.find(beside), std::string::npos) << bt.out;
  EXPECT_NE(bt.out.find("\n20220426 "), std::string::npos) << bt.out;
  auto ro = RunSmartcar("shell --read-only --data " + dir.file("data") + " -e \"list\"");
  EXPECT_EQ(ro.exit_code, 0) << ro.out;
  kill(pid, SIGINT);
  int st = 0;
  waitpid(pid, &st, 0);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  EXPECT_FALSE(fs::exists(dir.file("data/owner.json")));
}

// --- smartcar replay (pipeline/replay.h), on a run's data folder ---

// Every hot-store entry of `day` (the set and each car's detection JSON), as text.
std::string HotDay(const std::string& data, const std::string& day) {
  hot::HotOptions ho;
  ho.data_dir = data + "/hot";
  ho.read_only = true;
  auto store = hot::OpenHotStore(ho);
  EXPECT_TRUE(store.has_value()) << store.error().ToString();
  if (!store) return "";
  auto members = (*store)->Members(day);
  EXPECT_TRUE(members.has_value());
  std::sort(members->begin(), members->end());
  std::string out;
  for (const auto& car : *members) {
    auto v = (*store)->Get(hot::DetectionKey(day, car));
    EXPECT_TRUE(v.has_value() && v->has_value()) << car;
    out += car + " " + (v && *v ? **v : "-") + "\n";
  }
  return out;
}

// Deletes the set `day` and every car's detection of that day.
void DeleteHotDay(const std::string& data, const std::string& day) {
  hot::HotOptions ho;
  ho.data_dir = data + "/hot";
  auto store = hot::OpenHotStore(ho);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  auto keys = (*store)->Keys(day + "*");
  ASSERT_TRUE(keys.has_value());
  ASSERT_FALSE(keys->empty());
  for (const auto& k : *keys) ASSERT_TRUE((*store)->Delete(k).ok()) << k;
}

// A data folder with two days of 10 cars (a line every 10 s, from 00:00 on the 26th to 00:10 on
// the 27th) processed by a worker, and what it stored.
struct TwoDays {
  std::string data, day1, day2, table;
};
TwoDays RunTwoDays(const TempDir& dir) {
  TwoDays t;
  ::smartcar::pipeline::testing::FillEmbeddedLog(dir, 10, 8700, 3, 10);
  t.data = dir.file("data");
  auto r = RunSmartcar("worker --until-idle 1 --data " + t.data + " --rules " + RulesDir());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  t.day1 = HotDay(t.data, "20220426");
  t.day2 = HotDay(t.data, "20220427");
  EXPECT_FALSE(t.day1.empty());
  EXPECT_FALSE(t.day2.empty());
  t.table = TableAsCsv(t.data);
  return t;
}

// Day 2 deleted from the hot store and replayed, once straight through and
// once killed (SIGKILL) at random moments and restarted: the day comes back equal to what the
// run stored, day 1 and the table are unchanged, the live group's position is untouched.
TEST(ReplayTest, ADeletedDayComesBackEqualAlsoAfterKills) {
  TempDir dir;
  const TwoDays run = RunTwoDays(dir);
  ASSERT_FALSE(HasFailure());
  const std::string &data = run.data, &day1 = run.day1, &day2 = run.day2, &table = run.table;
  const auto group = RunSmartcar("consumer-groups describe smartcar-group1 --data " + data);
  ASSERT_EQ(group.exit_code, 0) << group.out;

  const std::string replay = "replay --from 20220427 --rules " + RulesDir() + " --data " + data;
  DeleteHotDay(data, "20220427");
  EXPECT_EQ(HotDay(data, "20220427"), "");
  auto r = RunSmartcar(replay);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("smartcar replay: done: "), std::string::npos) << r.out;
  EXPECT_EQ(HotDay(data, "20220427"), day2);
  EXPECT_EQ(HotDay(data, "20220426"), day1);  // Outside the range: not rewritten, not lost.
  EXPECT_FALSE(std::filesystem::exists(data + "/replay.json"));

  DeleteHotDay(data, "20220427");
  std::mt19937 rng(20221203);
  int kills = 0;
  for (int i = 0; i < 4; ++i) {
    bool killed = false;
    // Killed once the plan is written, after a random part of the work.
    const int code = RunAndKillOnceReady(
        replay, [&] { return fs::exists(data + "/replay.json"); },
        std::chrono::milliseconds(rng() % 200), &killed);
    if (!killed) {
      ASSERT_EQ(code, 0);
      break;
    }
    ++kills;
    EXPECT_TRUE(fs::exists(data + "/replay.json"));  // The plan survives.
  }
  EXPECT_GT(kills, 0);
  r = RunSmartcar(replay);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(HotDay(data, "20220427"), day2);
  EXPECT_EQ(HotDay(data, "20220426"), day1);
  EXPECT_EQ(TableAsCsv(data), table);
  EXPECT_EQ(RunSmartcar("consumer-groups describe smartcar-group1 --data " + data).out, group.out);
}

// Beside a live process that holds the folder (a worker serving its endpoint), `smartcar replay`
// runs the replay inside it, on its stores; a follower killed with SIGKILL leaves the replay
// running, and the next `smartcar replay` follows it to the end.
TEST(ReplayTest, BesideALiveWorkerTheReplayRunsInsideIt) {
  TempDir dir;
  const TwoDays run = RunTwoDays(dir);
  ASSERT_FALSE(HasFailure());
  const std::string &data = run.data, &day1 = run.day1, &day2 = run.day2, &table = run.table;
  DeleteHotDay(data, "20220427");

  const pid_t worker = SpawnSmartcar(
      "worker --metrics-port 0 --rules " + RulesDir() + " --data " + data, dir.file("worker.out"));
  ::smartcar::testing::WaitUntil([&] { return fs::exists(data + "/metrics.json"); },
                                 std::chrono::seconds(60), std::chrono::milliseconds(50));
  ASSERT_TRUE(fs::exists(data + "/metrics.json"))
      << ::smartcar::testing::ReadFile(dir.file("worker.out"));
  const std::string replay = "replay --from 20220427 --rules " + RulesDir() + " --data " + data;
  // The follower is killed once the replay runs inside the worker.
  std::string url;
  if (auto info =
          server::EndpointInfoFromJson(::smartcar::testing::ReadFile(data + "/metrics.json"))) {
    url = info->url + "/api/v1/replay";
  }
  ASSERT_FALSE(url.empty());
  bool killed = false;
  RunAndKillOnceReady(
      replay,
      [&] {
        auto g = server::HttpGet(url);
        return g && g->status == 200;
      },
      std::chrono::milliseconds(0), &killed);
  auto r = RunSmartcar(replay);
  // The console's API of the same live process reads the same stores (#19): checked against
  // the stores read directly once the worker has let them go.
  const std::string api = url.substr(0, url.size() - std::string("replay").size());
  auto day_api = server::HttpGet(api + "detections?date=20220426");
  auto scan_api = server::HttpGet(api + "tables/DriverCarInfo/scan?limit=2&columns=cf1:speed");
  kill(worker, SIGINT);
  int st = 0;
  waitpid(worker, &st, 0);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  ASSERT_TRUE(day_api.has_value() && scan_api.has_value());
  EXPECT_EQ(day_api->status, 200) << day_api->body;
  std::string cars_api;
  const auto day_json = nlohmann::json::parse(day_api->body);
  for (const auto& car : day_json["cars"]) {
    cars_api += car.get<std::string>() + "\n";
  }
  std::string cars_day;
  std::istringstream day_lines(HotDay(data, "20220426"));
  for (std::string line; std::getline(day_lines, line);) cars_day += line.substr(0, 5) + "\n";
  EXPECT_FALSE(cars_day.empty());
  EXPECT_EQ(cars_api, cars_day);
  const auto scan = nlohmann::json::parse(scan_api->body);
  ASSERT_EQ(scan["rows"].size(), 2u) << scan_api->body;
  EXPECT_TRUE(scan["more"].get<bool>());
  const std::string first_row = TableAsCsv(data).substr(TableAsCsv(data).find('\n') + 1);
  EXPECT_EQ(first_row.substr(0, first_row.find(',')), scan["rows"][0]["row"]);
  EXPECT_EQ(scan["rows"][0]["cells"][0]["column"], "cf1:speed");
  EXPECT_NE(r.out.find("inside pid " + std::to_string(worker)), std::string::npos) << r.out;
  EXPECT_TRUE(killed);
  EXPECT_NE(r.out.find("following the replay running"), std::string::npos) << r.out;
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
      << ::smartcar::testing::ReadFile(dir.file("worker.out"));
  EXPECT_EQ(HotDay(data, "20220427"), day2);
  EXPECT_EQ(HotDay(data, "20220426"), day1);
  EXPECT_EQ(TableAsCsv(data), table);
  EXPECT_FALSE(fs::exists(data + "/replay.json"));
}

// Every detection line of HotDay's output ("CAR JSON"), parsed.
std::vector<hot::Detection> Detections(const std::string& day_text) {
  std::vector<hot::Detection> out;
  std::istringstream in(day_text);
  std::string line;
  while (std::getline(in, line)) {
    auto d = hot::DetectionFromJson(line.substr(line.find(' ') + 1));
    EXPECT_TRUE(d.has_value()) << line;
    if (d) out.push_back(*d);
  }
  return out;
}

// A rule fix replayed (#17, #18): the stored rule at 80 (v1) and at 100 km/h (v2). A replay with
// --replace-detections leaves the day holding exactly what the chosen rule detects: v1 (pinned
// with --rule-version, though v2 is the latest) gives back the run's day byte for byte; the
// latest (v2) keeps only detections above 100 km/h, of cars the run had, and differs from the
// run's day; the folder with v2's text gives the same bytes as v2 from the store, and an explicit
// --rules folder at 80 wins over the store.
TEST(ReplayTest, ARuleVersionOrFolderReplacesTheDaysDetections) {
  TempDir dir;
  const TwoDays run = RunTwoDays(dir);
  ASSERT_FALSE(HasFailure());
  const std::string& data = run.data;
  const std::string rule80 = ::smartcar::testing::ReadFile(RulesDir() + "/overspeed.epl");
  std::string rule100 = rule80;
  const size_t at = rule100.find("HAVING avg(speed) > 80");
  ASSERT_NE(at, std::string::npos);
  rule100.replace(at, 22, "HAVING avg(speed) > 100");
  fs::create_directories(dir.file("rules100"));
  ::smartcar::testing::WriteFile(dir.file("rules100/overspeed.epl"), rule100);
  for (const std::string& file :
       {RulesDir() + "/overspeed.epl", dir.file("rules100/overspeed.epl")}) {
    auto d = RunSmartcar("rules deploy " + file + " --data " + data);
    ASSERT_EQ(d.exit_code, 0) << d.out;
  }
  const std::string replay = "replay --from 20220427 --replace-detections --data " + data;

  auto r = RunSmartcar(replay + " --rule-version 1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(HotDay(data, "20220427"), run.day2);

  r = RunSmartcar(replay);  // The store's latest: v2, 100 km/h.
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string day2_100 = HotDay(data, "20220427");
  const auto fast = Detections(day2_100);
  const auto all = Detections(run.day2);
  ASSERT_FALSE(fast.empty());
  // Each car's latest window above 100 is not always its latest above 80.
  EXPECT_NE(day2_100, run.day2);
  std::set<std::string> cars80;
  for (const auto& d : all) cars80.insert(d.car);
  for (const auto& d : fast) {
    EXPECT_GT(d.avg_speed, 100.0) << d.car;
    EXPECT_EQ(cars80.count(d.car), 1u) << d.car;
  }

  r = RunSmartcar(replay + " --rule-version overspeed=1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(HotDay(data, "20220427"), run.day2);
  r = RunSmartcar(replay + " --rules " + dir.file("rules100"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(HotDay(data, "20220427"), day2_100);
  r = RunSmartcar(replay + " --rules " + RulesDir());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(HotDay(data, "20220427"), run.day2);
  EXPECT_EQ(HotDay(data, "20220426"), run.day1);  // Outside the range: untouched throughout.

  // Without --replace-detections the old rule's cars stay in the set.
  r = RunSmartcar("replay --from 20220427 --rule-version 2 --data " + data);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Detections(HotDay(data, "20220427")).size(), all.size());

  // Clear errors, nothing replayed.
  const std::string base = "replay --from 20220427 --data " + data;
  r = RunSmartcar(base + " --rule-version 7");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("--rule-version '7': rule 'overspeed' has no version 7"), std::string::npos)
      << r.out;
  r = RunSmartcar(base + " --rule-version other=1");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("rule 'other' has no version 1"), std::string::npos) << r.out;
  r = RunSmartcar(base + " --rule-version v1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("expected N or NAME=N"), std::string::npos) << r.out;
  r = RunSmartcar(base + " --rule-version 1 --rules " + RulesDir());
  EXPECT_NE(r.exit_code, 0);  // CLI11's ExcludesError.
  EXPECT_NE(r.out.find("excludes"), std::string::npos) << r.out;
  r = RunSmartcar("replay --from 20220427120000 --replace-detections --data " + data);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("whole days"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(data + "/replay.json"));
}

TEST(ReplayTest, ClearErrors) {
  TempDir dir;
  auto r = RunSmartcar("replay --from 20220427 --to 20220426 --data " + dir.file("d"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("empty range: --from 20220427 is after --to 20220426"), std::string::npos)
      << r.out;
  r = RunSmartcar("replay --from 2022 --data " + dir.file("d"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--from '2022' is not yyyyMMdd or yyyyMMddHHmmss"), std::string::npos)
      << r.out;
  r = RunSmartcar("replay --from 20220426 --rules " + dir.file("none") + " --data " +
                  dir.file("d"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("rules folder"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace smartcar::pipeline
