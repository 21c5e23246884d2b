// One behavioural suite for every hot store engine: the embedded RocksDB store and Redis (a real
// redis-server started per test on a loopback port).
#include "hot/hot_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "hot/detection.h"
#include "hot/redis_process.h"
#include "test_util.h"

namespace smartcar::hot {
namespace {

using ::smartcar::testing::RedisServer;
using ::smartcar::testing::TempDir;
using Strings = std::vector<std::string>;

void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

class HotStoreTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (IsRedis()) {
      server_ = std::make_unique<RedisServer>(dir_.str());
      ASSERT_TRUE(server_->Start()) << "redis-server did not start";
    }
    Reopen(BaseOptions());
  }

  bool IsRedis() const { return std::string(GetParam()) == "redis"; }

  HotOptions BaseOptions() const {
    HotOptions o;
    o.data_dir = dir_.file("hot");
    if (IsRedis()) o.redis = Endpoint{"127.0.0.1", server_->port()};
    return o;
  }

  void Reopen(const HotOptions& o) {
    store_.reset();
    auto s = OpenHotStore(o);
    ASSERT_TRUE(s.has_value()) << s.error().ToString();
    store_ = *std::move(s);
  }

  Strings Members(std::string_view key) {
    auto m = store_->Members(key);
    EXPECT_TRUE(m.has_value()) << m.error().ToString();
    return m.value_or(Strings{});
  }
  Strings Keys(std::string_view pattern) {
    auto k = store_->Keys(pattern);
    EXPECT_TRUE(k.has_value()) << k.error().ToString();
    return k.value_or(Strings{});
  }

  TempDir dir_;
  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<HotStore> store_;
};

TEST_P(HotStoreTest, BatchAddsMembersToSets) {
  HotWriteBatch b;
  b.SetAdd("20220426", "O0010");
  b.SetAdd("20220426", "O0002");
  b.SetAdd("20220427", "O0003");
  b.SetAdd("20220426", "O0010");  // Duplicate: a set keeps one.
  ASSERT_TRUE(store_->Write(b).ok());
  EXPECT_EQ(Members("20220426"), (Strings{"O0002", "O0010"}));
  EXPECT_EQ(Members("20220427"), (Strings{"O0003"}));
  EXPECT_EQ(Members("20220428"), Strings{});
  EXPECT_EQ(store_->IsMember("20220426", "O0010").value_or(false), true);
  EXPECT_EQ(store_->IsMember("20220426", "O0003").value_or(true), false);
  EXPECT_EQ(store_->IsMember("nosuchkey", "O0003").value_or(true), false);
}

TEST_P(HotStoreTest, LargeBatch) {
  HotWriteBatch b;
  for (int i = 0; i < 20000; ++i) b.SetAdd("day" + std::to_string(i % 3), std::to_string(i));
  b.Put("day0:last", "v");
  ASSERT_TRUE(store_->Write(b).ok());
  EXPECT_EQ(Members("day0").size() + Members("day1").size() + Members("day2").size(), 20000u);
  EXPECT_GT(store_->TtlMs("day2").value_or(-1), 0);
  EXPECT_EQ(store_->Get("day0:last").value(), std::optional<std::string>("v"));
}

TEST_P(HotStoreTest, EmptyBatchIsOk) { EXPECT_TRUE(store_->Write(HotWriteBatch()).ok()); }

TEST_P(HotStoreTest, BinarySafeMembers) {
  const std::string odd("car\0with\nodd:*bytes\xff", 20);
  ASSERT_TRUE(store_->SetAdd("k", odd).ok());
  EXPECT_EQ(Members("k"), Strings{odd});
  EXPECT_TRUE(store_->IsMember("k", odd).value_or(false));
}

