// `smartcar repair` as a user meets it: a store whose write-ahead log was damaged in the middle
// refuses to open, saying which file and what to run, instead of silently dropping everything
// after the damage; the repair keeps every readable row and sets the damaged file aside.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_util.h"

namespace smartcar {
namespace {

using testing::RunSmartcar;
using testing::TempDir;

const std::string kPilotLog =
    std::string(SMARTCAR_PILOT_SAMPLES) + "/SmartCarDriverInfo_20220426_20cars.log";

// The number `count 'DriverCarInfo'` prints ("=> N"), or -1.
long CountRows(const std::string& data) {
  auto r = RunSmartcar("shell --data " + data + " -e \"count 'DriverCarInfo'\"");
  const size_t at = r.out.rfind("=> ");
  if (r.exit_code != 0 || at == std::string::npos) return -1;
  return std::stol(r.out.substr(at + 3));
}

// Overwrites `n` bytes in the middle of `path` with a pattern no record has.
void Damage(const std::string& path, size_t n) {
  const auto size = std::filesystem::file_size(path);
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(size / 2));
  for (size_t i = 0; i < n; ++i) f.put(static_cast<char>(0xA5 ^ i));
}

TEST(CmdRepairTest, ADamagedTableLogIsReportedThenRepaired) {
  TempDir dir;
  const std::string data = dir.file("data");
  auto r = RunSmartcar("table load --data " + data + " " + kPilotLog);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  ASSERT_NE(r.out.find("4709 rows into DriverCarInfo"), std::string::npos) << r.out;

  // The rows are in the table's write-ahead log (the next open would flush them into a table
  // file): damage its middle.
  std::string wal;
  for (const auto& f : std::filesystem::directory_iterator(data + "/table/DriverCarInfo/db")) {
    if (f.path().extension() == ".log" && f.file_size() > 100000) wal = f.path().string();
  }
  ASSERT_FALSE(wal.empty());
  Damage(wal, 64);

  r = RunSmartcar("shell --data " + data + " -e \"count 'DriverCarInfo'\"");
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("Corruption"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(data + "/table/DriverCarInfo/db"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("`smartcar repair --data DIR` on this data folder"), std::string::npos)
      << r.out;

  r = RunSmartcar("repair --data " + data);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("table DriverCarInfo"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("lost/"), std::string::npos) << r.out;
  const long rows = CountRows(data);
  EXPECT_GT(rows, 4709 - 1100);  // At most the damaged batch of rows is gone...
  EXPECT_LT(rows, 4709);         // ... and it is: the damage was real.
  // A second repair finds nothing more to set aside, and the rows stay.
  r = RunSmartcar("repair --data " + data);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(CountRows(data), rows);
}

// Overwrites the last `n` bytes of `path` (a Parquet file's footer length and magic).
void DamageTail(const std::string& path, size_t n) {
  const auto size = std::filesystem::file_size(path);
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(size - n));
  for (size_t i = 0; i < n; ++i) f.put('x');
}

// A damaged warehouse partition: a query that reads it fails naming the partition and what to
// run; the repair sets it aside (the other days stay queryable) and the day can be loaded again.
TEST(CmdRepairTest, ADamagedWarehousePartitionIsNamedThenSetAside) {
  TempDir dir;
  const std::string data = dir.file("data");
  const std::string status =
      std::string(SMARTCAR_PILOT_SAMPLES) + "/SmartCarStatusInfo_20220426_10cars.txt.gz";
  for (const char* day : {"20220426", "20220427", "20220428"}) {
    auto r = RunSmartcar("warehouse load --data " + data + " --date " + day + " " + status);
    ASSERT_EQ(r.exit_code, 0) << r.out;
  }
  const std::string table = data + "/warehouse/SmartCar_Status_Info";
  Damage(table + "/wrk_date=20220427/part-0.parquet", 4096);   // Inside its data pages.
  DamageTail(table + "/wrk_date=20220428/part-0.parquet", 8);  // Its footer.
  // Every value of every column: both damaged days are read.
  const std::string all = "sql --data " + data +
                          " -e \"SELECT count(*), sum(hash(COLUMNS(*))) IS NOT NULL " +
                          "FROM SmartCar_Status_Info\"";
  auto r = RunSmartcar(all);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("wrk_date=20220427"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("wrk_date=20220428"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("smartcar repair --data DIR"), std::string::npos) << r.out;

  r = RunSmartcar("repair --data " + data);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("warehouse SmartCar_Status_Info day 20220427: unreadable"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("warehouse SmartCar_Status_Info day 20220428: unreadable"),
            std::string::npos)
      << r.out;
  EXPECT_TRUE(std::filesystem::exists(data +
                                      "/warehouse/_lost/SmartCar_Status_Info/wrk_date=20220427/"
                                      "part-0.parquet"));
  const std::string per_day = "sql --data " + data + " --format csv -e \"SELECT wrk_date, " +
                              "count(*) FROM SmartCar_Status_Info GROUP BY 1 ORDER BY 1\"";
  r = RunSmartcar(per_day);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("20220426,216010"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("20220427"), std::string::npos) << r.out;
  // A second repair finds nothing; the days load again and every value reads.
  r = RunSmartcar("repair --data " + data);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("nothing set aside"), std::string::npos) << r.out;
  for (const char* day : {"20220427", "20220428"}) {
    ASSERT_EQ(
        RunSmartcar("warehouse load --data " + data + " --date " + day + " " + status).exit_code,
        0);
  }
  EXPECT_EQ(RunSmartcar(all).exit_code, 0);
  r = RunSmartcar(per_day);
  EXPECT_NE(r.out.find("20220428,216010"), std::string::npos) << r.out;
}

TEST(CmdRepairTest, ClearErrors) {
  TempDir dir;
  auto r = RunSmartcar("repair --data " + dir.file("missing"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("no data folder"), std::string::npos) << r.out;
  std::filesystem::create_directories(dir.file("empty"));
  r = RunSmartcar("repair --data " + dir.file("empty"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("no embedded store"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace smartcar
