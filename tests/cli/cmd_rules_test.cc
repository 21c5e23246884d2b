// `smartcar rules check` and `smartcar rules run` as a user runs them.
#include <gtest/gtest.h>

#include <algorithm>

#include "test_util.h"

namespace smartcar {
namespace {

using testing::RunSmartcar;

const std::string kPilotLog =
    std::string(SMARTCAR_PILOT_SAMPLES) + "/SmartCarDriverInfo_20220426_20cars.log";
const std::string kOverspeed = std::string(SMARTCAR_SOURCE_DIR) + "/rules/overspeed.epl";

TEST(CmdRulesTest, CheckAcceptsTheDefaultRule) {
  auto r = RunSmartcar("rules check " + kOverspeed);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("OK, 1 statement: overspeed"), std::string::npos) << r.out;
}

// A folder: every *.epl in it (what `run --rules DIR` deploys); an empty one says so.
TEST(CmdRulesTest, CheckTakesAFolder) {
  auto r = RunSmartcar("rules check " + std::string(SMARTCAR_SOURCE_DIR) + "/rules");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("overspeed.epl: OK, 1 statement: overspeed"), std::string::npos) << r.out;
  testing::TempDir dir;
  r = RunSmartcar("rules check " + dir.str());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("no rule files (*.epl) in '" + dir.str() + "'"), std::string::npos)
      << r.out;
}

TEST(CmdRulesTest, CheckRejectsABadRuleWithLineAndColumn) {
  testing::TempDir dir;
  testing::WriteFile(dir.file("bad.epl"),
                     "-- typo on line 2\nSELECT carNumber, avg(sped) FROM DriverCarInfo\n");
  auto r = RunSmartcar("rules check " + dir.file("bad.epl"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("bad.epl: line 2 column 23: unknown field 'sped' in DriverCarInfo; did "
                       "you mean 'speed'?"),
            std::string::npos)
      << r.out;
  auto missing = RunSmartcar("rules check " + dir.file("nope.epl"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find("cannot read rule file"), std::string::npos) << missing.out;
}

TEST(CmdRulesTest, RunReplaysThePilotLog) {
  auto r = RunSmartcar("rules run " + kOverspeed + " --input " + kPilotLog + " --flush");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto rows = std::count(r.out.begin(), r.out.end(), '\n');
  EXPECT_GT(rows, 29);
  EXPECT_EQ(r.out.rfind("{\"stmt\":\"overspeed\",\"after_event\":", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\"carNumber\":\"W0003\""), std::string::npos);
  EXPECT_NE(r.out.find("\"carNumber\":\"O0012\""), std::string::npos);
  // Replaying again gives the same bytes.
  EXPECT_EQ(RunSmartcar("rules run " + kOverspeed + " --input " + kPilotLog + " --flush").out,
            r.out);
}

TEST(CmdRulesTest, RunReadsStdinWithClockLines) {
  testing::TempDir dir;
  testing::WriteFile(dir.file("r.epl"),
                     "@Name('b') SELECT carNumber, count(*) AS n FROM "
                     "DriverCarInfo.win:time_batch(10 sec) GROUP BY carNumber;\n"
                     "@Name('other') SELECT speed FROM DriverCarInfo\n");
  testing::WriteFile(dir.file("in.log"),
                     "20220426000000,A0001,1,0,F,N,10,A01\n@ 4\n"
                     "20220426000002,A0001,1,0,F,N,10,A01\n@ 10\n");
  auto r = RunSmartcar("rules run " + dir.file("r.epl") + " --stmt b < " + dir.file("in.log"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "{\"stmt\":\"b\",\"at_time\":10,\"row\":{\"carNumber\":\"A0001\",\"n\":2}}\n");
}

TEST(CmdRulesTest, RunReportsBadInputAndKeepsGoodLines) {
  testing::TempDir dir;
  testing::WriteFile(dir.file("r.epl"), "SELECT speed FROM DriverCarInfo");
  testing::WriteFile(dir.file("in.log"),
                     "20220426000000,A0001,1,0,F,N,10,A01\nbad line\n"
                     "20220426000002,A0001,1,0,F,N,11,A01\n");
  auto r = RunSmartcar("rules run " + dir.file("r.epl") + " --input " + dir.file("in.log"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("line 2, expected 8 comma-separated fields, found 1 (skipped)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"after_event\":2,\"row\":{\"speed\":11}"), std::string::npos) << r.out;
}

TEST(CmdRulesTest, RunErrors) {
  testing::TempDir dir;
  testing::WriteFile(dir.file("r.epl"), "@Name('a') SELECT speed FROM DriverCarInfo");
  testing::WriteFile(dir.file("in.log"), "@ 5\n@ 2\n");
  auto back = RunSmartcar("rules run " + dir.file("r.epl") + " --input " + dir.file("in.log"));
  EXPECT_EQ(back.exit_code, 1);
  EXPECT_NE(back.out.find("line 2: time cannot go backwards"), std::string::npos) << back.out;
  auto stmt =
      RunSmartcar("rules run " + dir.file("r.epl") + " --stmt zz --input " + dir.file("in.log"));
  EXPECT_EQ(stmt.exit_code, 1);
  EXPECT_NE(stmt.out.find("no statement named 'zz'; the rule has: a"), std::string::npos)
      << stmt.out;
  auto input = RunSmartcar("rules run " + dir.file("r.epl") + " --input " + dir.file("none"));
  EXPECT_EQ(input.exit_code, 1);
}

}  // namespace
}  // namespace smartcar