TEST_P(HotStoreTest, DetectionValueRoundTrips) {
  Detection d{"20220426", "O0010", 1650952200000, 1650952230000, 93.25, 30, "overspeed"};
  HotWriteBatch b;
  AddDetection(d, &b);
  ASSERT_TRUE(store_->Write(b).ok());
  EXPECT_EQ(Members("20220426"), Strings{"O0010"});
  auto v = store_->Get("20220426:O0010");
  ASSERT_TRUE(v.has_value() && v->has_value());
  auto back = DetectionFromJson(**v);
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  EXPECT_EQ(back->car, "O0010");
  EXPECT_EQ(back->window_start_ms, 1650952200000);
  EXPECT_EQ(back->event_count, 30);
  EXPECT_DOUBLE_EQ(back->avg_speed, 93.25);
  // A newer detection replaces the value.
  d.avg_speed = 101;
  b.Clear();
  AddDetection(d, &b);
  ASSERT_TRUE(store_->Write(b).ok());
  EXPECT_DOUBLE_EQ(DetectionFromJson(**store_->Get("20220426:O0010"))->avg_speed, 101);
  EXPECT_FALSE(store_->Get("20220426:O9999").value().has_value());
}

TEST_P(HotStoreTest, KeysByGlobPattern) {
  HotWriteBatch b;
  b.SetAdd("20220426", "a");
  b.SetAdd("20220427", "b");
  b.Put("20220426:a", "{}");
  b.SetAdd("other", "c");
  ASSERT_TRUE(store_->Write(b).ok());
  EXPECT_EQ(Keys("*"), (Strings{"20220426", "20220426:a", "20220427", "other"}));
  EXPECT_EQ(Keys("2022042?"), (Strings{"20220426", "20220427"}));
  EXPECT_EQ(Keys("20220426:*"), (Strings{"20220426:a"}));
  EXPECT_EQ(Keys("[^2]*"), (Strings{"other"}));
  EXPECT_EQ(Keys("2022042[7-9]"), (Strings{"20220427"}));
  EXPECT_EQ(Keys("nothing*"), Strings{});
}

TEST_P(HotStoreTest, DeleteRemovesSetsAndValues) {
  HotWriteBatch b;
  b.SetAdd("20220426", "a");
  b.Put("20220426:a", "{}");
  ASSERT_TRUE(store_->Write(b).ok());
  ASSERT_TRUE(store_->Delete("20220426").ok());
  ASSERT_TRUE(store_->Delete("20220426:a").ok());
  ASSERT_TRUE(store_->Delete("never-written").ok());
  EXPECT_EQ(Members("20220426"), Strings{});
  EXPECT_FALSE(store_->Get("20220426:a").value().has_value());
  EXPECT_EQ(Keys("*"), Strings{});
  // A deleted set starts empty when written again.
  ASSERT_TRUE(store_->SetAdd("20220426", "b").ok());
  EXPECT_EQ(Members("20220426"), Strings{"b"});
}

TEST_P(HotStoreTest, WrongTypeIsInvalidArgument) {
  HotWriteBatch b;
  b.Put("v", "value");
  ASSERT_TRUE(store_->Write(b).ok());
  Status s = store_->SetAdd("v", "m");
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  auto m = store_->Members("v");
  ASSERT_FALSE(m.has_value());
  EXPECT_TRUE(m.error().IsInvalidArgument());
  ASSERT_TRUE(store_->SetAdd("s", "m").ok());
  auto g = store_->Get("s");
  ASSERT_FALSE(g.has_value());
  EXPECT_TRUE(g.error().IsInvalidArgument());
}

TEST_P(HotStoreTest, DefaultTtlIsOneWeek) {
  ASSERT_TRUE(store_->SetAdd("20220426", "a").ok());
  auto ttl = store_->TtlMs("20220426");
  ASSERT_TRUE(ttl.has_value()) << ttl.error().ToString();
  const int64_t week = 7LL * 24 * 3600 * 1000;
  EXPECT_LE(*ttl, week);
  EXPECT_GT(*ttl, week - 3600 * 1000);
  EXPECT_TRUE(store_->TtlMs("missing").error().IsNotFound());
}

