// The `smartcar gen` command as a user runs it: exit codes and messages.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>

#include "test_util.h"

namespace smartcar {
namespace {

using testing::RunSmartcar;

TEST(CmdGenTest, DriverFastRunWritesTheFile) {
  testing::TempDir dir;
  auto r = RunSmartcar("gen driver --date 20220426 --cars 10 --seconds 30 --fast --seed 3 --out " +
                       dir.str());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string text = testing::ReadFile(dir.file("SmartCarDriverInfo.log"));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 300);
  EXPECT_EQ(text.substr(0, 15), "20220426000000,");
  EXPECT_NE(r.out.find("wrote 300 lines"), std::string::npos) << r.out;
}

TEST(CmdGenTest, MasterAndBuyListWriteThePilotsFiles) {
  testing::TempDir dir;
  auto r = RunSmartcar("gen master --seed 2 --out " + dir.str());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("wrote 2600 cars"), std::string::npos) << r.out;
  const std::string master = testing::ReadFile(dir.file("CarMaster.txt"));
  EXPECT_EQ(std::count(master.begin(), master.end(), '\n'), 2600);
  r = RunSmartcar("gen buylist --month 202003 --lines 1000 --out " + dir.str());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string buys = testing::ReadFile(dir.file("CarItemBuyList_202003.txt"));
  EXPECT_EQ(std::count(buys.begin(), buys.end(), '\n'), 1000);
  r = RunSmartcar("gen buylist --month 2020-03 --out " + dir.str());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--month must be yyyyMM"), std::string::npos) << r.out;
  r = RunSmartcar("gen master --cars 0 --out " + dir.str());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--cars"), std::string::npos) << r.out;
}

TEST(CmdGenTest, SameSeedSameBytesThroughTheCli) {
  testing::TempDir a, b;
  ASSERT_EQ(RunSmartcar("gen driver --date 20220426 --cars 7 --seconds 20 --fast --seed 9 "
                        "--pilot-headers --out " +
                        a.str())
                .exit_code,
            0);
  ASSERT_EQ(RunSmartcar("gen driver --date 20220426 --cars 7 --seconds 20 --fast --seed 9 "
                        "--pilot-headers --out " +
                        b.str())
                .exit_code,
            0);
  EXPECT_EQ(testing::ReadFile(a.file("SmartCarDriverInfo.log")),
            testing::ReadFile(b.file("SmartCarDriverInfo.log")));
}

TEST(CmdGenTest, SigtermFlushesAndExitsZero) {
  testing::TempDir dir;
  auto r =
      testing::RunCommand("timeout --preserve-status -s TERM 1.5 " + std::string(SMARTCAR_BINARY) +
                          " gen driver --date 20220426 --cars 5 --out " + dir.str());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const std::string text = testing::ReadFile(dir.file("SmartCarDriverInfo.log"));
  // Real time: one tick at once, one more a second later.
  const auto lines = std::count(text.begin(), text.end(), '\n');
  EXPECT_GE(lines, 5);
  EXPECT_EQ(lines % 5, 0);
}

TEST(CmdGenTest, BadDateIsAUsageError) {
  auto r = RunSmartcar("gen driver --date 20221332 --seconds 1 --fast --out /tmp");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--date: '20221332' is not a valid date"), std::string::npos) << r.out;
  r = RunSmartcar("gen status --date 2022-04-26 --out /tmp");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("is not a date yyyyMMdd"), std::string::npos) << r.out;
}

TEST(CmdGenTest, ZeroCarsIsAUsageError) {
  auto r = RunSmartcar("gen driver --cars 0 --seconds 1 --fast --out /tmp");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--cars must be between 1 and 9999, got 0"), std::string::npos) << r.out;
  r = RunSmartcar("gen status --cars 0 --out /tmp");
  EXPECT_EQ(r.exit_code, 2);
}

TEST(CmdGenTest, FastWithoutSecondsIsAUsageError) {
  auto r = RunSmartcar("gen driver --fast --out /tmp");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--fast needs --seconds"), std::string::npos) << r.out;
}

TEST(CmdGenTest, UnwritableFolderNamesThePath) {
  testing::TempDir dir;
  // A regular file where a folder is expected: fails even for root.
  testing::WriteFile(dir.file("blocker"), "x");
  auto r =
      RunSmartcar("gen driver --cars 2 --seconds 2 --fast --out " + dir.file("blocker") + "/sub");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("cannot create folder '" + dir.file("blocker") + "/sub'"), std::string::npos)
      << r.out;
  r = RunSmartcar("gen status --cars 2 --out " + dir.file("blocker"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(dir.file("blocker")), std::string::npos) << r.out;
}

TEST(CmdGenTest, HelpExplainsEveryFlag) {
  auto r = RunSmartcar("gen driver --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--date", "--cars", "--out", "--seconds", "--interval", "--fast",
                           "--seed", "--overspeed-ratio", "--pilot-headers"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(RunSmartcar("gen status --help").exit_code, 0);
  EXPECT_NE(RunSmartcar("no-such-command").exit_code, 0);
}

}  // namespace
}  // namespace smartcar
