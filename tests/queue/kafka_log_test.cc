// Behaviour specific to the Kafka engine, on librdkafka's mock cluster.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "queue_test_util.h"

namespace smartcar::queue {
namespace {

class KafkaLogTest : public testing::LogTestBase, public ::testing::Test {
 protected:
  KafkaLogTest() : LogTestBase(Engine::kKafka) {}
  void SetUp() override { StartEngine(); }
};

// A loopback port nobody listens on: bind port 0, read it, close.
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return 1;
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(KafkaOpenTest, UnreachableBrokersFailAfterBoundedRetriesNamingTheBroker) {
  QueueOptions o;
  o.engine = Engine::kKafka;
  o.brokers = "127.0.0.1:" + std::to_string(ClosedPort());
  o.connect_timeout_ms = 1500;
  o.connect_attempts = 3;
  auto log = OpenLog(o);
  ASSERT_FALSE(log.has_value());
  EXPECT_TRUE(log.error().IsIOError()) << log.error().ToString();
  EXPECT_NE(log.error().message().find(o.brokers), std::string::npos) << log.error().ToString();
  EXPECT_NE(log.error().message().find("3 attempts"), std::string::npos) << log.error().ToString();
}

TEST(KafkaOpenTest, BadConfigurationNamesTheProperty) {
  QueueOptions o;
  o.engine = Engine::kKafka;
  o.brokers = "127.0.0.1:9";
  o.kafka_properties = {{"no.such.property", "1"}};
  auto log = OpenLog(o);
  ASSERT_FALSE(log.has_value());
  EXPECT_TRUE(log.error().IsInvalidArgument());
  EXPECT_NE(log.error().message().find("no.such.property"), std::string::npos);
  o.kafka_properties = {{"acks", "sometimes"}};
  log = OpenLog(o);
  ASSERT_FALSE(log.has_value());
  EXPECT_NE(log.error().message().find("'acks'='sometimes'"), std::string::npos)
      << log.error().ToString();
  o.brokers = "";
  o.kafka_properties.clear();
  log = OpenLog(o);
  ASSERT_FALSE(log.has_value());
  EXPECT_NE(log.error().message().find("--brokers"), std::string::npos);
}

TEST_F(KafkaLogTest, RetriableBrokerErrorsAreRetriedWithoutDuplicates) {
  CreateTopic("t", 1);
  mock_->FailNextProduceRequests(3);
  std::vector<Record> records;
  for (int i = 0; i < 20; ++i) records.push_back(Rec("", std::to_string(i)));
  auto pos = Append("t", records);
  ASSERT_EQ(pos.size(), 20u);
  auto c = NewConsumer("");
  ASSERT_TRUE(c->Assign({{{"t", PartitionId(0)}}}).ok());
  auto got = Drain(c.get(), 20);
  ASSERT_EQ(got.size(), 20u);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(got[static_cast<size_t>(i)].value, std::to_string(i));  // In order, once.
  }
  auto extra = c->Poll({10, 300});
  ASSERT_TRUE(extra.has_value());
  EXPECT_TRUE(extra->empty());
}

TEST_F(KafkaLogTest, AppendWaitsForTheBrokerAcknowledgementAcrossABrokerOutage) {
  CreateTopic("t", 1);
  ASSERT_TRUE(mock_->SetPartitionLeader("t", 0, 2).ok());
  Append("t", {Rec("", "before")});
  ASSERT_TRUE(mock_->SetBrokerDown(2).ok());
  std::thread revive([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_TRUE(mock_->SetBrokerUp(2).ok());
  });
  auto pos = Append("t", {Rec("", "during-1"), Rec("", "during-2")});
  revive.join();
  ASSERT_EQ(pos.size(), 2u);
  EXPECT_EQ(pos[0].offset.value, 1);
  EXPECT_EQ(pos[1].offset.value, 2);
  auto c = NewConsumer("");
  ASSERT_TRUE(c->Assign({{{"t", PartitionId(0)}}}).ok());
  auto got = Drain(c.get(), 3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].value, "during-2");
}

TEST_F(KafkaLogTest, UndeliverableRecordsAreNotAcknowledged) {
  QueueOptions o = options_;
  o.kafka_properties["message.timeout.ms"] = "1000";
  auto log = OpenLog(o);
  ASSERT_TRUE(log.has_value()) << log.error().ToString();
  CreateTopic("t", 1);
  auto producer = (*log)->NewProducer({});
  // A first record while every broker is up: the producer learns the topic's metadata now, so
  // the Append below fails on delivery, not on a metadata request to the broker about to die.
  ASSERT_TRUE((*producer)->Append({"t"}, std::vector<Record>{Rec("", "kept")}).has_value());
  ASSERT_TRUE(mock_->SetPartitionLeader("t", 0, 3).ok());
  ASSERT_TRUE(mock_->SetBrokerDown(3).ok());
  auto r = (*producer)->Append({"t"}, std::vector<Record>{Rec("", "lost")});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("not acknowledged"), std::string::npos)
      << r.error().ToString();
  ASSERT_TRUE(mock_->SetBrokerUp(3).ok());
}

}  // namespace
}  // namespace smartcar::queue
