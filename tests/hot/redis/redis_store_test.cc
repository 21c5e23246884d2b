// Redis engine against a real redis-server: what other clients see, restarts, AUTH/ACL, and bad
// configuration failing clearly within a bounded time.
#include "hot/hot_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "hot/redis_process.h"
#include "test_util.h"

namespace smartcar::hot {
namespace {

using ::smartcar::testing::FreePort;
using ::smartcar::testing::RedisServer;
using ::smartcar::testing::TempDir;
using ::testing::HasSubstr;
using Strings = std::vector<std::string>;

HotOptions RedisOptions(int port) {
  HotOptions o;
  o.redis = Endpoint{"127.0.0.1", port};
  o.open_timeout_ms = 500;
  o.connect_timeout_ms = 300;
  o.command_timeout_ms = 500;
  return o;
}

std::unique_ptr<HotStore> MustOpen(const HotOptions& o) {
  auto s = OpenHotStore(o);
  EXPECT_TRUE(s.has_value()) << s.error().ToString();
  return s ? *std::move(s) : nullptr;
}

TEST(RedisStoreTest, RedisCliSeesThePilotsKeys) {
  TempDir dir;
  RedisServer server(dir.str());
  ASSERT_TRUE(server.Start());
  auto store = MustOpen(RedisOptions(server.port()));
  ASSERT_NE(store, nullptr);
  HotWriteBatch b;
  for (const char* car : {"O0010", "O0002", "O0007"}) b.SetAdd("20220426", car);
  ASSERT_TRUE(store->Write(b).ok());
  auto cli = server.Cli("SMEMBERS 20220426 | sort");
  EXPECT_EQ(cli.out, "O0002\nO0007\nO0010\n");
  auto ttl = server.Cli("TTL 20220426");
  EXPECT_GT(std::stoll(ttl.out), 6 * 24 * 3600);  // One week, in seconds.
  // And the other way round: what redis-cli writes, the store reads.
  ASSERT_EQ(server.Cli("SADD 20220427 X1").exit_code, 0);
  EXPECT_EQ(store->Members("20220427").value(), Strings{"X1"});
  EXPECT_EQ(store->TtlMs("20220427").value(), -1);  // Written without expiry.
}

// The embedded engine's glob matcher agrees with Redis's own on the same keys.
TEST(RedisStoreTest, GlobMatchesRedisKeys) {
  TempDir dir;
  RedisServer server(dir.str());
  ASSERT_TRUE(server.Start());
  HotOptions eo;
  eo.data_dir = dir.file("hot");
  auto embedded = MustOpen(eo);
  auto redis = MustOpen(RedisOptions(server.port()));
  ASSERT_TRUE(embedded && redis);
  HotWriteBatch b;
  for (const char* k : {"20220426", "20220427", "20220426:O0010", "20220426:O0002", "a*b", "a?b",
                        "a[b", "a\\b", "abc", "ab", "b", "xyz:1", "X", "-", "]"}) {
    b.SetAdd(k, "m");
  }
  ASSERT_TRUE(embedded->Write(b).ok());
  ASSERT_TRUE(redis->Write(b).ok());
  for (const char* p :
       {"*",         "2022042?", "20220426:*", "*:*",   "a*",      "a\\*b",    "a\\?b", "a[*]b",
        "a[bc]*",    "[^2a]*",   "[a-c]",      "[c-a]", "a[\\[]b", "a\\\\b",   "?",     "??",
        "*O00[01]?", "[",        "[]]",        "a[^b",  "\\",      "x*:[0-9]", "[-]",   "*[xX]*"}) {
    auto e = embedded->Keys(p);
    auto r = redis->Keys(p);
    ASSERT_TRUE(e.has_value() && r.has_value()) << p;
    EXPECT_EQ(*e, *r) << "pattern " << p;
  }
}

TEST(RedisStoreTest, MoreThreadsThanPooledConnections) {
  TempDir dir;
  RedisServer server(dir.str());
  ASSERT_TRUE(server.Start());
  HotOptions o = RedisOptions(server.port());
  o.pool_size = 1;
  auto store = MustOpen(o);
  ASSERT_NE(store, nullptr);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (!store->SetAdd("day", std::to_string(t * 100 + i)).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(server.Cli("SCARD day").out, "200\n");
  EXPECT_EQ(server.Cli("CLIENT LIST | grep -c cmd=").out, "2\n");  // The store's one + redis-cli.
}

TEST(RedisStoreTest, ReconnectsAfterServerRestart) {
  TempDir dir;
  RedisServer server(dir.str());
  ASSERT_TRUE(server.Start());
  HotOptions o = RedisOptions(server.port());
  o.write_timeout_ms = 10000;
  auto store = MustOpen(o);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->SetAdd("day", "before").ok());
  server.Stop();
  ASSERT_TRUE(server.Start());
  // The pooled connection is dead; the write reconnects and succeeds.
  ASSERT_TRUE(store->SetAdd("day", "after").ok());
  EXPECT_EQ(store->Members("day").value(), Strings{"after"});  // --save "": the old set is gone.

  // A write issued while the server is down waits for it (the ack waits for Redis).
  server.Stop();
  // (The server is started from this thread: PR_SET_PDEATHSIG ties a child to the thread that
  // forked it.)
  Status s;
  std::thread writer([&] { s = store->SetAdd("day", "while-down"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(server.Start());
  writer.join();
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(server.Cli("SISMEMBER day while-down").out, "1\n");
}

TEST(RedisStoreTest, WriteFailsWhenServerStaysDown) {
  TempDir dir;
  RedisServer server(dir.str());
  ASSERT_TRUE(server.Start());
  HotOptions o = RedisOptions(server.port());
  o.write_timeout_ms = 300;
  auto store = MustOpen(o);
  ASSERT_NE(store, nullptr);
  server.Stop();
  Status s = store->SetAdd("day", "lost");
  EXPECT_TRUE(s.IsIOError()) << s.ToString();  // Not acked: the caller keeps its records.
  EXPECT_THAT(s.message(), HasSubstr("attempt"));
  EXPECT_THAT(s.message(), HasSubstr(server.address()));
  EXPECT_FALSE(store->Members("day").has_value());
}

TEST(RedisStoreTest, HungServerTimesOutWithoutAck) {
  TempDir dir;
  RedisServer server(dir.str());
  ASSERT_TRUE(server.Start());
  HotOptions o = RedisOptions(server.port());
  o.command_timeout_ms = 200;
  o.write_timeout_ms = 600;
  auto store = MustOpen(o);
  ASSERT_NE(store, nullptr);
  server.Signal(SIGSTOP);  // Accepts TCP connections (kernel backlog) but never answers.
  Status s = store->SetAdd("day", "a");
  auto opened = OpenHotStore(o);
  server.Signal(SIGCONT);
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("timed out"));
  ASSERT_FALSE(opened.has_value());
  EXPECT_TRUE(opened.error().IsIOError());
  // Thawed, the same store works again.
  EXPECT_TRUE(store->SetAdd("day", "b").ok());
}

TEST(RedisStoreTest, UnreachableServerIsAClearError) {
  const int port = FreePort();  // Nothing listens there.
  auto s = OpenHotStore(RedisOptions(port));
  ASSERT_FALSE(s.has_value());
  EXPECT_TRUE(s.error().IsIOError()) << s.error().ToString();
  EXPECT_THAT(s.error().message(), HasSubstr("127.0.0.1:" + std::to_string(port)));
  EXPECT_THAT(s.error().message(), HasSubstr("refused"));
}

TEST(RedisStoreTest, PasswordAuth) {
  TempDir dir;
  RedisServer server(dir.str(), {"--requirepass", "s3cret"});
  ASSERT_TRUE(server.Start());
  HotOptions o = RedisOptions(server.port());

  auto none = OpenHotStore(o);
  ASSERT_FALSE(none.has_value());
  EXPECT_TRUE(none.error().IsInvalidArgument()) << none.error().ToString();
  EXPECT_THAT(none.error().message(), HasSubstr("authentication"));

  o.password = "wrong";
  auto wrong = OpenHotStore(o);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_TRUE(wrong.error().IsInvalidArgument()) << wrong.error().ToString();
  EXPECT_THAT(wrong.error().message(), HasSubstr("authentication failed"));
  EXPECT_THAT(wrong.error().message(), HasSubstr(server.address()));

  o.password = "s3cret";
  auto store = MustOpen(o);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->SetAdd("day", "a").ok());
  EXPECT_EQ(store->Members("day").value(), Strings{"a"});
}

TEST(RedisStoreTest, AclUserAuth) {
  TempDir dir;
  RedisServer server(dir.str(), {"--user", "pipeline", "on", ">pw1", "~overspeed:*", "+@all"});
  ASSERT_TRUE(server.Start());
  HotOptions o = RedisOptions(server.port());
  o.username = "pipeline";
  o.password = "pw1";
  o.key_prefix = "overspeed:";
  auto store = MustOpen(o);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->SetAdd("20220426", "a").ok());
  EXPECT_EQ(store->Members("20220426").value(), Strings{"a"});

  // Outside its key pattern the user is refused: a clear, non-retried error.
  o.key_prefix = "";
  auto unprefixed = MustOpen(o);
  ASSERT_NE(unprefixed, nullptr);
  Status s = unprefixed->SetAdd("20220426", "a");
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("NOPERM"));

