// `smartcar run --metrics-port` and `smartcar topology stats`, as a user runs them: the endpoint
// answers while the run is live (scraped over loopback), `topology stats` reads it live, and
// after the run ends reads the snapshot the run left in DATA/topology-stats.json.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "server/http_client.h"
#include "server/stats_json.h"
#include "test_util.h"

namespace smartcar::cli {
namespace {

using ::smartcar::testing::FreePort;
using ::smartcar::testing::ReadFile;
using ::smartcar::testing::RunSmartcar;
using ::smartcar::testing::SpawnSmartcar;
using ::smartcar::testing::TempDir;
using ::smartcar::testing::WriteFile;

std::string RulesDir() { return std::string(SMARTCAR_SOURCE_DIR) + "/rules"; }

// A socket listening on 127.0.0.1:<free port>; closed (port freed) when destroyed.
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd_, 1) != 0) {
      std::abort();
    }
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~Listener() { Close(); }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

int WaitExit(pid_t pid) {
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

bool Exited(pid_t pid, int* code) {
  int st = 0;
  if (waitpid(pid, &st, WNOHANG) != pid) return false;
  *code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return true;
}

// The sample value of the first line starting with `name` (no labels), or -1.
double SampleValue(const std::string& text, const std::string& name) {
  const size_t at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::strtod(text.c_str() + at + name.size() + 2, nullptr);
}

const char* const kComponents[] = {"log", "table", "cep", "hot"};

TEST(TopologyStatsCommandTest, ScrapesALiveRunThenReadsItsFinalSnapshot) {
  TempDir dir;
  const std::string data = dir.file("data");
  const int port = FreePort();
  // Real time (not --fast): 8 simulated seconds take 8 wall seconds, a wide window for scraping
  // the live run; the endpoint is up before the simulator starts and until the run ends.
  const pid_t pid =
      SpawnSmartcar("run --data " + data + " --seconds 8 --cars 5 --date 20260101 --rules " +
                        RulesDir() + " --metrics-port " + std::to_string(port),
                    dir.file("run.log"));
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  std::string metrics;
  int code = 0;
  bool exited = false;
  // Poll until the endpoint answers (safety bound, not a timing check).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < give_up) {
    if (Exited(pid, &code)) {
      exited = true;
      break;
    }
    auto r = server::HttpGet(url + "/metrics", std::chrono::milliseconds(1000));
    if (r && r->status == 200) {
      metrics = r->body;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(exited) << "run exited with " << code << ":\n" << ReadFile(dir.file("run.log"));
  ASSERT_FALSE(metrics.empty()) << ReadFile(dir.file("run.log"));
  for (const char* name : {"smartcar_pipeline_generated_total", "smartcar_pipeline_collected_total",
                           "smartcar_pipeline_stored_total", "smartcar_pipeline_detections_total",
                           "smartcar_pipeline_rejected_total", "smartcar_pipeline_late_total"}) {
    EXPECT_GE(SampleValue(metrics, name), 0) << name << " missing in\n" << metrics;
    EXPECT_NE(metrics.find("# TYPE " + std::string(name) + " counter"), std::string::npos);
  }
  for (const char* c : kComponents) {
    EXPECT_NE(metrics.find("smartcar_topology_executed_total{topology=\"SmartCarDriverTopology\","
                           "component=\"" +
                           std::string(c) + "\""),
              std::string::npos)
        << c;
  }
  // DATA/metrics.json names the endpoint and this run's pid. The run writes it once its endpoint
  // is bound, so it can lag the first answer by a moment (safety bound, not a timing check).
  auto info = server::EndpointInfoFromJson(ReadFile(data + "/metrics.json"));
  for (int i = 0; i < 200 && !info.has_value(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    info = server::EndpointInfoFromJson(ReadFile(data + "/metrics.json"));
  }
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->url, url);
  EXPECT_EQ(info->pid, pid);

  // `topology stats` finds the live run through DATA/metrics.json.
  auto live = RunSmartcar("topology stats --data " + data);
  EXPECT_EQ(live.exit_code, 0) << live.out;
  EXPECT_NE(live.out.find("live from " + url), std::string::npos) << live.out;
  auto live_json = RunSmartcar("topology stats --url " + url + " --format json");
  EXPECT_EQ(live_json.exit_code, 0) << live_json.out;
  auto snap = server::SnapshotFromJson(live_json.out);
  ASSERT_TRUE(snap.has_value()) << snap.error().ToString() << "\n" << live_json.out;
  EXPECT_FALSE(snap->final);
  EXPECT_EQ(snap->topology.components.size(), 4u);

  // The run ends by itself, removes metrics.json and leaves the final snapshot.
  EXPECT_EQ(WaitExit(pid), 0) << ReadFile(dir.file("run.log"));
  const std::string run_log = ReadFile(dir.file("run.log"));
  EXPECT_NE(run_log.find("metrics: " + url + "/metrics"), std::string::npos) << run_log;
  EXPECT_FALSE(std::filesystem::exists(data + "/metrics.json"));
  ASSERT_TRUE(std::filesystem::exists(data + "/topology-stats.json"));

  auto after = RunSmartcar("topology stats --data " + data);
  EXPECT_EQ(after.exit_code, 0) << after.out;
  EXPECT_NE(after.out.find("topology SmartCarDriverTopology"), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("from a finished run (ended "), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("component"), std::string::npos) << after.out;
  for (const char* c : kComponents) {
    EXPECT_NE(after.out.find("\n" + std::string(c) + " "), std::string::npos) << c << after.out;
  }
  EXPECT_NE(after.out.find("pipeline: generated 40 | collected 40 |"), std::string::npos)
      << after.out;
  // The endpoint is closed.
  EXPECT_FALSE(server::HttpGet(url + "/healthz", std::chrono::milliseconds(500)).has_value());
}

TEST(TopologyStatsCommandTest, FinishedFastRunLeavesStatsThatEveryFormatPrints) {
  TempDir dir;
  const std::string data = dir.file("data");
  auto run = RunSmartcar("run --data " + data + " --fast --seconds 30 --cars 5 --rules " +
                         RulesDir() + " --metrics-port 0");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("metrics: http://127.0.0.1:"), std::string::npos) << run.out;

  auto json = RunSmartcar("topology stats --data " + data + " --format json");
  ASSERT_EQ(json.exit_code, 0) << json.out;
  auto snap = server::SnapshotFromJson(json.out);
  ASSERT_TRUE(snap.has_value()) << snap.error().ToString();
  EXPECT_TRUE(snap->final);
  uint64_t stored = 0, generated = 0;
  for (const auto& c : snap->pipeline) {
    if (c.name == "stored") stored = c.value;
    if (c.name == "generated") generated = c.value;
  }
  EXPECT_EQ(generated, 150u);  // 5 cars x 30 s.
  EXPECT_GE(stored, generated);
  ASSERT_NE(snap->topology.Find("table"), nullptr);
  // Everything the spout emitted was executed by the table or the CEP bolts (each tuple once).
  EXPECT_EQ(
      snap->topology.Find("log")->total.emitted,
      snap->topology.Find("table")->total.executed + snap->topology.Find("cep")->total.executed);

  auto prom = RunSmartcar("topology stats --data " + data + " --format prometheus");
  ASSERT_EQ(prom.exit_code, 0) << prom.out;
  EXPECT_EQ(SampleValue(prom.out, "smartcar_pipeline_generated_total"), 150) << prom.out;
  EXPECT_NE(prom.out.find("# HELP smartcar_topology_acked_total"), std::string::npos);

  auto table = RunSmartcar("topology stats --data " + data);
  ASSERT_EQ(table.exit_code, 0) << table.out;
  EXPECT_NE(table.out.find("pipeline: generated 150 |"), std::string::npos) << table.out;
  // The watermark and the group's lag per partition: all committed at the end of the run.
  ASSERT_FALSE(snap->partitions.empty());
  std::string group_line = "consumer group " + snap->consumer_group + ":";
  for (const auto& p : snap->partitions) {
    EXPECT_EQ(p.lag, 0) << p.partition;
    group_line += " " + std::to_string(p.partition) + " lag 0" +
                  (&p == &snap->partitions.back() ? "\n" : ",");
  }
  EXPECT_NE(table.out.find(group_line), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("event time: watermark 20"), std::string::npos) << table.out;
  EXPECT_GT(SampleValue(prom.out, "smartcar_event_time_watermark_ms"), 0) << prom.out;
}

TEST(TopologyStatsCommandTest, BusyPortIsAWarningAndTheRunCompletes) {
  Listener busy;
  TempDir dir;
  const std::string data = dir.file("data");
  auto run = RunSmartcar("run --data " + data + " --fast --seconds 10 --cars 2 --rules " +
                         RulesDir() + " --metrics-port " + std::to_string(busy.port()));
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("warning: metrics endpoint off: cannot listen on 127.0.0.1:" +
                         std::to_string(busy.port()) + ": address in use"),
            std::string::npos)
      << run.out;
  EXPECT_FALSE(std::filesystem::exists(data + "/metrics.json"));
  EXPECT_TRUE(std::filesystem::exists(data + "/topology-stats.json"));
}

