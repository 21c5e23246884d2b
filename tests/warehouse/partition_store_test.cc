#include "warehouse/partition_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "warehouse/warehouse_test_util.h"

namespace fs = std::filesystem;

namespace smartcar::warehouse {
namespace {

TEST_F(WarehouseTest, ReplacingOneDayLeavesOtherDaysUntouched) {
  MustLoad("20220425", WriteTemp("a.txt", StatusLine("20220425000004", "A0001") +
                                              StatusLine("20220425000008", "A0001")));
  MustLoad("20220426", WriteTemp("b.txt", StatusLine("20220426000004", "B0001")));
  MustLoad("20220427", WriteTemp("c.txt", StatusLine("20220427000004", "C0001")));
  const std::string day25 = testing::ReadFile(
      fs::path(data_dir()) / "warehouse/SmartCar_Status_Info/wrk_date=20220425/part-0.parquet");
  // Reload the 26th with three rows of another car.
  MustLoad("20220426", WriteTemp("b2.txt", StatusLine("20220426000004", "D0001") +
                                               StatusLine("20220426000008", "D0001") +
                                               StatusLine("20220426000012", "D0001")));
  EXPECT_EQ(Value("SELECT string_agg(wrk_date || '=' || n, ' ' ORDER BY wrk_date) FROM "
                  "(SELECT wrk_date, count(*) AS n FROM SmartCar_Status_Info GROUP BY ALL)"),
            "20220425=2 20220426=3 20220427=1");
  EXPECT_EQ(Int("SELECT count(*) FROM SmartCar_Status_Info WHERE car_number = 'B0001'"), 0);
  EXPECT_EQ(testing::ReadFile(fs::path(data_dir()) /
                              "warehouse/SmartCar_Status_Info/wrk_date=20220425/part-0.parquet"),
            day25);
  // No staging folders are left behind.
  EXPECT_TRUE(fs::is_empty(fs::path(data_dir()) / "warehouse/_staging"));
}

TEST_F(WarehouseTest, PartitionsListRowsAndBytesAndDropRemovesOneDay) {
  MustLoad("20220426", WriteTemp("b.txt", StatusLine("20220426000004", "B0001")));
  MustLoad("20220425", WriteTemp("a.txt", StatusLine("20220425000004", "A0001") +
                                              StatusLine("20220425000008", "A0001")));
  auto parts = w_->Partitions(kStatusTable);
  ASSERT_TRUE(parts.has_value()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].date, "20220425");
  EXPECT_EQ((*parts)[0].rows, 2u);
  EXPECT_EQ((*parts)[1].date, "20220426");
  EXPECT_EQ((*parts)[1].rows, 1u);
  EXPECT_EQ((*parts)[1].bytes, fs::file_size(fs::path((*parts)[1].path) / "part-0.parquet"));

