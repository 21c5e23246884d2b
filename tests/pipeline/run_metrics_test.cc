// RunMetrics: the endpoint and stats files of one run, over a small in-process topology.
#include "pipeline/run_metrics.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "pipeline/smartcar_topology.h"
#include "server/http_client.h"
#include "server/metrics_server.h"
#include "test_util.h"
#include "topology/topology_test_util.h"

namespace smartcar::pipeline {
namespace {

namespace fs = std::filesystem;
using ::smartcar::testing::ReadFile;
using ::smartcar::testing::TempDir;
namespace tt = ::smartcar::topology::testing;

constexpr int kTuples = 500;

// numbers (spout, kTuples reliable tuples) -> record (2 tasks), run to completion.
std::unique_ptr<topology::Topology> FinishedTopology() {
  topology::TopologyBuilder b;
  b.SetSpout("numbers",
             tt::SpoutOf<tt::NumberSpout>(int64_t{kTuples}, true, std::make_shared<tt::SpoutLog>()),
             1);
  b.SetBolt("record", tt::BoltOf<tt::RecordBolt>(std::make_shared<tt::Sink>()), 2)
      .ShuffleGrouping("numbers");
  auto t = b.Build(tt::TestConfig());
  EXPECT_TRUE(t.has_value()) << t.error().ToString();
  if (!t) return nullptr;
  Status s = (*t)->Run(std::chrono::seconds(60));
  EXPECT_TRUE(s.ok()) << s.ToString();
  return std::move(*t);
}

std::string CapturedText(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

TEST(RunMetricsTest, CounterListNamesEveryPipelineCounter) {
  PipelineCounters c;
  c.stored = 7;
  c.detections = 2;
  auto list = PipelineCounterList(c, 10, 9);
  std::vector<std::string> names;
  for (const auto& p : list) {
    names.push_back(p.name);
    EXPECT_FALSE(p.help.empty()) << p.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"generated", "collected", "consumed", "parsed",
                                             "stored", "detections", "rejected", "late",
                                             "duplicates", "replayed_closed", "rule_reloads",
                                             "disk_pauses", "restarts"}));
  EXPECT_EQ(list[0].value, 10u);
  EXPECT_EQ(list[1].value, 9u);
  EXPECT_EQ(list[4].value, 7u);
  EXPECT_EQ(list[5].value, 2u);
}

TEST(RunMetricsTest, ServesWhileLiveAndLeavesAFinalSnapshot) {
  TempDir dir;
  auto topo = FinishedTopology();
  ASSERT_NE(topo, nullptr);
  PipelineCounters counters;
  counters.stored = 42;
  RunMetrics metrics(dir.str(), topo.get(), [&] { return PipelineCounterList(counters, 100, 99); });
  std::FILE* out = std::tmpfile();
  metrics.Start("127.0.0.1", 0, out, std::chrono::milliseconds(0));
  const std::string url = metrics.url();
  ASSERT_FALSE(url.empty()) << CapturedText(out);
  EXPECT_NE(CapturedText(out).find("metrics: " + url + "/metrics"), std::string::npos);
  EXPECT_NE(CapturedText(out).find("console: " + url + "/ (API " + url + "/api/v1/"),
            std::string::npos);

  auto info = server::EndpointInfoFromJson(ReadFile(dir.file("metrics.json")));
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->url, url);
  EXPECT_EQ(info->pid, ::getpid());

