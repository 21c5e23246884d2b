// The scheduler: due days run once, by the leader only, over the embedded coordinator and over a
// real ZooKeeper server shared by two schedulers.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <sstream>
#include <thread>

#include "coord/zookeeper_process.h"
#include "core/event_time.h"
#include "test_util.h"

namespace smartcar::workflow {
namespace {

using testing::ReadFile;
using testing::RunSmartcar;
using testing::TempDir;
using testing::WriteFile;

// Lines of `text` counted.
std::map<std::string, int> Lines(const std::string& text) {
  std::map<std::string, int> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) ++out[line];
  }
  return out;
}

std::string DaysAgo(int n) {
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  return FormatDate8FromDays(now_ms / kMsPerDay - n);
}

pid_t StartScheduler(const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string bin = SMARTCAR_BINARY;
    std::vector<char*> argv = {const_cast<char*>(bin.c_str()), const_cast<char*>("scheduler")};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

void StopAndWait(pid_t pid) {
  kill(pid, SIGTERM);
  int st = 0;
  waitpid(pid, &st, 0);
}

// A workflow due every day (UTC midnight) since 6 days ago: 6 working days are due now.
void WriteDailyWorkflow(const std::string& folder, const std::string& out, int sleep_ms) {
  std::filesystem::create_directories(folder);
  WriteFile(folder + "/daily.yaml",
            "name: daily\n"
            "schedule: {cron: '0 0 * * *', timezone: UTC, start: '" +
                DaysAgo(6) +
                "'}\n"
                "actions:\n"
                "  - {name: a, type: shell, command: 'sleep " +
                std::to_string(sleep_ms / 1000.0) + "; echo ${working_day} >> " + out + "'}\n");
}

TEST(SchedulerTest, OnceRunsEveryDueDayAndNothingTwice) {
  TempDir dir;
  const std::string out = dir.str() + "/out.txt";
  WriteDailyWorkflow(dir.str() + "/workflows", out, 0);
  const std::string flags =
      " --workflows " + dir.str() + "/workflows --data " + dir.str() + "/data --once";
  auto r = RunSmartcar("scheduler" + flags);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto lines = Lines(ReadFile(out));
  ASSERT_EQ(lines.size(), 6u) << ReadFile(out);
  for (int i = 1; i <= 6; ++i) EXPECT_EQ(lines[DaysAgo(i)], 1) << DaysAgo(i);
  auto again = RunSmartcar("scheduler" + flags);
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_EQ(Lines(ReadFile(out)).size(), 6u);
  for (const auto& [day, n] : Lines(ReadFile(out))) EXPECT_EQ(n, 1) << day;
}

TEST(SchedulerTest, ASchedulerKilledMidRunResumesWithoutRerunningFinishedActions) {
  TempDir dir;
  const std::string folder = dir.str() + "/workflows";
  const std::string out = dir.str() + "/out.txt";
  const std::string started = dir.str() + "/b-started";
  const std::string release = dir.str() + "/release";
  std::filesystem::create_directories(folder);
  WriteFile(folder + "/three.yaml",
            "name: three\n"
            "schedule: {cron: '0 0 * * *', timezone: UTC, start: '" +
                DaysAgo(1) +
                "'}\n"
                "actions:\n"
                "  - {name: a, type: shell, command: 'echo a >> " +
                out +
                "'}\n"
                "  - {name: b, type: shell, depends_on: a, command: 'echo b >> " +
                out + "; touch " + started + "; while [ ! -f " + release +
                " ]; do sleep 0.05; done'}\n"
                "  - {name: c, type: shell, depends_on: b, command: 'echo c >> " +
                out + "'}\n");
  const std::vector<std::string> args = {"--workflows",       folder,   "--data",
                                         dir.str() + "/data", "--tick", "100ms"};
  const pid_t pid = StartScheduler(args);
  for (int i = 0; i < 600 && !std::filesystem::exists(started); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(std::filesystem::exists(started));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  WriteFile(release, "");
  auto r = RunSmartcar("scheduler --once --workflows " + folder + " --data " + dir.str() + "/data");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("three " + DaysAgo(1) + ": succeeded"), std::string::npos) << r.out;
  EXPECT_EQ(ReadFile(out), "a\nb\nb\nc\n");  // a once; b again (it never finished); c once.
}

// A running scheduler keeps the days it saw finish (it does not read every due day's run on every
// tick), and still re-runs a day that `workflow clear` made runnable again while it runs.
TEST(SchedulerTest, ARunningSchedulerRerunsADayClearedMeanwhile) {
  TempDir dir;
  const std::string folder = dir.str() + "/workflows";
  const std::string out = dir.str() + "/out.txt";
  WriteDailyWorkflow(folder, out, 0);
  const std::string data = dir.str() + "/data";
  const pid_t pid = StartScheduler({"--workflows", folder, "--data", data, "--tick", "100ms"});
  const auto wait_lines = [&](size_t n) {
    for (int i = 0; i < 1200 && Lines(ReadFile(out)).size() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  };
  wait_lines(6);
  ASSERT_EQ(Lines(ReadFile(out)).size(), 6u) << ReadFile(out);
  // Several ticks with nothing due: nothing runs again.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (const auto& [day, n] : Lines(ReadFile(out))) EXPECT_EQ(n, 1) << day;
  auto r = RunSmartcar("workflow clear daily --date " + DaysAgo(3) + " --action a --workflows " +
                       folder + " --data " + data);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::map<std::string, int> lines;
  for (int i = 0; i < 1200; ++i) {
    lines = Lines(ReadFile(out));
    if (lines[DaysAgo(3)] == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  StopAndWait(pid);
  lines = Lines(ReadFile(out));
  EXPECT_EQ(lines[DaysAgo(3)], 2) << ReadFile(out);
  for (int i = 1; i <= 6; ++i) {
    if (i != 3) {
      EXPECT_EQ(lines[DaysAgo(i)], 1) << DaysAgo(i);
    }
  }
}

TEST(SchedulerTest, SmartcarRunSchedulesBesideThePipelineUnlessTold) {
  TempDir dir;
  const std::string out = dir.str() + "/out.txt";
  WriteDailyWorkflow(dir.str() + "/workflows", out, 0);
  const std::string base =
      "run --fast --seconds 20 --cars 2 --metrics-port off --workflows " + dir.str() + "/workflows";
  auto off = RunSmartcar(base + " --no-scheduler --data " + dir.str() + "/data-off");
  ASSERT_EQ(off.exit_code, 0) << off.out;
  EXPECT_EQ(ReadFile(out), "");
  auto on = RunSmartcar(base + " --data " + dir.str() + "/data-on");
  ASSERT_EQ(on.exit_code, 0) << on.out;
  // A short run may end before the scheduler got through all 6 days; what ran, ran once.
  auto lines = Lines(ReadFile(out));
  EXPECT_GE(lines.size(), 1u) << on.out;
  for (const auto& [day, n] : lines) EXPECT_EQ(n, 1) << day;
  EXPECT_NE(on.out.find("scheduler: leading"), std::string::npos) << on.out;
}

TEST(SchedulerTest, TwoSchedulersOnOneDataFolderRunEachDayOnceAndTheSurvivorFinishes) {
  TempDir dir;
  const std::string out = dir.str() + "/out.txt";
  WriteDailyWorkflow(dir.str() + "/workflows", out, 300);
  const std::vector<std::string> args = {
      "--workflows", dir.str() + "/workflows", "--data", dir.str() + "/data", "--tick", "100ms"};
  const pid_t first = StartScheduler(args);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const pid_t second = StartScheduler(args);
  // Kill whichever leads mid-way (the first, most likely): the other takes over.
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  kill(first, SIGKILL);
  waitpid(first, nullptr, 0);
  for (int i = 0; i < 300 && Lines(ReadFile(out)).size() < 6; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  StopAndWait(second);
  auto lines = Lines(ReadFile(out));
  EXPECT_EQ(lines.size(), 6u) << ReadFile(out);
  // A day whose action the killed leader had started may run twice (at least once: the action
  // is killed with its scheduler before it could finish) — but a finished day never does.
  int twice = 0;
  for (const auto& [day, n] : lines) {
    EXPECT_LE(n, 2) << day;
    twice += n == 2 ? 1 : 0;
  }
  EXPECT_LE(twice, 1) << ReadFile(out);
}

TEST(SchedulerTest, TwoSchedulersOnOneZooKeeperRunEachDayExactlyOnce) {
  TempDir dir;
  testing::ZooKeeperServer zk(dir.str() + "/zk");
  ASSERT_TRUE(zk.Start()) << "ZooKeeper did not start";
  const std::string out = dir.str() + "/out.txt";
  WriteDailyWorkflow(dir.str() + "/workflows", out, 100);
  // Separate data folders, as on two machines; only ZooKeeper is shared.
  auto args = [&](const std::string& data) {
    return std::vector<std::string>{
        "--workflows", dir.str() + "/workflows", "--data", data, "--tick", "100ms",
        "--zookeeper", zk.address() + "/wf"};
  };
  const pid_t a = StartScheduler(args(dir.str() + "/data-a"));
  const pid_t b = StartScheduler(args(dir.str() + "/data-b"));
  for (int i = 0; i < 300 && Lines(ReadFile(out)).size() < 6; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // Room for a double run.
  StopAndWait(a);
  StopAndWait(b);
  auto lines = Lines(ReadFile(out));
  EXPECT_EQ(lines.size(), 6u) << ReadFile(out);
  for (const auto& [day, n] : lines) EXPECT_EQ(n, 1) << day;
  // The runs are in ZooKeeper: either data folder's status shows them.
  auto status = RunSmartcar("workflow status daily --data " + dir.str() + "/data-b --zookeeper " +
                            zk.address() + "/wf");
  EXPECT_EQ(status.exit_code, 0) << status.out;
  for (int i = 1; i <= 6; ++i) EXPECT_NE(status.out.find(DaysAgo(i)), std::string::npos);
}

}  // namespace
}  // namespace smartcar::workflow