  ASSERT_TRUE(w_->DropPartition(kStatusTable, "20220425").ok());
  EXPECT_EQ(Int("SELECT count(*) FROM SmartCar_Status_Info"), 1);
  Status again = w_->DropPartition(kStatusTable, "20220425");
  EXPECT_TRUE(again.IsNotFound()) << again.ToString();
  EXPECT_TRUE(w_->DropPartition(kStatusTable, "2022-04-25").IsInvalidArgument());
  // Dropping the last partition leaves an empty, still typed table.
  ASSERT_TRUE(w_->DropPartition(kStatusTable, "20220426").ok());
  EXPECT_EQ(Int("SELECT count(*) FROM SmartCar_Status_Info"), 0);
  EXPECT_TRUE(w_->Partitions("No_Such_Table").error().IsNotFound());
}

TEST(PartitionStoreTest, ValidatesNamesAndDates) {
  EXPECT_TRUE(ValidateTableName("SmartCar_Status_Info").ok());
  EXPECT_FALSE(ValidateTableName("_staging").ok());
  EXPECT_FALSE(ValidateTableName("a/b").ok());
  EXPECT_FALSE(ValidateTableName("").ok());
  EXPECT_TRUE(ValidateDate("20240229").ok());
  EXPECT_FALSE(ValidateDate("20230229").ok());
  EXPECT_FALSE(ValidateDate("2023022").ok());
}

// Concurrent writers of one table queue on its lock file: every load lands, nothing is lost.
TEST_F(WarehouseTest, ConcurrentLoadsOfOneTableAllLand) {
  std::string cmd;
  for (int day = 21; day <= 24; ++day) {
    const std::string date = "202204" + std::to_string(day);
    const std::string file = WriteTemp(
        date + ".txt", StatusLine(date + "000004", "A0001") + StatusLine(date + "000008", "A0002"));
    cmd += std::string(SMARTCAR_BINARY) + " warehouse load --date " + date + " --data " +
           data_dir() + " " + file + " >/dev/null & ";
  }
  // The same day twice at once as well.
  cmd += std::string(SMARTCAR_BINARY) + " warehouse load --date 20220424 --data " + data_dir() +
         " " + tmp_.file("20220424.txt") + " >/dev/null & wait";
  ASSERT_EQ(testing::RunCommand(cmd).exit_code, 0);
  EXPECT_EQ(Value("SELECT string_agg(wrk_date || '=' || n, ' ' ORDER BY wrk_date) FROM "
                  "(SELECT wrk_date, count(*) AS n FROM SmartCar_Status_Info GROUP BY ALL)"),
            "20220421=2 20220422=2 20220423=2 20220424=2");
  EXPECT_TRUE(fs::is_empty(fs::path(data_dir()) / "warehouse/_staging"));
}

// Runs `smartcar warehouse load` in a child process with `crash_at` set (or not), SIGKILLing it
// after `kill_after_ms` if >= 0. Returns the child's wait status.
int LoadInChild(const std::string& data, const std::string& file, const char* crash_at,
                int kill_after_ms) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (crash_at != nullptr) setenv("SMARTCAR_TEST_CRASH_AT", crash_at, 1);
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(SMARTCAR_BINARY, SMARTCAR_BINARY, "warehouse", "load", "--date", "20220426", "--data",
          data.c_str(), file.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  if (kill_after_ms >= 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms));
    kill(pid, SIGKILL);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

// A load killed at any point leaves the old partition or the new one, never a mix or nothing.
TEST_F(WarehouseTest, CrashMidLoadLeavesOldOrNewPartition) {
  MustLoad("20220426", WriteTemp("old.txt", StatusLine("20220426000004", "A0001")));
  const std::string new_file = GenerateDay("20220426", 2, 20, 5);  // 8642 rows.
  const std::string count = "SELECT count(*) FROM SmartCar_Status_Info";

  // Exactly before the swap: the old partition stays.
  int st = LoadInChild(data_dir(), new_file, "before-commit", -1);
  ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) << st;
  EXPECT_EQ(Int(count), 1);
  // Exactly after the swap, before the old folder is deleted: the new partition is live.
  st = LoadInChild(data_dir(), new_file, "after-exchange", -1);
  ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) << st;
  EXPECT_EQ(Int(count), 8642);
  // Leftovers of dead loads sit in _staging, which no view reads; the next load cleans them.
  EXPECT_FALSE(fs::is_empty(fs::path(data_dir()) / "warehouse/_staging"));
  MustLoad("20220426", WriteTemp("old.txt", StatusLine("20220426000004", "A0001")));
  EXPECT_TRUE(fs::is_empty(fs::path(data_dir()) / "warehouse/_staging"));

  // SIGKILL at assorted moments of a real load: always exactly the old or the new day.
  for (int ms : {0, 5, 20, 50, 100, 200}) {
    LoadInChild(data_dir(), new_file, nullptr, ms);
    const int64_t n = Int(count);
    EXPECT_TRUE(n == 1 || n == 8642) << "after kill at " << ms << " ms: " << n;
    if (n == 8642) MustLoad("20220426", tmp_.file("old.txt"));
  }
}

}  // namespace
}  // namespace smartcar::warehouse