TEST(TopologyStatsCommandTest, MetricsOffServesNothingButKeepsStats) {
  TempDir dir;
  const std::string data = dir.file("data");
  auto run = RunSmartcar("run --data " + data + " --fast --seconds 5 --cars 2 --rules " +
                         RulesDir() + " --metrics-port off");
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(run.out.find("metrics:"), std::string::npos) << run.out;
  EXPECT_TRUE(std::filesystem::exists(data + "/topology-stats.json"));
}

TEST(TopologyStatsCommandTest, BadMetricsPortIsAUsageError) {
  TempDir dir;
  for (const std::string bad : {"abc", "70000", "94x"}) {
    auto r = RunSmartcar("run --data " + dir.str() + " --fast --seconds 5 --rules " + RulesDir() +
                         " --metrics-port " + bad);
    EXPECT_EQ(r.exit_code, 2) << bad << r.out;
    EXPECT_NE(r.out.find("--metrics-port: '" + bad + "' is not a port"), std::string::npos)
        << r.out;
  }
  const std::string config = dir.file("smartcar.yaml");
  WriteFile(config, "metrics:\n  port: nope\n");
  auto r = RunSmartcar("run --config " + config + " --data " + dir.str() +
                       " --fast --seconds 5 --rules " + RulesDir());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("'nope' is not a port"), std::string::npos) << r.out;
}

