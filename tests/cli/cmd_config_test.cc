// smartcar.yaml as the commands read it: --config fills what flags leave unset.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace smartcar {
namespace {

TEST(CmdConfigTest, QueueCommandsTakeTheDataFolderAndEngineFromTheFile) {
  testing::TempDir dir;
  testing::WriteFile(dir.file("s.yaml"), "data_dir: " + dir.file("data") + "\nqueue:\n  engine: embedded\n");
  auto r = testing::RunSmartcar("topic create T1 --partitions 2 --config " + dir.file("s.yaml"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(std::filesystem::exists(dir.file("data/queue")));
  r = testing::RunSmartcar("topic list --config " + dir.file("s.yaml"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("T1"), std::string::npos) << r.out;
  // A flag wins over the file (and a read command does not create a missing folder).
  r = testing::RunSmartcar("topic list --data " + dir.file("other") + " --config " + dir.file("s.yaml"));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("data folder '" + dir.file("other") + "' does not exist"), std::string::npos)
      << r.out;
  std::filesystem::create_directories(dir.file("other"));
  r = testing::RunSmartcar("topic list --data " + dir.file("other") + " --config " + dir.file("s.yaml"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.find("T1"), std::string::npos) << r.out;
  testing::WriteFile(dir.file("bad.yaml"), "queue:\n  engine: kafka\n");
  r = testing::RunSmartcar("topic list --config " + dir.file("bad.yaml"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("queue.kafka.brokers is empty"), std::string::npos) << r.out;
}

TEST(CmdConfigTest, OverspeedReadsTheFilesDataFolder) {
  testing::TempDir dir;
  testing::WriteFile(dir.file("s.yaml"), "data_dir: " + dir.file("nothing-here") + "\n");
  auto r = testing::RunSmartcar("overspeed 20220426 --config " + dir.file("s.yaml"));
  EXPECT_EQ(r.exit_code, 2) << r.out;  // The file's folder is used, and it does not exist.
  EXPECT_NE(r.out.find(dir.file("nothing-here") + "' does not exist"), std::string::npos) << r.out;
  r = testing::RunSmartcar("overspeed 20220426 --config " + dir.file("missing.yaml"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("cannot read configuration"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace smartcar
