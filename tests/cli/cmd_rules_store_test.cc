// `smartcar rules deploy|list|show|history|diff|rollback|delete` as an operator runs them, on the
// data folder's embedded coordinator; then `smartcar run` picking the stored rule over its folder.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include "coord/coordinator.h"
#include "coord/membership.h"
#include "coord/rule_store.h"
#include "test_util.h"

namespace smartcar {
namespace {

using testing::RunSmartcar;

// stdout alone (RunSmartcar merges stderr into it).
std::string Stdout(const std::string& args) {
  return testing::RunCommand("{ " + std::string(SMARTCAR_BINARY) + " " + args + " 2>/dev/null; }")
      .out;
}

const std::string kOverspeed = std::string(SMARTCAR_SOURCE_DIR) + "/rules/overspeed.epl";

std::string WithThreshold(const std::string& rule, const std::string& threshold) {
  std::string out = rule;
  const size_t at = out.find("HAVING avg(speed) > 80");
  if (at != std::string::npos) out.replace(at, 22, "HAVING avg(speed) > " + threshold);
  return out;
}

TEST(CmdRulesStoreTest, DeployListShowHistoryDiffRollbackDelete) {
  testing::TempDir dir;
  const std::string data = " --data " + dir.file("data");
  const std::string rule = testing::ReadFile(kOverspeed);
  ASSERT_NE(WithThreshold(rule, "90"), rule);
  testing::WriteFile(dir.file("overspeed.epl"), rule);

  auto r = RunSmartcar("rules list" + data);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("no rules in the store"), std::string::npos) << r.out;

  r = RunSmartcar("rules deploy " + dir.file("overspeed.epl") + " --author ann" + data);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("overspeed: deployed version 1 (crc32:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 statement) to embedded ("), std::string::npos) << r.out;
  r = RunSmartcar("rules deploy " + dir.file("overspeed.epl") + data);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("unchanged, version 1"), std::string::npos) << r.out;

  testing::WriteFile(dir.file("overspeed.epl"), WithThreshold(rule, "90"));
  r = RunSmartcar("rules deploy " + dir.file("overspeed.epl") +
                  " --author bob --message 'fewer alerts'" + data);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("deployed version 2"), std::string::npos) << r.out;

  r = RunSmartcar("rules list" + data);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("overspeed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fewer alerts"), std::string::npos) << r.out;

  r = RunSmartcar("rules show overspeed --version 1" + data);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("-- overspeed version 1, "), std::string::npos) << r.out;  // stderr
  EXPECT_NE(r.out.find(" by ann, crc32:"), std::string::npos) << r.out;
  EXPECT_EQ(Stdout("rules show overspeed --version 1" + data), rule);

  r = RunSmartcar("rules history overspeed" + data);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("ann"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bob"), std::string::npos) << r.out;

  r = RunSmartcar("rules diff overspeed 1 2" + data);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("-HAVING avg(speed) > 80"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("+HAVING avg(speed) > 90"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" GROUP BY carNumber"), std::string::npos) << r.out;

  r = RunSmartcar("rules rollback overspeed --to 1" + data);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("version 3 is the text of version 1"), std::string::npos) << r.out;
  EXPECT_EQ(Stdout("rules show overspeed" + data), rule);

  r = RunSmartcar("rules delete overspeed" + data);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = RunSmartcar("rules show overspeed" + data);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("no rule 'overspeed' in the store"), std::string::npos) << r.out;
}

// A folder deploys every rule in it, or none when one does not compile.
TEST(CmdRulesStoreTest, DeployingAFolderIsAllOrNothing) {
  testing::TempDir dir;
  const std::string data = " --data " + dir.file("data");
  std::filesystem::create_directories(dir.file("rules"));
  testing::WriteFile(dir.file("rules/overspeed.epl"), testing::ReadFile(kOverspeed));
  testing::WriteFile(dir.file("rules/broken.epl"), "SELECT nothing FROM Nowhere\n");
  auto r = RunSmartcar("rules deploy " + dir.file("rules") + data);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("broken.epl: "), std::string::npos) << r.out;
  EXPECT_NE(RunSmartcar("rules list" + data).out.find("no rules in the store"), std::string::npos);
  std::filesystem::remove(dir.file("rules/broken.epl"));
  testing::WriteFile(dir.file("rules/copy.epl"), testing::ReadFile(kOverspeed));
  r = RunSmartcar("rules deploy " + dir.file("rules") + data);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("copy: deployed version 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("overspeed: deployed version 1"), std::string::npos) << r.out;
  r = RunSmartcar("rules deploy " + dir.file("rules") + " --name x" + data);
  EXPECT_EQ(r.exit_code, 2) << r.out;
}