TEST(TopologyStatsCommandTest, NothingToReadIsAClearError) {
  TempDir dir;
  auto r = RunSmartcar("topology stats --data " + dir.str());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("has no live run (metrics.json) and no stats from a finished run "
                       "(topology-stats.json)"),
            std::string::npos)
      << r.out;
}

TEST(TopologyStatsCommandTest, StaleEndpointFallsBackToTheSnapshot) {
  TempDir dir;
  // A metrics.json left by a run killed with SIGKILL: its pid is gone.
  const pid_t gone = fork();
  if (gone == 0) _exit(0);
  waitpid(gone, nullptr, 0);
  server::EndpointInfo info;
  info.url = "http://127.0.0.1:" + std::to_string(FreePort());
  info.pid = gone;
  WriteFile(dir.file("metrics.json"), server::EndpointInfoToJson(info));
  auto none = RunSmartcar("topology stats --data " + dir.str());
  EXPECT_EQ(none.exit_code, 1) << none.out;
  EXPECT_NE(none.out.find("(pid " + std::to_string(gone) + ") is gone"), std::string::npos)
      << none.out;

  server::StatsSnapshot s;
  s.time_ms = 1'767'225'600'000;  // 2026-01-01 00:00:00 UTC.
  s.final = true;
  s.topology.name = "T";
  WriteFile(dir.file("topology-stats.json"), server::SnapshotToJson(s));
  auto r = RunSmartcar("topology stats --data " + dir.str());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("topology T, up 0.0s, from a finished run (ended 2026-01-01 00:00:00 UTC)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("not live: the run that served"), std::string::npos) << r.out;
  // A snapshot taken while the run was behind says so.
  s.final = false;
  s.state = "catching up (lag 123456 events)";
  WriteFile(dir.file("topology-stats.json"), server::SnapshotToJson(s));
  r = RunSmartcar("topology stats --data " + dir.str());
  EXPECT_NE(r.out.find("state: catching up (lag 123456 events)"), std::string::npos) << r.out;
}

TEST(TopologyStatsCommandTest, CorruptSnapshotAndDeadUrlAreErrors) {
  TempDir dir;
  WriteFile(dir.file("topology-stats.json"), "{\"time_ms\": ");
  auto r = RunSmartcar("topology stats --data " + dir.str());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("topology-stats.json: stats JSON: "), std::string::npos) << r.out;

  const std::string url = "http://127.0.0.1:" + std::to_string(FreePort());
  auto d = RunSmartcar("topology stats --url " + url);
  EXPECT_EQ(d.exit_code, 1) << d.out;
  EXPECT_NE(d.out.find("GET " + url + "/stats.json: "), std::string::npos) << d.out;

  auto f = RunSmartcar("topology stats --data " + dir.str() + " --format xml");
  EXPECT_NE(f.exit_code, 0) << f.out;
  EXPECT_NE(f.out.find("--format: xml not in {table,json,prometheus}"), std::string::npos) << f.out;
}

}  // namespace
}  // namespace smartcar::cli
