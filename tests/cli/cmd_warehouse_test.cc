// `smartcar warehouse`, `smartcar sql` and `smartcar report` as a user runs them.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "test_util.h"

namespace smartcar {
namespace {

using testing::RunSmartcar;

const std::string kPilotDay =
    std::string(SMARTCAR_PILOT_SAMPLES) + "/SmartCarStatusInfo_20220426_10cars.txt.gz";

TEST(CmdWarehouseTest, LoadPilotDayThenQueryAndListPartitions) {
  testing::TempDir dir;
  const std::string data = " --data " + dir.file("data");
  auto load = RunSmartcar("warehouse load --table SmartCar_Status_Info --date 20220426 " +
                          kPilotDay + data);
  ASSERT_EQ(load.exit_code, 0) << load.out;
  EXPECT_NE(load.out.find("loaded 216010 rows into SmartCar_Status_Info wrk_date=20220426"),
            std::string::npos)
      << load.out;
  EXPECT_NE(load.out.find("rejected 0"), std::string::npos) << load.out;

  auto csv = RunSmartcar(
      "sql --format csv -e \"SELECT wrk_date, count(*) AS n FROM "
      "SmartCar_Status_Info GROUP BY ALL\"" +
      data);
  ASSERT_EQ(csv.exit_code, 0) << csv.out;
  EXPECT_EQ(csv.out, "wrk_date,n\n20220426,216010\n");

  auto json = RunSmartcar("sql --format json -e \"SELECT 1 AS one, 'x' AS s, NULL AS z\"" + data);
  ASSERT_EQ(json.exit_code, 0) << json.out;
  EXPECT_EQ(json.out, "[\n{\"one\":1,\"s\":\"x\",\"z\":null}\n]\n");

  auto parts = RunSmartcar("warehouse partitions SmartCar_Status_Info --format csv" + data);
  ASSERT_EQ(parts.exit_code, 0) << parts.out;
  EXPECT_EQ(parts.out.rfind("wrk_date,rows,bytes,path\n20220426,216010,", 0), 0u) << parts.out;

  auto drop = RunSmartcar("warehouse drop-partition SmartCar_Status_Info 20220426" + data);
  ASSERT_EQ(drop.exit_code, 0) << drop.out;
  auto again = RunSmartcar("warehouse drop-partition SmartCar_Status_Info 20220426" + data);
  EXPECT_EQ(again.exit_code, 1) << again.out;
  EXPECT_NE(again.out.find("has no partition wrk_date=20220426"), std::string::npos) << again.out;
}

TEST(CmdWarehouseTest, MalformedFileReportsRejectsAndWhere) {
  testing::TempDir dir;
  testing::WriteFile(dir.file("s.txt"),
                     "20220426000004,A0001,80,80,80,80,1,1,1,1,A,A,90\n"
                     "20220426000008,A0001,80,80,80,80,1,1,1,1,Z,A,90\n");
  auto r = RunSmartcar("warehouse load --date 20220426 " + dir.file("s.txt") + " --data " +
                       dir.file("data"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("loaded 1 rows"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rejected 1 lines (first: line 2, field 11 (engine)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("_rejects/SmartCar_Status_Info/wrk_date=20220426.txt"), std::string::npos)
      << r.out;

  testing::WriteFile(dir.file("junk.txt"), "junk\n");
  auto bad = RunSmartcar("warehouse load --date 20220427 " + dir.file("junk.txt") + " --data " +
                         dir.file("data"));
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_NE(bad.out.find("no valid status lines"), std::string::npos) << bad.out;
  auto usage = RunSmartcar("warehouse load " + dir.file("s.txt"));
  EXPECT_EQ(usage.exit_code, 106) << usage.out;  // CLI11: --date is required.
}

TEST(CmdSqlTest, ErrorsAreDuckDbMessagesWithPositionAndExitOne) {
  testing::TempDir dir;
  auto r = RunSmartcar("sql -e \"SELECT car_numbr FROM SmartCar_Status_Info\" --data " + dir.str());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("Binder Error: Referenced column \"car_numbr\" not found"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("LINE 1: SELECT car_numbr FROM SmartCar_Status_Info\n               ^"),
            std::string::npos)
      << r.out;
}

TEST(CmdSqlTest, StatementsFromAPipe) {
  testing::TempDir dir;
  auto r =
      testing::RunCommand("printf 'SELECT 1 AS a;\\nSELECT\\n  2 AS b;\\nSELEC 3;\\n' | " +
                          std::string(SMARTCAR_BINARY) + " sql --format csv --data " + dir.str());
  EXPECT_EQ(r.exit_code, 1) << r.out;  // The third statement fails.
  EXPECT_NE(r.out.find("a\n1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("b\n2\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Parser Error"), std::string::npos) << r.out;
}

// With a terminal on stdin (util-linux `script` provides one) the shell prompts, runs
// statements spanning lines, and keeps history in $HOME/.smartcar_sql_history.
TEST(CmdSqlTest, InteractiveShellOnATerminalKeepsHistory) {
  testing::TempDir dir;
  auto r = testing::RunCommand("printf 'SELECT 40 +\\n 2 AS x;\\n.quit\\n' | HOME=" + dir.str() +
                               " script -qec '" + std::string(SMARTCAR_BINARY) + " sql --data " +
                               dir.str() + "' /dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("smartcar> "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("|      42 |"), std::string::npos) << r.out;
  EXPECT_EQ(testing::ReadFile(dir.file(".smartcar_sql_history")), "SELECT 40 +\n 2 AS x;\n.quit\n");
}

TEST(CmdReportTest, StatusReportByMonthToHtmlAndTable) {
  testing::TempDir dir;
  const std::string data = " --data " + dir.file("data");
  ASSERT_EQ(RunSmartcar("warehouse load --date 20220426 " + kPilotDay + data).exit_code, 0);
  auto r = RunSmartcar("report status --by month --format csv" + data);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("2022-04,2022-04-01,2022-04-30,1,216010,10,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stored as table SmartCar_Status_Report_month"), std::string::npos);
  auto html = RunSmartcar("report status --by week --out " + dir.file("r.html") + data);
  ASSERT_EQ(html.exit_code, 0) << html.out;
  EXPECT_NE(testing::ReadFile(dir.file("r.html")).find("2022-W17"), std::string::npos);
  auto stored = RunSmartcar(
      "sql --format csv -e \"SELECT period, readings FROM SmartCar_Status_Report_week\"" + data);
  EXPECT_EQ(stored.out, "period,readings\n2022-W17,216010\n");
  auto bad = RunSmartcar("report status --by fortnight" + data);
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
}

TEST(CmdWarehouseTest, SpoolOnceLoadsAndMarksFiles) {
  testing::TempDir dir;
  ASSERT_EQ(RunSmartcar("gen status --date 20220426 --cars 2 --out " + dir.file("spool")).exit_code,
            0);
  testing::WriteFile(dir.file("spool/readme.txt"), "not a status log\n");
  auto r = RunSmartcar("warehouse spool --once --dir " + dir.file("spool") + " --data " +
                       dir.file("data"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(std::filesystem::exists(dir.file("spool/SmartCarStatusInfo_20220426.txt.COMPLETED")));
  EXPECT_TRUE(std::filesystem::exists(dir.file("spool/readme.txt")));
  auto q = RunSmartcar(
      "sql --format csv -e \"SELECT count(*) AS n FROM SmartCar_Status_Info\" "
      "--data " +
      dir.file("data"));
  EXPECT_EQ(q.out, "n\n43202\n");
}

// Without --once the sink polls the folder: a file dropped in later is loaded and marked, and
// SIGTERM ends the loop with exit 0.
TEST(CmdWarehouseTest, SpoolPollsUntilSigterm) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.file("spool"));
  ASSERT_EQ(RunSmartcar("gen status --date 20220427 --cars 1 --out " + dir.file("gen")).exit_code,
            0);
  const std::string done = dir.file("spool/SmartCarStatusInfo_20220427.txt.COMPLETED");
  const std::string script = std::string(SMARTCAR_BINARY) +
                             " warehouse spool --interval 0.1 --dir " + dir.file("spool") +
                             " --data " + dir.file("data") + " & pid=$!; sleep 0.3; mv " +
                             dir.file("gen/SmartCarStatusInfo_20220427.txt") + " " +
                             dir.file("spool/") + "; for i in $(seq 200); do [ -e " + done +
                             " ] && break; sleep 0.1; done; kill -TERM $pid; wait $pid; echo rc=$?";
  auto r = testing::RunCommand(script);
  EXPECT_NE(r.out.find("rc=0"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(done)) << r.out;
  EXPECT_NE(r.out.find("loaded 21601 rows into SmartCar_Status_Info wrk_date=20220427"),
            std::string::npos)
      << r.out;
}

// `warehouse spool --once` SIGKILLed at random moments (#15's fault suite), then run to the end:
// every day is loaded exactly once — each partition's rows equal those of an uninterrupted run,
// none doubled or missing — and every file is marked .COMPLETED. The seed is printed so a failure
// reproduces (SMARTCAR_TEST_SEED).
TEST(CmdWarehouseTest, SpoolKilledAtRandomMomentsLoadsEveryDayExactlyOnce) {
  testing::TempDir dir;
  const std::vector<std::string> days = {"20220426", "20220427", "20220428", "20220429"};
  for (const std::string& day : days) {
    for (const char* spool : {"spool", "ref"}) {
      ASSERT_EQ(
          RunSmartcar("gen status --date " + day + " --cars 4 --seed 7 --out " + dir.file(spool))
              .exit_code,
          0);
    }
  }
  const auto ref_start = std::chrono::steady_clock::now();
  auto ref = RunSmartcar("warehouse spool --once --dir " + dir.file("ref") + " --data " +
                         dir.file("ref-data"));
  ASSERT_EQ(ref.exit_code, 0) << ref.out;
  // The kills land within the time an uninterrupted run took here (~0.25 s on a quiet machine,
  // more under load), the first within half of it, so at least one lands before the end.
  const auto ref_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - ref_start)
                          .count();
  const auto window_ms = static_cast<unsigned>(std::max<int64_t>(ref_ms, 2));
  // SMARTCAR_TEST_SEED=N repeats a printed run's kill moments.
  const char* fixed = std::getenv("SMARTCAR_TEST_SEED");
  const auto seed =
      fixed != nullptr ? static_cast<unsigned>(std::strtoul(fixed, nullptr, 10))
                       : static_cast<unsigned>(
                             std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
  std::printf("SpoolKilledAtRandomMoments seed %u\n", seed);
  std::mt19937 rng(seed);
  int kills = 0;
  for (int round = 0; round < 20; ++round) {
    const pid_t pid = fork();
    if (pid == 0) {
      const std::string bin = SMARTCAR_BINARY, dir_arg = dir.file("spool"),
                        data_arg = dir.file("data");
      std::freopen("/dev/null", "w", stderr);
      execl(bin.c_str(), bin.c_str(), "warehouse", "spool", "--once", "--dir", dir_arg.c_str(),
            "--data", data_arg.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(
        std::chrono::milliseconds(rng() % (round == 0 ? window_ms / 2 : window_ms)));
    const bool killed = kill(pid, SIGKILL) == 0;
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st) && killed) {
      ++kills;
    } else {
      ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "seed " << seed;
      break;  // It finished before the kill.
    }
  }
  auto r = RunSmartcar("warehouse spool --once --dir " + dir.file("spool") + " --data " +
                       dir.file("data"));
  ASSERT_EQ(r.exit_code, 0) << r.out << " seed " << seed;
  EXPECT_GT(kills, 0) << "seed " << seed;
  std::printf("SpoolKilledAtRandomMoments: %d kills\n", kills);
  for (const std::string& day : days) {
    EXPECT_TRUE(
        std::filesystem::exists(dir.file("spool/SmartCarStatusInfo_" + day + ".txt.COMPLETED")))
        << day << " seed " << seed;
  }
  const std::string q =
      "sql --format csv -e \"SELECT wrk_date, count(*) AS n, sum(hash(t)) AS h FROM "
      "SmartCar_Status_Info t GROUP BY ALL ORDER BY ALL\" --data ";
  const auto want = RunSmartcar(q + dir.file("ref-data"));
  ASSERT_EQ(want.exit_code, 0) << want.out;
  EXPECT_EQ(std::count(want.out.begin(), want.out.end(), '\n'), 5) << want.out;
  EXPECT_EQ(RunSmartcar(q + dir.file("data")).out, want.out) << "seed " << seed;
}

}  // namespace
}  // namespace smartcar
