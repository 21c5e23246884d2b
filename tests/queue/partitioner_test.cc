#include "queue/partitioner.h"

#include <gtest/gtest.h>

#include <string>

namespace smartcar::queue {
namespace {

// Kafka's own vectors: clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java
// (testMurmur2).
TEST(PartitionerTest, Murmur2MatchesKafkaTestVectors) {
  EXPECT_EQ(Murmur2("21"), -973932308);
  EXPECT_EQ(Murmur2("foobar"), -790332482);
  EXPECT_EQ(Murmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(Murmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(Murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
  EXPECT_EQ(Murmur2(std::string("abc")), 479470107);
}

TEST(PartitionerTest, PartitionIsPositiveModulo) {
  // toPositive(-973932308) = -973932308 & 0x7fffffff = 1173551340.
  EXPECT_EQ(PartitionForKey("21", 1000).value, 1173551340 % 1000);
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "O" + std::to_string(1000 + i);
    const PartitionId p = PartitionForKey(key, 7);
    EXPECT_GE(p.value, 0);
    EXPECT_LT(p.value, 7);
    EXPECT_EQ(p, PartitionForKey(key, 7));
  }
}

TEST(PartitionerTest, OnePartitionTakesEverything) {
  EXPECT_EQ(PartitionForKey("anything", 1).value, 0);
}

}  // namespace
}  // namespace smartcar::queue
