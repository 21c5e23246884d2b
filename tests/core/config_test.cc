#include "core/config.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace smartcar {
namespace {

constexpr const char* kYaml = R"(# smartcar.yaml
data_dir: ./data
queue:
  engine: kafka
  partitions: 6
  kafka:
    brokers: [127.0.0.1:9092, 127.0.0.1:9093]
    properties:
      linger.ms: 5
      enable.idempotence: true
hot:
  ttl: 7d
  flag: yes
empty:
)";

TEST(ConfigTest, FlattensNestedMapsAndLists) {
  auto c = Config::Parse(kYaml);
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->GetString("data_dir", ""), "./data");
  EXPECT_EQ(c->GetString("queue.engine", "embedded"), "kafka");
  EXPECT_EQ(*c->GetInt("queue.partitions", 1), 6);
  EXPECT_EQ(c->GetString("queue.kafka.brokers", ""), "127.0.0.1:9092,127.0.0.1:9093");
  const auto props = c->Subtree("queue.kafka.properties");
  EXPECT_EQ(props.size(), 2u);
  EXPECT_EQ(props.at("linger.ms"), "5");
  EXPECT_EQ(*c->GetDurationMs("hot.ttl", 0), 7 * 86'400'000LL);
  EXPECT_TRUE(*c->GetBool("hot.flag", false));
  EXPECT_EQ(c->GetString("missing", "fallback"), "fallback");
  EXPECT_TRUE(c->Has("empty"));
}

TEST(ConfigTest, WrongValuesNameFileLineAndKey) {
  auto c =
      Config::Parse("queue:\n  partitions: six\nhot:\n  ttl: 5 parsecs\n  flag: maybe\n", "x.yaml");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->GetInt("queue.partitions", 1).error().message(),
            "x.yaml:2: queue.partitions: 'six' is not an integer");
  EXPECT_EQ(c->GetDurationMs("hot.ttl", 0).error().message(),
            "x.yaml:4: hot.ttl: '5 parsecs' has an unknown unit (ms, s, m, h, d, w)");
  EXPECT_FALSE(c->GetBool("hot.flag", false).has_value());
}

// A duration whose milliseconds overflow 64 bits is an error, not a wrapped number.
TEST(ConfigTest, AnOverlongDurationIsAnError) {
  auto c =
      Config::Parse("hot:\n  ttl: 7751612625473444977s\n  ok: 9223372036854775807ms\n", "x.yaml");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->GetDurationMs("hot.ttl", 0).error().message(),
            "x.yaml:2: hot.ttl: '7751612625473444977s' is too long a duration");
  EXPECT_EQ(*c->GetDurationMs("hot.ok", 0), INT64_MAX);
}

TEST(ConfigTest, SyntaxErrorsHaveLineAndColumn) {
  auto c = Config::Parse("queue:\n  engine: [kafka\n", "bad.yaml");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message().rfind("bad.yaml:", 0), 0u) << c.error().message();
  EXPECT_FALSE(Config::Parse("- just\n- a list\n").has_value());
}

TEST(ConfigTest, UnknownKeysAndOverrides) {
  auto c = Config::Parse(kYaml);
  ASSERT_TRUE(c.has_value());
  auto unknown =
      c->UnknownKeys({"data_dir", "queue.engine", "queue.partitions", "queue.kafka.*", "hot.ttl"});
  ASSERT_EQ(unknown.size(), 2u);
  EXPECT_EQ(unknown[0], "smartcar.yaml:14: unknown setting 'empty'");
  EXPECT_EQ(unknown[1], "smartcar.yaml:13: unknown setting 'hot.flag'");
  c->Set("queue.engine", "embedded");
  EXPECT_EQ(c->GetString("queue.engine", ""), "embedded");
}

TEST(ConfigTest, LoadFile) {
  testing::TempDir dir;
  testing::WriteFile(dir.file("s.yaml"), "a: 1\n");
  auto c = Config::LoadFile(dir.file("s.yaml"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(*c->GetInt("a", 0), 1);
  EXPECT_TRUE(Config::LoadFile(dir.file("none.yaml")).error().IsNotFound());
}

TEST(ConfigTest, SizesTakeDecimalAndBinaryUnits) {
  auto c =
      Config::Parse("a: 512MB\nb: 1GiB\nc: 1048576\nd: 1.5 gb\ne: 12 parsecs\nf: -3MB\n", "s.yaml");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(*c->GetBytes("a", 0), 512'000'000);
  EXPECT_EQ(*c->GetBytes("b", 0), 1LL << 30);
  EXPECT_EQ(*c->GetBytes("c", 0), 1'048'576);
  EXPECT_EQ(*c->GetBytes("d", 0), 1'500'000'000);
  EXPECT_EQ(*c->GetBytes("missing", 7), 7);
  ASSERT_FALSE(c->GetBytes("e", 0).has_value());
  EXPECT_NE(c->GetBytes("e", 0).error().message().find("s.yaml:5"), std::string::npos)
      << c->GetBytes("e", 0).error().message();
  EXPECT_FALSE(c->GetBytes("f", 0).has_value());
}

}  // namespace
}  // namespace smartcar
