#include <gtest/gtest.h>

#include <filesystem>

#include "warehouse/warehouse_test_util.h"

namespace fs = std::filesystem;

namespace smartcar::warehouse {
namespace {

TEST(SpoolNameTest, RecognisesStatusLogNames) {
  std::string date;
  EXPECT_TRUE(IsSpoolFileName("SmartCarStatusInfo_20220426.txt", &date));
  EXPECT_EQ(date, "20220426");
  EXPECT_TRUE(IsSpoolFileName("SmartCarStatusInfo_20240229.txt.gz", &date));
  EXPECT_EQ(date, "20240229");
  EXPECT_FALSE(IsSpoolFileName("SmartCarStatusInfo_20230229.txt", nullptr));
  EXPECT_FALSE(IsSpoolFileName("SmartCarStatusInfo_20220426.txt.COMPLETED", nullptr));
  EXPECT_FALSE(IsSpoolFileName("SmartCarStatusInfo_20220426.txt.tmp", nullptr));
  EXPECT_FALSE(IsSpoolFileName("SmartCarDriverInfo.log", nullptr));
  EXPECT_FALSE(IsSpoolFileName("SmartCarStatusInfo_2022042.txt", nullptr));
}

TEST_F(WarehouseTest, SpoolFileBecomesItsDayAndIsMarkedCompleted) {
  const std::string path = GenerateDay("20220426", 2, 60, 1, "spool");
  ASSERT_EQ(fs::path(path).filename(), "SmartCarStatusInfo_20220426.txt");
  auto r = LoadSpoolFile(w_.get(), path);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->date, "20220426");
  EXPECT_EQ(r->rows, 2u * 1441u);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::exists(path + ".COMPLETED"));
  EXPECT_EQ(Int("SELECT count(*) FROM SmartCar_Status_Info WHERE wrk_date = '20220426'"), 2882);
}

TEST_F(WarehouseTest, SpoolFileIsNotCompletedWhenTheLoadFails) {
  const std::string path = WriteTemp("SmartCarStatusInfo_20220426.txt", "garbage\n");
  auto r = LoadSpoolFile(w_.get(), path);
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path + ".COMPLETED"));
  auto other = LoadSpoolFile(w_.get(), WriteTemp("notes.txt", "x\n"));
  ASSERT_FALSE(other.has_value());
  EXPECT_TRUE(other.error().IsInvalidArgument());
}

// A crash after the commit but before the rename leaves the file in the spool; processing it
// again gives the same table (loads are idempotent), then marks it.
TEST_F(WarehouseTest, SpoolCrashBeforeRenameIsRetriedIdempotently) {
  const std::string path = GenerateDay("20220426", 1, 60, 1, "spool");
  const std::string cmd = "SMARTCAR_TEST_CRASH_AT=before-spool-rename " +
                          std::string(SMARTCAR_BINARY) + " warehouse spool --once --dir " +
                          tmp_.file("spool") + " --data " + data_dir();
  testing::CommandResult crashed = testing::RunCommand(cmd);
  EXPECT_EQ(crashed.exit_code, 128 + 9) << crashed.out;
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(Int("SELECT count(*) FROM SmartCar_Status_Info"), 1441);
  testing::CommandResult again = testing::RunSmartcar("warehouse spool --once --dir " +
                                                      tmp_.file("spool") + " --data " + data_dir());
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_TRUE(fs::exists(path + ".COMPLETED"));
  EXPECT_EQ(Int("SELECT count(*) FROM SmartCar_Status_Info"), 1441);
}

}  // namespace
}  // namespace smartcar::warehouse