  auto r = server::HttpGet(url + "/metrics");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_NE(r->body.find("smartcar_pipeline_stored_total 42\n"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("smartcar_topology_executed_total{topology=\"test\",component=\"record\""),
            std::string::npos)
      << r->body;
  auto j = server::HttpGet(url + "/stats.json");
  ASSERT_TRUE(j.has_value());
  auto live = server::SnapshotFromJson(j->body);
  ASSERT_TRUE(live.has_value()) << live.error().ToString();
  EXPECT_FALSE(live->final);
  ASSERT_NE(live->topology.Find("record"), nullptr);
  EXPECT_EQ(live->topology.Find("record")->total.executed, uint64_t{kTuples});

  counters.stored = 43;
  ASSERT_TRUE(metrics.Finish().ok());
  EXPECT_EQ(metrics.url(), "");
  EXPECT_FALSE(fs::exists(dir.file("metrics.json")));
  EXPECT_FALSE(server::HttpGet(url + "/healthz", std::chrono::milliseconds(500)).has_value());
  auto snap = server::SnapshotFromJson(ReadFile(dir.file("topology-stats.json")));
  ASSERT_TRUE(snap.has_value()) << snap.error().ToString();
  EXPECT_TRUE(snap->final);
  EXPECT_EQ(snap->topology.name, "test");
  EXPECT_EQ(snap->topology.Find("numbers")->total.acked, uint64_t{kTuples});
  EXPECT_EQ(snap->pipeline[4].name, "stored");
  EXPECT_EQ(snap->pipeline[4].value, 43u);
  std::fclose(out);
}

TEST(RunMetricsTest, BusyPortWarnsAndStillWritesStats) {
  TempDir dir;
  auto topo = FinishedTopology();
  ASSERT_NE(topo, nullptr);
  // Something else holds the port.
  server::MetricsProviders p;
  p.metrics = [] { return std::string(); };
  p.stats_json = [] { return std::string("{}"); };
  auto other = server::MetricsServer::Start(server::MetricsServerOptions{}, p);
  ASSERT_TRUE(other.has_value());
  RunMetrics metrics(dir.str(), topo.get(), nullptr);
  std::FILE* out = std::tmpfile();
  metrics.Start("127.0.0.1", (*other)->port(), out, std::chrono::milliseconds(0));
  EXPECT_EQ(metrics.url(), "");
  EXPECT_NE(CapturedText(out).find("warning: metrics endpoint off: cannot listen on 127.0.0.1:" +
                                   std::to_string((*other)->port()) + ": address in use"),
            std::string::npos)
      << CapturedText(out);
  EXPECT_FALSE(fs::exists(dir.file("metrics.json")));
  ASSERT_TRUE(metrics.Finish().ok());
  EXPECT_TRUE(fs::exists(dir.file("topology-stats.json")));
  std::fclose(out);
}

TEST(RunMetricsTest, OffWritesPeriodicAndFinalSnapshots) {
  TempDir dir;
  auto topo = FinishedTopology();
  ASSERT_NE(topo, nullptr);
  RunMetrics metrics(dir.str(), topo.get(), nullptr);
  metrics.Start("127.0.0.1", -1, nullptr, std::chrono::milliseconds(5));
  EXPECT_EQ(metrics.url(), "");
  EXPECT_FALSE(fs::exists(dir.file("metrics.json")));
  // A periodic, non-final snapshot appears (safety bound only).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(dir.file("topology-stats.json")) &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto periodic = server::SnapshotFromJson(ReadFile(dir.file("topology-stats.json")));
  ASSERT_TRUE(periodic.has_value()) << periodic.error().ToString();
  EXPECT_FALSE(periodic->final);
  ASSERT_TRUE(metrics.Finish().ok());
  auto final_snap = server::SnapshotFromJson(ReadFile(dir.file("topology-stats.json")));
  ASSERT_TRUE(final_snap.has_value());
  EXPECT_TRUE(final_snap->final);
  // The same finished topology in both: the final file replaced the periodic one.
  ASSERT_EQ(final_snap->topology.components.size(), periodic->topology.components.size());
  for (size_t i = 0; i < periodic->topology.components.size(); ++i) {
    EXPECT_EQ(final_snap->topology.components[i].id, periodic->topology.components[i].id);
    EXPECT_EQ(final_snap->topology.components[i].total.acked,
              periodic->topology.components[i].total.acked);
  }
}

// The console's charts: the counters once a second, the last 15 minutes (900 samples), oldest
// first; older samples are dropped as new ones come.
TEST(RunMetricsTest, HistoryKeepsTheLastSamplesInOrder) {
  TempDir dir;
  auto topo = FinishedTopology();
  ASSERT_NE(topo, nullptr);
  uint64_t stored = 0;
  RunMetrics metrics(dir.str(), topo.get(), [&stored] {
    return std::vector<server::PipelineCounter>{{"stored", "rows", stored},
                                                {"late", "late", stored * 2}};
  });
  EXPECT_EQ(nlohmann::json::parse(metrics.HistoryJson())["time_ms"].size(), 0u);  // not started
  metrics.Start("127.0.0.1", -1, nullptr, std::chrono::milliseconds(0));
  const size_t n = RunMetrics::kHistorySamples;
  for (stored = 1; stored <= 3; ++stored) metrics.Sample();
  auto h = nlohmann::json::parse(metrics.HistoryJson());
  EXPECT_EQ(h["interval_ms"], 1000);
  EXPECT_EQ(h["counters"]["stored"], nlohmann::json::array({1, 2, 3}));
  EXPECT_EQ(h["counters"]["late"], nlohmann::json::array({2, 4, 6}));
  ASSERT_EQ(h["time_ms"].size(), 3u);
  for (stored = 4; stored <= n + 7; ++stored) metrics.Sample();
  h = nlohmann::json::parse(metrics.HistoryJson());
  ASSERT_EQ(h["counters"]["stored"].size(), n);
  ASSERT_EQ(h["time_ms"].size(), n);
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(h["counters"]["stored"][i], 8 + i) << i;  // samples 1..7 dropped
    if (i > 0) {
      EXPECT_GE(h["time_ms"][i], h["time_ms"][i - 1]);
    }
  }
  ASSERT_TRUE(metrics.Finish().ok());
}

