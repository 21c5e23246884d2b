// `smartcar ui --data DIR`: the console for a folder no run holds (read-only stores, the last
// run's stats), as a user runs it; beside a live worker it points to that worker's console.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/http_client.h"
#include "server/stats_json.h"
#include "test_util.h"
#include "wait_until.h"

namespace smartcar::cli {
namespace {

using ::smartcar::testing::FreePort;
using ::smartcar::testing::ReadFile;
using ::smartcar::testing::RunSmartcar;
using ::smartcar::testing::SpawnSmartcar;
using ::smartcar::testing::TempDir;

std::string RulesDir() { return std::string(SMARTCAR_SOURCE_DIR) + "/rules"; }

// Stops a spawned process with SIGINT and returns its exit status (-1 if it had to be killed).
int Stop(pid_t pid) {
  kill(pid, SIGINT);
  int st = 0;
  if (!::smartcar::testing::WaitUntil([&] { return waitpid(pid, &st, WNOHANG) == pid; },
                                      std::chrono::seconds(60))) {
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return -1;
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

template <typename Ready>
bool WaitUntil(Ready ready) {
  return ::smartcar::testing::WaitUntil(ready, std::chrono::seconds(60),
                                        std::chrono::milliseconds(50));
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(UiCommandTest, ServesAFolderNoRunHoldsReadOnly) {
  TempDir dir;
  const std::string data = dir.file("data");
  auto run = RunSmartcar("run --data " + data + " --fast --seconds 300 --cars 10 --seed 2 " +
                         "--date 20220426 --metrics-port off --rules " + RulesDir());
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const int port = FreePort();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const pid_t ui = SpawnSmartcar(
      "ui --data " + data + " --rules " + RulesDir() + " --port " + std::to_string(port),
      dir.file("ui.out"));
  ASSERT_TRUE(WaitUntil([&] {
    auto h = server::HttpGet(url + "/healthz");
    return h && h->status == 200;
  })) << ReadFile(dir.file("ui.out"));

  // The day's detections as `smartcar overspeed` lists them.
  auto listed = RunSmartcar("overspeed 20220426 --data " + data);
  ASSERT_EQ(listed.exit_code, 0) << listed.out;
  std::vector<std::string> cars;
  for (const std::string& l : Lines(listed.out)) {
    if (l.find("smartcar overspeed:") == std::string::npos) cars.push_back(l);
  }
  ASSERT_FALSE(cars.empty()) << listed.out;
  auto day = server::HttpGet(url + "/api/v1/detections?date=20220426");
  ASSERT_TRUE(day.has_value());
  EXPECT_EQ(nlohmann::json::parse(day->body)["cars"].get<std::vector<std::string>>(), cars);
  // The table, the page, and the last run's stats (saying that nothing runs).
  auto scan = server::HttpGet(url + "/api/v1/tables/DriverCarInfo/scan?limit=3");
  ASSERT_TRUE(scan.has_value());
  EXPECT_EQ(nlohmann::json::parse(scan->body)["rows"].size(), 3u) << scan->body;
  auto page = server::HttpGet(url + "/");
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->status, 200);
  auto stats = server::HttpGet(url + "/stats.json");
  ASSERT_TRUE(stats.has_value());
  auto snap = server::SnapshotFromJson(stats->body);
  ASSERT_TRUE(snap.has_value()) << stats->body;
  EXPECT_EQ(snap->state.rfind("no run: the last run's stats", 0), 0u) << snap->state;
  EXPECT_TRUE(snap->final);
  uint64_t stored = 0;
  for (const auto& c : snap->pipeline) {
    if (c.name == "stored") stored = c.value;
  }
  EXPECT_EQ(stored, 3000u);
  // SQL with the printed token; a put is refused (the stores are read-only).
  const std::string out = ReadFile(dir.file("ui.out"));
  const std::string marker = "console API token (X-Smartcar-Token, for SQL and deploy): ";
  ASSERT_NE(out.find(marker), std::string::npos) << out;
  const std::string token = out.substr(out.find(marker) + marker.size(), 32);
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(std::chrono::seconds(60));
  auto sql = client.Post("/api/v1/sql", {{"X-Smartcar-Token", token}},
                         "SELECT count(*) AS n FROM DriverCarInfo", "text/plain");
  ASSERT_TRUE(sql);
  EXPECT_EQ(sql->status, 200) << sql->body;
  EXPECT_EQ(nlohmann::json::parse(sql->body)["rows"][0][0], 3000) << sql->body;
  auto put = client.Post("/api/v1/tables/DriverCarInfo/rows/x?column=cf1:speed",
                         {{"X-Smartcar-Token", token}}, "1", "text/plain");
  ASSERT_TRUE(put);
  EXPECT_GE(put->status, 400) << put->body;
  EXPECT_NE(put->body.find("error"), std::string::npos) << put->body;
  // It takes no lock: a run continues the same folder while the console is open.
  auto more = RunSmartcar("run --data " + data + " --fast --seconds 310 --cars 10 --seed 2 " +
                          "--date 20220426 --metrics-port off --rules " + RulesDir());
  EXPECT_EQ(more.exit_code, 0) << more.out;
  EXPECT_EQ(Stop(ui), 0) << ReadFile(dir.file("ui.out"));
}

TEST(UiCommandTest, BesideALiveWorkerItPointsToThatConsole) {
  TempDir dir;
  const std::string data = dir.file("data");
  auto run = RunSmartcar("run --data " + data + " --fast --seconds 30 --cars 5 --metrics-port " +
                         "off --rules " + RulesDir());
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const pid_t worker = SpawnSmartcar(
      "worker --metrics-port 0 --rules " + RulesDir() + " --data " + data, dir.file("worker.out"));
  ASSERT_TRUE(WaitUntil([&] { return std::filesystem::exists(data + "/metrics.json"); }))
      << ReadFile(dir.file("worker.out"));
  auto info = server::EndpointInfoFromJson(ReadFile(data + "/metrics.json"));
  ASSERT_TRUE(info.has_value());
  auto ui = RunSmartcar("ui --data " + data + " --port 0");
  EXPECT_EQ(ui.exit_code, 0) << ui.out;
  EXPECT_NE(ui.out.find("serves this folder's console: " + info->url + "/"), std::string::npos)
      << ui.out;
  EXPECT_EQ(Stop(worker), 0) << ReadFile(dir.file("worker.out"));

  auto none = RunSmartcar("ui --data " + dir.file("nothing-here") + " --port 0");
  EXPECT_EQ(none.exit_code, 2) << none.out;
  EXPECT_NE(none.out.find("no data folder"), std::string::npos) << none.out;
}

}  // namespace
}  // namespace smartcar::cli
