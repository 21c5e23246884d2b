// The queue commands as a user runs them (embedded engine): topic, produce, consume,
// consumer-groups.
#include <gtest/gtest.h>

#include <filesystem>

#include <algorithm>

#include "test_util.h"

namespace smartcar {
namespace {

using testing::RunSmartcar;

class CmdQueueTest : public ::testing::Test {
 protected:
  std::string Data() const { return " --data " + dir_.file("log"); }
  testing::CommandResult Produce(const std::string& lines, const std::string& args) {
    testing::WriteFile(dir_.file("in.txt"), lines);
    return RunSmartcar("produce " + args + Data() + " < " + dir_.file("in.txt"));
  }
  testing::TempDir dir_;
};

TEST_F(CmdQueueTest, TopicLifecycle) {
  auto r = RunSmartcar("topic create SmartCar-Topic --partitions 3" + Data());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("Created topic SmartCar-Topic with 3 partitions"), std::string::npos);
  r = RunSmartcar("topic create SmartCar-Topic" + Data());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("already exists"), std::string::npos) << r.out;
  r = RunSmartcar("topic list" + Data());
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "SmartCar-Topic\n");
  r = RunSmartcar("topic describe SmartCar-Topic" + Data());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("Partitions: 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Partition: 2\tEarliest: 0\tLatest: 0"), std::string::npos) << r.out;
  ASSERT_EQ(RunSmartcar("topic delete SmartCar-Topic" + Data()).exit_code, 0);
  r = RunSmartcar("topic describe SmartCar-Topic" + Data());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("topic 'SmartCar-Topic' does not exist"), std::string::npos) << r.out;
}

TEST_F(CmdQueueTest, BadTopicNameIsAUsageError) {
  auto r = RunSmartcar("topic create 'bad name'" + Data());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("character 4"), std::string::npos) << r.out;
}

TEST_F(CmdQueueTest, ProduceConsumeWithGroupCommitsAndReportsLag) {
  ASSERT_EQ(RunSmartcar("topic create d --partitions 1" + Data()).exit_code, 0);
  const std::string lines =
      "20220426000000,O0010,1,0,F,N,50,A01\n"
      "20220426000000,O0011,1,0,F,N,90,B02\n"
      "20220426000002,O0010,2,0,F,N,55,A01\n";
  auto r = Produce(lines, "d --key-field 2");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("3 records to d"), std::string::npos) << r.out;
  r = RunSmartcar("consume d --group smartcar-group1 --from-beginning --max 2" + Data());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.substr(0, 72),
            "20220426000000,O0010,1,0,F,N,50,A01\n20220426000000,O0011,1,0,F,N,90,B02\n");
  r = RunSmartcar("consumer-groups describe smartcar-group1" + Data());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("LAG"), std::string::npos);
  EXPECT_NE(r.out.find(" 0              2              3        1"), std::string::npos) << r.out;
  // The group resumes after its committed offset.
  r = RunSmartcar("consume d --group smartcar-group1 --timeout-ms 300" + Data());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.substr(0, 36), "20220426000002,O0010,2,0,F,N,55,A01\n");
  EXPECT_NE(r.out.find("1 records"), std::string::npos) << r.out;
}

TEST_F(CmdQueueTest, ProduceSkipsBadLinesNamingThem) {
  ASSERT_EQ(RunSmartcar("topic create d" + Data()).exit_code, 0);
  auto r = Produce("a,b,c\nonly-one-field\nx,y\n", "d --key-field 3");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("line 2: --key-field 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 records to d, 2 lines rejected"), std::string::npos) << r.out;
  r = RunSmartcar("consume d --from-beginning --max 5 --timeout-ms 300 --print-key" + Data());
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.substr(0, 8), "c\ta,b,c\n");
}

TEST_F(CmdQueueTest, UnknownTopicAndUnreachableBrokers) {
  std::filesystem::create_directories(dir_.file("log"));
  auto r = RunSmartcar("consume nope --max 1" + Data());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("topic 'nope' does not exist"), std::string::npos) << r.out;
  r = RunSmartcar("topic list --brokers 127.0.0.1:1 --connect-timeout-ms 600");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("no Kafka broker reachable at '127.0.0.1:1'"), std::string::npos) << r.out;
  r = RunSmartcar("topic list --brokers 127.0.0.1:1 --kafka-property no.such=1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("no.such"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace smartcar