TEST(CmdRulesStoreTest, ABrokenRuleIsNotDeployedAndErrorsSayWhy) {
  testing::TempDir dir;
  const std::string data = " --data " + dir.file("data");
  testing::WriteFile(dir.file("bad.epl"),
                     "-- typo on line 2\nSELECT carNumber, avg(sped) FROM DriverCarInfo\n");
  auto r = RunSmartcar("rules deploy " + dir.file("bad.epl") + data);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("line 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nothing deployed"), std::string::npos) << r.out;
  r = RunSmartcar("rules list" + data);
  EXPECT_NE(r.out.find("no rules in the store"), std::string::npos) << r.out;

  r = RunSmartcar("rules deploy " + kOverspeed + " --name 'bad name'" + data);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("not allowed"), std::string::npos) << r.out;
  r = RunSmartcar("rules show nothing" + data);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("no rule 'nothing'"), std::string::npos) << r.out;
  r = RunSmartcar("rules rollback nothing --to 1" + data);
  EXPECT_EQ(r.exit_code, 1);
  r = RunSmartcar("rules list --zookeeper nohost" + data);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("is not host:port"), std::string::npos) << r.out;
}

// A run on a folder whose rule nobody can match, with the store holding the pilot's rule: the
// store wins (the run says so), and the day's detections are the pilot rule's.
TEST(CmdRulesStoreTest, RunUsesTheStoredRuleOverItsFolder) {
  testing::TempDir dir;
  const std::string rule = testing::ReadFile(kOverspeed);
  std::filesystem::create_directories(dir.file("rules"));
  testing::WriteFile(dir.file("rules/overspeed.epl"), WithThreshold(rule, "1000"));
  const std::string data = " --data " + dir.file("data");
  const std::string run = "run --rules " + dir.file("rules") +
                          " --date 20220426 --cars 20 --seconds 300 --fast --seed 3 "
                          "--metrics-port off";
  auto r = RunSmartcar(run + " --data " + dir.file("folder-run"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = RunSmartcar("overspeed 20220426 --data " + dir.file("folder-run"));
  EXPECT_NE(r.out.find("smartcar overspeed: 0 car(s) on 20220426"), std::string::npos) << r.out;

  r = RunSmartcar("rules deploy " + kOverspeed + data);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = RunSmartcar(run + data);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("rules from the rule store (embedded ("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("overspeed v1"), std::string::npos) << r.out;
  r = RunSmartcar("overspeed 20220426" + data);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(" car(s) on 20220426"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(" 0 car(s) on 20220426"), std::string::npos) << r.out;
}

// `cluster status` beside a live run: the run is the one member, the leader, and runs the stored
// version; once it is stopped, it is gone.
TEST(CmdRulesStoreTest, ClusterStatusShowsALiveRunAsLeaderWithItsRuleVersion) {
  testing::TempDir dir;
  const std::string data = " --data " + dir.file("data");
  ASSERT_EQ(RunSmartcar("rules deploy " + kOverspeed + data).exit_code, 0);
  auto started = testing::RunCommand(std::string(SMARTCAR_BINARY) + " run --rules " +
                                     dir.file("none") + " --cars 5 --metrics-port off" + data +
                                     " > " + dir.file("run.log") + " 2>&1 & echo $!");
  const pid_t pid = static_cast<pid_t>(std::atol(started.out.c_str()));
  ASSERT_GT(pid, 0) << started.out;
  std::string out;
  for (int i = 0; i < 600; ++i) {  // Up to 60 s on a loaded machine.
    out = RunSmartcar("cluster status" + data).out;
    const size_t first = out.find("overspeed v1");
    if (first != std::string::npos && out.find("overspeed v1", first + 1) != std::string::npos) {
      break;  // In the store line and in the member's row.
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(out.find("members:     1"), std::string::npos) << out;
  EXPECT_NE(out.find("-" + std::to_string(pid) + " "), std::string::npos) << out;  // host-pid
  EXPECT_NE(out.find(" * smartcar run"), std::string::npos) << out;                // the leader
  EXPECT_NE(out.find("overspeed v1"), std::string::npos)
      << out << testing::ReadFile(dir.file("run.log"));
  EXPECT_NE(out.find("rule store:  overspeed v1"), std::string::npos) << out;
  auto list = RunSmartcar("rules list" + data).out;
  EXPECT_NE(list.find("1 of 1 members"), std::string::npos) << list;

  // A version this instance cannot compile (stored by another tool, or for a newer binary): the
  // run keeps version 1, says why under its member node, and `rules list` shows the mismatch.
  {
    coord::CoordOptions co;
    co.data_dir = dir.file("data");
    auto c = coord::OpenCoordinator(co);
    ASSERT_TRUE(c.has_value()) << c.error().ToString();
    ASSERT_TRUE(coord::RuleStore(c->get())
                    .Deploy("overspeed", "SELECT nonsense FROM Nowhere\n", "other-tool", "")
                    .has_value());
  }
  for (int i = 0; i < 600; ++i) {
    list = RunSmartcar("rules list" + data).out;
    // First "runs v1" (not seen yet), then the member's reason.
    if (list.find("v2: rule store: ") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(list.find("0 of 1 members"), std::string::npos) << list;
  EXPECT_NE(list.find("overspeed v2 not running on "), std::string::npos) << list;
  EXPECT_NE(list.find("v2: rule store: overspeed version 2: "), std::string::npos) << list;
  out = RunSmartcar("cluster status" + data).out;
  EXPECT_NE(out.find("overspeed v1, overspeed FAILED (v2: "), std::string::npos) << out;
  ::kill(pid, SIGINT);
  for (int i = 0; i < 600 && ::kill(pid, 0) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  out = RunSmartcar("cluster status" + data).out;
  EXPECT_NE(out.find("members:     0"), std::string::npos) << out;
  EXPECT_NE(out.find("leader:      (none)"), std::string::npos) << out;
}

// Occurrences of `what` in `text`.
size_t CountOf(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// `cluster status --watch` (not on a terminal): a block headed `--- TIME` for every change — a
// member joining, its partitions, a deploy, the member leaving — and none while nothing changes.
TEST(CmdRulesStoreTest, ClusterStatusWatchPrintsEveryChange) {
  testing::TempDir dir;
  const std::string data = " --data " + dir.file("data");
  ASSERT_EQ(RunSmartcar("rules deploy " + kOverspeed + data).exit_code, 0);
  const std::string out_file = dir.file("watch.out");
  auto started =
      testing::RunCommand(std::string(SMARTCAR_BINARY) + " cluster status --watch --interval 0.2" +
                          data + " > " + out_file + " 2>&1 & echo $!");
  const pid_t pid = static_cast<pid_t>(std::atol(started.out.c_str()));
  ASSERT_GT(pid, 0) << started.out;
  // The watcher's output once `pred` holds for it (up to 60 s on a loaded machine).
  const auto wait_for = [&](const std::function<bool(const std::string&)>& pred) {
    std::string out;
    for (int i = 0; i < 600; ++i) {
      out = testing::ReadFile(out_file);
      if (pred(out)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return out;
  };
  // The last block of the watcher's output.
  const auto last_block = [](const std::string& out) {
    const size_t at = out.rfind("--- ");
    return at == std::string::npos ? std::string() : out.substr(at);
  };
  std::string out =
      wait_for([](const std::string& o) { return o.find("members:     0") != std::string::npos; });
  EXPECT_EQ(CountOf(out, "--- "), 1u) << out;
  EXPECT_NE(out.find("rule store:  overspeed v1"), std::string::npos) << out;
  // Nothing changes for a while (several --interval looks): nothing more is printed.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(CountOf(testing::ReadFile(out_file), "--- "), 1u) << testing::ReadFile(out_file);

  coord::CoordOptions co;
  co.data_dir = dir.file("data");
  auto c = coord::OpenCoordinator(co);
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  coord::MemberInfo self;
  self.id = "test-host-1";
  self.host = "test-host";
  self.pid = ::getpid();
  self.command = "smartcar worker";
  auto member = coord::Membership::Join(c->get(), self);
  ASSERT_TRUE(member.has_value()) << member.error().ToString();
  out = wait_for([&](const std::string& o) {
    return last_block(o).find("test-host-1 ") != std::string::npos &&
           last_block(o).find("leader:      test-host-1") != std::string::npos;
  });
  EXPECT_NE(last_block(out).find("members:     1"), std::string::npos) << out;

  (*member)->SetPartitions({0, 1});
  out = wait_for(
      [&](const std::string& o) { return last_block(o).find(" 0,1 ") != std::string::npos; });
  EXPECT_NE(last_block(out).find(" 0,1 "), std::string::npos) << out;

  testing::WriteFile(dir.file("ov100.epl"), WithThreshold(testing::ReadFile(kOverspeed), "100"));
  ASSERT_EQ(
      RunSmartcar("rules deploy " + dir.file("ov100.epl") + " --name overspeed" + data).exit_code,
      0);
  out = wait_for([&](const std::string& o) {
    return last_block(o).find("rule store:  overspeed v2") != std::string::npos;
  });
  EXPECT_NE(last_block(out).find("rule store:  overspeed v2"), std::string::npos) << out;

  member->reset();
  out = wait_for([&](const std::string& o) {
    return last_block(o).find("members:     0") != std::string::npos;
  });
  EXPECT_NE(last_block(out).find("leader:      (none)"), std::string::npos) << out;
  // One block per change (start, join — the leadership may come in a second look —, partitions,
  // deploy, leave), not one per look.
  EXPECT_GE(CountOf(out, "--- "), 5u) << out;
  EXPECT_LE(CountOf(out, "--- "), 7u) << out;
  ::kill(pid, SIGINT);
  for (int i = 0; i < 600 && ::kill(pid, 0) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(::kill(pid, 0), 0);  // Ctrl-C ends it.
}

}  // namespace
}  // namespace smartcar
