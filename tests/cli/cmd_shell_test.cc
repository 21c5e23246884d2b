// `smartcar shell` and `smartcar table` as a user runs them: modes, exit codes, messages.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace smartcar {
namespace {

using testing::RunSmartcar;

// A typo in --data must not start an empty store silently.
TEST(CmdShellTest, AMissingDataFolderIsAnError) {
  testing::TempDir dir;
  auto r = RunSmartcar("shell --data " + dir.file("typo") + " -e \"list\"");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("data folder '" + dir.file("typo") + "' does not exist"), std::string::npos)
      << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir.file("typo")));
  r = RunSmartcar("sql --data " + dir.file("typo") + " -e \"SELECT 1\"");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("does not exist"), std::string::npos) << r.out;
  r = RunSmartcar("consume SmartCar-Topic --max 1 --data " + dir.file("typo"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("does not exist"), std::string::npos) << r.out;
}

TEST(CmdShellTest, ExecuteRunsStatementsAndReportsFailure) {
  testing::TempDir dir;
  auto ok = RunSmartcar("shell --data " + dir.str() +
                        " --no-timing -e \"create 't', 'cf'; put 't', 'r', 'cf:q', 'v', 7; "
                        "scan 't'\"");
  ASSERT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_EQ(ok.out,
            "Created table t\n=> Hbase::Table - t\n"
            "ROW                                      COLUMN+CELL\n"
            " r                                       column=cf:q, timestamp=7, value=v\n"
            "1 row(s)\n");
  auto bad = RunSmartcar("shell --data " + dir.str() + " -e \"scan 'nope'\"");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("ERROR: Unknown table nope!"), std::string::npos) << bad.out;
}

TEST(CmdShellTest, StdinScriptWithMultiLineStatement) {
  testing::TempDir dir;
  testing::WriteFile(dir.file("s.hbase"),
                     "create 't', 'cf'\nput 't', 'a', 'cf:q', '1'\nput 't', 'b', 'cf:q', '2'\n"
                     "scan 't', {STARTROW => 'b',\n  LIMIT => 1}\nexit\nlist\n");
  auto r = RunSmartcar("shell --data " + dir.str() + " < " + dir.file("s.hbase"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(" b "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(" a "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("TABLE"), std::string::npos) << r.out;  // Nothing runs after exit.
}

TEST(CmdTableTest, SplitCreatesAndResplits) {
  testing::TempDir dir;
  auto r = RunSmartcar("table split --data " + dir.str() + " DriverCarInfo HexStringSplit -c 4");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("['', '40000000') ['40000000', '80000000')"), std::string::npos) << r.out;
  auto again =
      RunSmartcar("table split --data " + dir.str() + " DriverCarInfo UniformSplit -c 2 -f cf1");
  EXPECT_EQ(again.exit_code, 0) << again.out;
  auto bad = RunSmartcar("table split --data " + dir.str() + " T NoSuchSplit -c 2 -f cf1");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("unknown split algorithm 'NoSuchSplit'"), std::string::npos);
  auto one = RunSmartcar("table split --data " + dir.str() + " T HexStringSplit -c 1 -f cf1");
  EXPECT_EQ(one.exit_code, 2);
}

TEST(CmdTableTest, LoadReportsBadLinesAndKeepsGoodOnes) {
  testing::TempDir dir;
  testing::WriteFile(dir.file("d.log"),
                     "20220426061000,O0010,1,0,F,N,81,F06\n"
                     "20220426061000,O0011,1,0,F,N,x9,F06\n"
                     "20220426061002,O0010,1,0,F,N,82,F06\n");
  auto r = RunSmartcar("table load --data " + dir.str() + " " + dir.file("d.log"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("line 2, field 7 (speed)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 rows into DriverCarInfo (1 bad lines skipped)"), std::string::npos);
  auto get = RunSmartcar("shell --data " + dir.str() +
                         " -e \"get 'DriverCarInfo', '00016062402202-O0010', 'cf1:speed'\"");
  EXPECT_NE(get.out.find("value=81"), std::string::npos) << get.out;
}

}  // namespace
}  // namespace smartcar
