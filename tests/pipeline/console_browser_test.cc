// The operator's console in a real headless Chromium (Debian's `chromium`, installed by
// scripts/setup) against a live `smartcar worker` on a run's data folder: the pages show what
// the API answers, and a cell holding markup is shown as text, never run. A screenshot of the
// page goes to console-screenshots/ in the test's working folder (the build tree).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "pipeline_test_util.h"
#include "server/http_client.h"
#include "server/stats_json.h"
#include "test_util.h"

namespace smartcar::pipeline {
namespace {

namespace fs = std::filesystem;
using ::smartcar::pipeline::testing::SpawnSmartcar;
using ::smartcar::testing::RunCommand;
using ::smartcar::testing::RunSmartcar;
using ::smartcar::testing::TempDir;

constexpr const char* kChromium = "/usr/bin/chromium";

// Headless Chromium with no network beyond loopback, as on this machine's closed network.
std::string Chromium(const TempDir& dir, const std::string& profile) {
  return std::string(kChromium) +
         " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
         " --disable-background-networking --disable-component-update --disable-sync"
         " --hide-scrollbars --window-size=1280,1400 --virtual-time-budget=10000"
         " --user-data-dir=" +
         dir.file(profile);
}

TEST(ConsoleBrowserTest, ThePagesShowWhatTheApiAnswersAndMarkupStaysText) {
  ASSERT_TRUE(fs::exists(kChromium)) << kChromium << " is missing: scripts/setup installs it";
  TempDir dir;
  const std::string data = dir.file("data");
  const std::string rules = std::string(SMARTCAR_SOURCE_DIR) + "/rules";
  auto r = RunSmartcar("run --fast --cars 20 --seconds 900 --date 20220426 --seed 1 --rules " +
                       rules + " --data " + data + " --metrics-port off");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string markup =
      R"(<script>document.title="pwned"</script><img src=x onerror="document.title=1">)";
  ::smartcar::testing::WriteFile(
      dir.file("put.hbase"),
      "put 'DriverCarInfo', 'zz-markup', 'cf1:car_number', '" + markup + "'\n");
  r = RunSmartcar("shell --data " + data + " < " + dir.file("put.hbase"));
  ASSERT_EQ(r.exit_code, 0) << r.out;

  const pid_t worker = SpawnSmartcar("worker --metrics-port 0 --rules " + rules + " --data " + data,
                                     dir.file("worker.out"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(data + "/metrics.json") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string url;
  if (auto info =
          server::EndpointInfoFromJson(::smartcar::testing::ReadFile(data + "/metrics.json"))) {
    url = info->url;
  }
  const std::string page = url + "/?date=20220426&startrow=zz&limit=5";
  auto dom = RunCommand(Chromium(dir, "profile1") + " --dump-dom '" + page + "' 2>/dev/null");
  fs::create_directories("console-screenshots");
  const std::string shot = fs::absolute("console-screenshots/console.png").string();
  fs::remove(shot);
  auto snap = RunCommand(Chromium(dir, "profile2") + " --screenshot=" + shot + " '" + page + "'");
  auto detections = server::HttpGet(url + "/api/v1/detections?date=20220426");
  auto stats = server::HttpGet(url + "/stats.json");
  // The API token: printed at start, in DATA/console-token readable by its owner only while the
  // worker serves the API.
  const std::string token_file = data + "/console-token";
  const bool token_existed = fs::exists(token_file);
  const fs::perms token_perms = fs::status(token_file).permissions() & fs::perms::all;
  const std::string token = token_existed ? ::smartcar::testing::ReadFile(token_file) : "";
  kill(worker, SIGINT);
  int st = 0;
  waitpid(worker, &st, 0);
  ASSERT_FALSE(url.empty()) << ::smartcar::testing::ReadFile(dir.file("worker.out"));
  ASSERT_EQ(dom.exit_code, 0) << dom.out;
  ASSERT_TRUE(detections.has_value() && stats.has_value());

  // Detections: every car of the API's day set, in a row of its own, and the count.
  const auto day = nlohmann::json::parse(detections->body);
  ASSERT_FALSE(day["cars"].empty()) << detections->body;
  for (const auto& car : day["cars"]) {
    EXPECT_NE(dom.out.find("<tr><td>" + car.get<std::string>() + "</td>"), std::string::npos)
        << car;
  }
  EXPECT_NE(dom.out.find(std::to_string(day["cars"].size()) + " car(s) on 20220426"),
            std::string::npos);
  // Overview: a counter's value as /stats.json gives it (the worker's, steady: nothing arrives).
  const auto snapshot = nlohmann::json::parse(stats->body);
  for (const auto& c : snapshot["pipeline"]) {
    if (c["name"] != "rule_reloads") continue;
    EXPECT_NE(dom.out.find(">rule_reloads</td><td class=\"num\">" +
                           std::to_string(c["value"].get<uint64_t>()) + "</td>"),
              std::string::npos);
  }
  // Table: the scan from STARTROW zz shows the cell's markup as text; nothing of it ran.
  EXPECT_NE(dom.out.find("<td>zz-markup</td><td>cf1:car_number</td>"), std::string::npos);
  EXPECT_NE(dom.out.find("&lt;script&gt;document.title=\"pwned\"&lt;/script&gt;&lt;img src=x "
                         "onerror=\"document.title=1\"&gt;"),
            std::string::npos)
      << markup;
  EXPECT_NE(dom.out.find("<title>SmartCar console</title>"), std::string::npos);
  EXPECT_EQ(dom.out.find("<script>document.title"), std::string::npos);
  EXPECT_EQ(dom.out.find("<img src=\"x\""), std::string::npos);
  // Rules: the folder's rule listed, loaded into the editor and checked by the compiler.
  EXPECT_NE(dom.out.find("<tr><td>overspeed.epl</td><td>folder</td>"), std::string::npos);
  EXPECT_NE(dom.out.find(">OK: overspeed (date, carNumber, speedPedal, "), std::string::npos);
  ASSERT_TRUE(token_existed);
  EXPECT_EQ(token_perms, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_FALSE(fs::exists(token_file)) << "removed when the worker stopped";
  EXPECT_EQ(token.size(), 33u);
  EXPECT_NE(::smartcar::testing::ReadFile(dir.file("worker.out"))
                .find("console API token (X-Smartcar-Token, for deploy and rollback): " +
                      token.substr(0, 32)),
            std::string::npos);
  // The screenshot: a PNG of the page.
  ASSERT_TRUE(fs::exists(shot)) << snap.out;
  EXPECT_GT(fs::file_size(shot), 10000u);
  EXPECT_EQ(::smartcar::testing::ReadFile(shot).substr(1, 3), "PNG");
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

}  // namespace
}  // namespace smartcar::pipeline