  o.password = "nope";
  auto wrong = OpenHotStore(o);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_THAT(wrong.error().message(), HasSubstr("authentication failed"));
}

TEST(RedisStoreTest, WaitForReplicasBeforeAck) {
  TempDir dir;
  RedisServer master(dir.str());
  ASSERT_TRUE(master.Start());
  HotOptions o = RedisOptions(master.port());
  o.wait_replicas = 1;
  o.wait_timeout_ms = 100;
  o.write_timeout_ms = 400;
  auto store = MustOpen(o);
  ASSERT_NE(store, nullptr);
  // No replica: stored on the master, but not acked.
  Status s = store->SetAdd("day", "a");
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("only 0 of 1 replica(s)"));

  RedisServer replica(dir.str(), {"--replicaof", "127.0.0.1", std::to_string(master.port())});
  ASSERT_TRUE(replica.Start());
  o.write_timeout_ms = 10000;  // The replica's first sync takes a moment.
  store = MustOpen(o);
  ASSERT_NE(store, nullptr);
  s = store->SetAdd("day", "b");
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(replica.Cli("SISMEMBER day b").out, "1\n");  // Acked means replicated.
}

TEST(RedisStoreTest, SelectsDatabase) {
  TempDir dir;
  RedisServer server(dir.str());
  ASSERT_TRUE(server.Start());
  HotOptions o = RedisOptions(server.port());
  o.db = 3;
  auto store = MustOpen(o);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->SetAdd("day", "a").ok());
  EXPECT_EQ(server.Cli("-n 3 SMEMBERS day").out, "a\n");
  EXPECT_EQ(server.Cli("-n 0 EXISTS day").out, "0\n");
}

TEST(RedisStoreTest, TlsIsNotSupportedByDebianHiredis) {
  HotOptions o = RedisOptions(6379);
  o.tls = true;
  auto s = OpenHotStore(o);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code(), Status::Code::kNotSupported);
  EXPECT_THAT(s.error().message(), HasSubstr("hiredis"));
}

TEST(RedisStoreTest, BadOptionsAreRejected) {
  HotOptions o;
  o.sentinels = {Endpoint{"127.0.0.1", 26379}};
  EXPECT_THAT(OpenHotStore(o).error().message(), HasSubstr("master name"));
  o = HotOptions();
  o.ttl_ms = 0;
  EXPECT_TRUE(OpenHotStore(o).error().IsInvalidArgument());
  EXPECT_FALSE(ParseEndpoint("localhost").has_value());
  EXPECT_FALSE(ParseEndpoint("h:0").has_value());
  EXPECT_FALSE(ParseEndpoint(":80").has_value());
  EXPECT_THAT(ParseEndpoint("h:x", "--redis").error().message(), HasSubstr("--redis 'h:x'"));
  auto list = ParseEndpointList("a:1,b:2");
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].ToString(), "b:2");
}

}  // namespace
}  // namespace smartcar::hot
