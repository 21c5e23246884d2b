// workflows/pilot-daily.yaml end to end on a simulated day: status log and driving events made by
// the pilot's simulators, the workflow run by the smartcar binary, the symptom table exported to
// a real PostgreSQL server (the pilot's DDL), and a re-run that changes nothing there.
#include <gtest/gtest.h>

#include <filesystem>

#include "rdbms/postgres_process.h"
#include "test_util.h"

namespace smartcar::workflow {
namespace {

using testing::PostgresServer;
using testing::RunSmartcar;
using testing::TempDir;
using testing::WriteFile;

TEST(PilotDailyTest, TheShippedWorkflowRunsThePilotsDayIntoPostgres) {
  if (!PostgresServer::Available()) GTEST_SKIP() << PostgresServer::MissingMessage();
  PostgresServer pg;
  ASSERT_TRUE(pg.Start()) << pg.error();
  ASSERT_EQ(pg.Psql("create table smartcar_symptom_info ( car_number varchar, speed_p_avg varchar,"
                    " speed_p_symptom varchar, break_p_avg varchar, break_p_symptom varchar,"
                    " steer_a_cnt varchar, steer_p_symptom varchar, biz_date varchar )")
                .exit_code,
            0);
  TempDir dir;
  const std::string data = dir.str() + "/data";
  auto gen = RunSmartcar("gen status --date 20200322 --cars 5 --out " + data + "/logs");
  ASSERT_EQ(gen.exit_code, 0) << gen.out;
  auto drive = RunSmartcar("gen driver --date 20200322 --cars 5 --seconds 300 --fast --out " +
                           dir.str() + "/drive");
  ASSERT_EQ(drive.exit_code, 0) << drive.out;
  auto load =
      RunSmartcar("table load --data " + data + " " + dir.str() + "/drive/SmartCarDriverInfo.log");
  ASSERT_EQ(load.exit_code, 0) << load.out;
  WriteFile(dir.str() + "/pg.password", pg.password() + "\n");
  const std::string run = "workflow run pilot-daily --date 20200322 --workflows " +
                          std::string(SMARTCAR_SOURCE_DIR) + "/workflows --data " + data +
                          " -p pg_connect=" + pg.jdbc_url() + " -p pg_user=" + pg.user() +
                          " -p pg_password_file=" + dir.str() + "/pg.password";
  auto r = RunSmartcar(run);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* action : {"wait-status-log", "load-status", "managed-status", "managed-drive",
                             "emergency-check", "symptom", "status-report", "export-symptom"}) {
    EXPECT_NE(r.out.find(std::string(action) + ": attempt 1 succeeded"), std::string::npos)
        << action << "\n"
        << r.out;
  }
  // The day's managed drive table holds the day's driving events (5 cars x 300 s).
  auto drive_rows = RunSmartcar("sql --format csv --data " + data +
                                " -e \"SELECT count(*) AS n FROM Managed_SmartCar_Drive_Info WHERE "
                                "wrk_date = '20200322'\"");
  EXPECT_NE(drive_rows.out.find("\n1500"), std::string::npos) << drive_rows.out;
  // The symptom partition and PostgreSQL hold the same cars.
  auto cars = RunSmartcar("sql --format csv --data " + data +
                          " -e \"SELECT count(*) FROM Managed_SmartCar_Symptom_Info WHERE "
                          "wrk_date = '20200322'\"");
  ASSERT_EQ(cars.exit_code, 0) << cars.out;
  const std::string count = pg.Psql("select count(*) from smartcar_symptom_info").out;
  EXPECT_NE(count, "0");
  EXPECT_NE(cars.out.find("\n" + count), std::string::npos) << cars.out << " vs " << count;
  EXPECT_EQ(pg.Psql("select count(distinct biz_date) || ' ' || min(biz_date) from "
                    "smartcar_symptom_info")
                .out,
            "1 20200322");
  auto report = RunSmartcar("sql --format csv --data " + data +
                            " -e \"SELECT count(*) > 0 FROM SmartCar_Status_Report_day\"");
  EXPECT_NE(report.out.find("true"), std::string::npos) << report.out;

  // Re-running the export (a retried day) adds nothing to PostgreSQL.
  auto clear = RunSmartcar(
      "workflow clear pilot-daily --date 20200322 --action symptom "
      "--workflows " +
      std::string(SMARTCAR_SOURCE_DIR) + "/workflows --data " + data);
  ASSERT_EQ(clear.exit_code, 0) << clear.out;
  auto again = RunSmartcar(run);
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_EQ(again.out.find("load-status: attempt"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("export-symptom: attempt 2 succeeded"), std::string::npos) << again.out;
  EXPECT_EQ(pg.Psql("select count(*) from smartcar_symptom_info").out, count);
}

}  // namespace
}  // namespace smartcar::workflow
