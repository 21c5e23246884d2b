// `smartcar overspeed`: the same cars from the embedded store and from Redis, where redis-cli
// SMEMBERS shows them too; bad flags and unreachable servers fail clearly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "hot/detection.h"
#include "hot/hot_store.h"
#include "hot/redis_process.h"
#include "test_util.h"

namespace smartcar::cli {
namespace {

using ::smartcar::testing::FreePort;
using ::smartcar::testing::RedisServer;
using ::smartcar::testing::RunSmartcar;
using ::smartcar::testing::TempDir;
using ::testing::HasSubstr;

// Runs smartcar with `args`, keeping only its stdout.
testing::CommandResult Stdout(const std::string& args, const std::string& env = "") {
  return testing::RunCommand("{ " + env + SMARTCAR_BINARY + " " + args + " 2>/dev/null; }");
}

void WriteDay(const hot::HotOptions& o) {
  auto store = hot::OpenHotStore(o);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  hot::HotWriteBatch b;
  for (const char* car : {"O0010", "O0002", "O0007"}) {
    hot::AddDetection(
        hot::Detection{"20220426", car, 1650952200000, 1650952230000, 90.5, 30, "overspeed"}, &b);
  }
  b.SetAdd("20220427", "O0099");
  b.SetAdd("20220428", "q\"uote");
  ASSERT_TRUE((*store)->Write(b).ok());
}

TEST(CmdOverspeedTest, ListsTheDaysCarsFromTheEmbeddedStore) {
  TempDir dir;
  hot::HotOptions o;
  o.data_dir = dir.file("data") + "/hot";
  WriteDay(o);
  auto r = Stdout("overspeed 20220426 --data " + dir.file("data"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "O0002\nO0007\nO0010\n");
  auto details = Stdout("overspeed 20220426 --details --data " + dir.file("data"));
  EXPECT_EQ(details.exit_code, 0);
  EXPECT_THAT(details.out, HasSubstr("{\"date\":\"20220426\",\"car\":\"O0002\","
                                     "\"window_start_ms\":1650952200000"));
  EXPECT_THAT(details.out,
              HasSubstr("\"avg_speed\":90.5,\"event_count\":30,\"rule\":\"overspeed\"}"));
  // A car stored without a detection value still shows up.
  auto bare = Stdout("overspeed 20220427 --details --data " + dir.file("data"));
  EXPECT_EQ(bare.out, "{\"date\":\"20220427\",\"car\":\"O0099\"}\n");
  auto none = RunSmartcar("overspeed 20220101 --data " + dir.file("data"));
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_THAT(none.out, HasSubstr("0 car(s) on 20220101"));
}

TEST(CmdOverspeedTest, NoStoreYetIsAnEmptyList) {
  TempDir dir;
  auto r = RunSmartcar("overspeed 20220426 --data " + dir.str());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("0 cars on 20220426"));
}

// A typo in --data must not look like an empty store.
TEST(CmdOverspeedTest, AMissingDataFolderOrAFileIsAnError) {
  TempDir dir;
  auto r = RunSmartcar("overspeed 20220426 --data " + dir.file("nothing"));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.out, HasSubstr("data folder '" + dir.file("nothing") + "' does not exist"));
  ::smartcar::testing::WriteFile(dir.file("f"), "x");
  r = RunSmartcar("overspeed 20220426 --data " + dir.file("f"));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.out, HasSubstr("is not a folder"));
}

TEST(CmdOverspeedTest, RedisShowsTheSameCarsAsRedisCli) {
  TempDir dir;
  RedisServer server(dir.str(), {"--requirepass", "pw"});
  ASSERT_TRUE(server.Start());
  hot::HotOptions o;
  o.redis = hot::Endpoint{"127.0.0.1", server.port()};
  o.password = "pw";
  o.key_prefix = "overspeed:";
  WriteDay(o);
  auto r = Stdout("overspeed 20220426 --redis " + server.address() +
                  " --password pw --prefix overspeed:");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "O0002\nO0007\nO0010\n");
  EXPECT_EQ(server.Cli("--no-auth-warning -a pw SMEMBERS overspeed:20220426 | sort").out, r.out);

  auto env = Stdout("overspeed 20220426 --redis " + server.address() + " --prefix overspeed:",
                    "SMARTCAR_REDIS_PASSWORD=pw ");
  EXPECT_EQ(env.out, "O0002\nO0007\nO0010\n");

  auto wrong = RunSmartcar("overspeed 20220426 --redis " + server.address() + " --password no");
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_THAT(wrong.out, HasSubstr("authentication failed"));
}

TEST(CmdOverspeedTest, BadFlagsAndUnreachableServers) {
  auto date = RunSmartcar("overspeed 2022-04-26");
  EXPECT_EQ(date.exit_code, 2);
  EXPECT_THAT(date.out, HasSubstr("DATE"));
  auto both =
      RunSmartcar("overspeed 20220426 --redis 127.0.0.1:1 --sentinel 127.0.0.1:2 --master m");
  EXPECT_NE(both.exit_code, 0);
  auto no_master = RunSmartcar("overspeed 20220426 --sentinel 127.0.0.1:2");
  EXPECT_NE(no_master.exit_code, 0);
  EXPECT_THAT(no_master.out, HasSubstr("master"));
  auto bad_addr = RunSmartcar("overspeed 20220426 --redis nohostport");
  EXPECT_EQ(bad_addr.exit_code, 2);
  EXPECT_THAT(bad_addr.out, HasSubstr("--redis 'nohostport'"));
  const std::string port = std::to_string(FreePort());
  auto down = RunSmartcar("overspeed 20220426 --timeout-ms 300 --redis 127.0.0.1:" + port);
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_THAT(down.out, HasSubstr("127.0.0.1:" + port));
}

}  // namespace
}  // namespace smartcar::cli