TEST_P(HotStoreTest, KeysExpire) {
  HotOptions o = BaseOptions();
  o.ttl_ms = 300;
  Reopen(o);
  HotWriteBatch b;
  b.SetAdd("20220426", "a");
  b.Put("20220426:a", "{}");
  ASSERT_TRUE(store_->Write(b).ok());
  EXPECT_EQ(Members("20220426"), Strings{"a"});
  SleepMs(700);
  EXPECT_EQ(Members("20220426"), Strings{});
  EXPECT_FALSE(store_->IsMember("20220426", "a").value_or(true));
  EXPECT_FALSE(store_->Get("20220426:a").value().has_value());
  EXPECT_EQ(Keys("*"), Strings{});
  EXPECT_TRUE(store_->TtlMs("20220426").error().IsNotFound());
  // A new write after expiry starts a fresh set.
  ASSERT_TRUE(store_->SetAdd("20220426", "b").ok());
  EXPECT_EQ(Members("20220426"), Strings{"b"});
}

// The pilot called `expire` after every `sadd`: a set lives ttl past its LAST detection.
TEST_P(HotStoreTest, SlidingExpiryFollowsLastWrite) {
  HotOptions o = BaseOptions();
  o.ttl_ms = 1500;
  Reopen(o);
  ASSERT_TRUE(store_->SetAdd("day", "a").ok());
  SleepMs(900);
  ASSERT_TRUE(store_->SetAdd("day", "b").ok());
  SleepMs(900);  // 1.8 s after the first write, 0.9 s after the last.
  EXPECT_EQ(Members("day"), (Strings{"a", "b"}));
}

TEST_P(HotStoreTest, FixedExpiryFollowsFirstWrite) {
  HotOptions o = BaseOptions();
  o.ttl_ms = 1500;
  o.expiry = ExpiryMode::kFixedFromFirstWrite;
  Reopen(o);
  ASSERT_TRUE(store_->SetAdd("day", "a").ok());
  SleepMs(900);
  ASSERT_TRUE(store_->SetAdd("day", "b").ok());
  SleepMs(900);
  EXPECT_EQ(Members("day"), Strings{});
}

TEST_P(HotStoreTest, PrefixIsAddedAndHidden) {
  HotOptions o = BaseOptions();
  o.key_prefix = "overspeed:";
  Reopen(o);
  ASSERT_TRUE(store_->SetAdd("20220426", "a").ok());
  EXPECT_EQ(Keys("*"), Strings{"20220426"});
  EXPECT_EQ(Members("20220426"), Strings{"a"});
  // The same data seen without a prefix.
  Reopen(BaseOptions());
  EXPECT_EQ(Keys("*"), Strings{"overspeed:20220426"});
  EXPECT_EQ(Members("overspeed:20220426"), Strings{"a"});
  EXPECT_EQ(Members("20220426"), Strings{});
  // A prefix with glob characters matches only itself.
  o.key_prefix = "a*[";
  Reopen(o);
  EXPECT_EQ(Keys("*"), Strings{});
}

TEST_P(HotStoreTest, DataSurvivesReopen) {
  ASSERT_TRUE(store_->SetAdd("20220426", "a").ok());
  Reopen(BaseOptions());
  EXPECT_EQ(Members("20220426"), Strings{"a"});
}

TEST_P(HotStoreTest, ConcurrentWritersLoseNothing) {
  constexpr int kThreads = 4, kPerThread = 200;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; i += 10) {
        HotWriteBatch b;
        for (int j = i; j < i + 10; ++j) b.SetAdd("day", "car" + std::to_string(t * 1000 + j));
        if (!store_->Write(b).ok()) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, std::vector<int>(kThreads, 0));
  EXPECT_EQ(Members("day").size(), static_cast<size_t>(kThreads * kPerThread));
}

INSTANTIATE_TEST_SUITE_P(Engines, HotStoreTest, ::testing::Values("embedded", "redis"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace smartcar::hot
