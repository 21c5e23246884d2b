// Sentinel: discovering the master, failing over to the replica without losing acked writes,
// and clear errors for a wrong master name or unreachable sentinels. Real redis-server and
// redis-sentinel processes on loopback ports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "hot/hot_store.h"
#include "hot/redis_process.h"
#include "test_util.h"

namespace smartcar::hot {
namespace {

using ::smartcar::testing::FreePort;
using ::smartcar::testing::RedisProcess;
using ::smartcar::testing::RedisServer;
using ::smartcar::testing::RunCommand;
using ::smartcar::testing::TempDir;
using ::smartcar::testing::WriteFile;
using ::testing::HasSubstr;

constexpr char kMaster[] = "hotmaster";

// A redis-sentinel watching `master_port` with quick failure detection.
class Sentinel {
 public:
  Sentinel(const std::string& dir, int master_port) : port_(FreePort()) {
    conf_ = dir + "/sentinel-" + std::to_string(port_) + ".conf";
    WriteFile(conf_, "bind 127.0.0.1\nport " + std::to_string(port_) + "\ndir " + dir +
                         "\nsentinel monitor " + kMaster + " 127.0.0.1 " +
                         std::to_string(master_port) +
                         " 2\n"
                         "sentinel down-after-milliseconds " +
                         kMaster + " 400\nsentinel failover-timeout " + kMaster +
                         " 3000\nsentinel parallel-syncs " + kMaster + " 1\n");
    log_ = dir + "/sentinel-" + std::to_string(port_) + ".log";
  }
  bool Start() { return proc_.Start("/usr/bin/redis-sentinel", {conf_}, port_, log_); }
  int port() const { return port_; }
  std::string Cli(const std::string& args) const {
    return RunCommand("redis-cli -h 127.0.0.1 -p " + std::to_string(port_) + " " + args).out;
  }

 private:
  int port_;
  std::string conf_, log_;
  RedisProcess proc_;
};

bool WaitFor(const std::function<bool()>& cond, int timeout_ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return cond();
}

TEST(SentinelTest, FailoverLosesNoAckedWrites) {
  TempDir dir;
  RedisServer master(dir.str());
  ASSERT_TRUE(master.Start());
  RedisServer replica(dir.str(), {"--replicaof", "127.0.0.1", std::to_string(master.port())});
  ASSERT_TRUE(replica.Start());
  std::vector<std::unique_ptr<Sentinel>> sentinels;
  HotOptions o;
  o.master_name = kMaster;
  for (int i = 0; i < 3; ++i) {
    sentinels.push_back(std::make_unique<Sentinel>(dir.str(), master.port()));
    ASSERT_TRUE(sentinels.back()->Start());
    o.sentinels.push_back(Endpoint{"127.0.0.1", sentinels.back()->port()});
  }
  // Every sentinel knows the other two and the replica: a failover can be authorised.
  for (auto& s : sentinels) {
    ASSERT_TRUE(WaitFor(
        [&] {
          return s->Cli(std::string("SENTINEL ckquorum ") + kMaster).rfind("OK 3", 0) == 0 &&
                 s->Cli(std::string("SENTINEL replicas ") + kMaster).find("flags") !=
                     std::string::npos;
        },
        20000))
        << s->Cli(std::string("SENTINEL ckquorum ") + kMaster);
  }
  ASSERT_TRUE(WaitFor(
      [&] {
        return replica.Cli("INFO replication").out.find("master_link_status:up") !=
               std::string::npos;
      },
      10000));

  o.write_timeout_ms = 30000;
  o.command_timeout_ms = 500;
  o.connect_timeout_ms = 300;
  auto opened = OpenHotStore(o);
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  auto store = *std::move(opened);
  EXPECT_THAT(store->Describe(), HasSubstr(std::to_string(master.port())));

  // A writer acks cars one batch at a time; the master dies in the middle.
  constexpr int kCars = 300, kKillAt = 100;
  std::atomic<int> acked{0};
  std::atomic<bool> killed{false};
  std::vector<std::string> errors;
  std::thread writer([&] {
    for (int i = 0; i < kCars; ++i) {
      HotWriteBatch b;
      b.SetAdd("20220426", "car" + std::to_string(i));
      b.Put("20220426:car" + std::to_string(i), "{}");
      Status s = store->Write(b);
      if (!s.ok()) {
        errors.push_back(s.ToString());
        return;
      }
      acked.store(i + 1);
      // Hold here until the master is dead, so the remaining writes go through the failover.
      while (i + 1 == kKillAt && !killed.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
  });
  ASSERT_TRUE(WaitFor([&] { return acked.load() >= kKillAt; }, 20000));
  // Replication is asynchronous (wait_replicas 0, Redis's default and the pilot's): a write the
  // master acked is safe from its death once the replica has it. Kill the master after that (on a
  // loaded machine the replica can lag; CI once lost the first 100 to that).
  ASSERT_TRUE(WaitFor(
      [&] { return replica.Cli("SCARD 20220426").out == std::to_string(kKillAt) + "\n"; }, 20000))
      << replica.Cli("SCARD 20220426").out << replica.Cli("INFO replication").out;
  master.Stop(SIGKILL);
  killed.store(true);
  writer.join();
  EXPECT_EQ(errors, std::vector<std::string>{});
  ASSERT_EQ(acked.load(), kCars);

  // The store now talks to the promoted replica, and every acked car is there.
  auto members = store->Members("20220426");
  ASSERT_TRUE(members.has_value()) << members.error().ToString();
  EXPECT_EQ(members->size(), static_cast<size_t>(kCars));
  EXPECT_THAT(store->Describe(), HasSubstr(std::to_string(replica.port())));
  EXPECT_EQ(replica.Cli("SCARD 20220426").out, std::to_string(kCars) + "\n");
  EXPECT_THAT(replica.Cli("ROLE").out, HasSubstr("master"));
}

TEST(SentinelTest, WrongMasterNameIsAClearError) {
  TempDir dir;
  RedisServer master(dir.str());
  ASSERT_TRUE(master.Start());
  Sentinel sentinel(dir.str(), master.port());
  ASSERT_TRUE(sentinel.Start());
  HotOptions o;
  o.sentinels = {Endpoint{"127.0.0.1", sentinel.port()}};
  o.master_name = "nosuchmaster";
  auto s = OpenHotStore(o);
  ASSERT_FALSE(s.has_value());
  EXPECT_TRUE(s.error().IsInvalidArgument()) << s.error().ToString();
  EXPECT_THAT(s.error().message(), HasSubstr("no master named 'nosuchmaster'"));

  // The right name works, and finds the master.
  o.master_name = kMaster;
  auto ok = OpenHotStore(o);
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  EXPECT_TRUE((*ok)->SetAdd("day", "a").ok());
  EXPECT_EQ(master.Cli("SMEMBERS day").out, "a\n");
}

TEST(SentinelTest, UnreachableSentinelsAreAClearError) {
  HotOptions o;
  o.sentinels = {Endpoint{"127.0.0.1", FreePort()}, Endpoint{"127.0.0.1", FreePort()}};
  o.master_name = kMaster;
  o.open_timeout_ms = 300;
  auto s = OpenHotStore(o);
  ASSERT_FALSE(s.has_value());
  EXPECT_TRUE(s.error().IsIOError()) << s.error().ToString();
  EXPECT_THAT(s.error().message(), HasSubstr("no sentinel answered"));
  EXPECT_THAT(s.error().message(), HasSubstr(o.sentinels[1].ToString()));
}

}  // namespace
}  // namespace smartcar::hot