// Each component's figures are sampled beside the counters: the finished topology's totals.
TEST(RunMetricsTest, HistoryHasEachComponentsFigures) {
  TempDir dir;
  auto topo = FinishedTopology();
  ASSERT_NE(topo, nullptr);
  RunMetrics metrics(dir.str(), topo.get(), [] { return std::vector<server::PipelineCounter>{}; });
  metrics.Start("127.0.0.1", -1, nullptr, std::chrono::milliseconds(0));
  metrics.Sample();
  metrics.Sample();
  const auto h = nlohmann::json::parse(metrics.HistoryJson());
  ASSERT_TRUE(h["components"].contains("numbers")) << h.dump();
  ASSERT_TRUE(h["components"].contains("record")) << h.dump();
  const auto& record = h["components"]["record"];
  EXPECT_EQ(record["executed"], nlohmann::json::array({kTuples, kTuples}));
  EXPECT_EQ(record["failed"], nlohmann::json::array({0, 0}));
  EXPECT_EQ(record["queue_depth"], nlohmann::json::array({0, 0}));
  EXPECT_EQ(h["components"]["numbers"]["emitted"], nlohmann::json::array({kTuples, kTuples}));
  ASSERT_EQ(record["capacity"].size(), 2u);
  EXPECT_EQ(record["capacity"][1], 0.0) << "the topology has finished: idle in the last second";
  ASSERT_TRUE(metrics.Finish().ok());
}

TEST(RunMetricsTest, UnwritableDataDirIsAnErrorFromFinish) {
  TempDir dir;
  auto topo = FinishedTopology();
  ASSERT_NE(topo, nullptr);
  RunMetrics metrics(dir.file("no/such/dir"), topo.get(), nullptr);
  metrics.Start("127.0.0.1", -1, nullptr, std::chrono::milliseconds(0));
  Status s = metrics.Finish();
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(s.message().find("topology-stats.json"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace smartcar::pipeline
