// Runs of a day: shell actions as child processes, state in the embedded coordinator.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "coord/coordinator.h"
#include "test_util.h"
#include "workflow/workflow.h"

namespace smartcar::workflow {
namespace {

using testing::ReadFile;
using testing::RunSmartcar;
using testing::TempDir;
using testing::WriteFile;

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class WorkflowRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    coord::CoordOptions o;
    o.data_dir = dir_.str() + "/data";
    auto c = coord::OpenCoordinator(o);
    ASSERT_TRUE(c.has_value()) << c.error().message();
    coord_ = std::move(*c);
    options_.data_dir = dir_.str() + "/data";
    options_.smartcar_binary = SMARTCAR_BINARY;
    options_.params["out"] = dir_.str() + "/out.txt";
  }
  Workflow Parse(const std::string& yaml) {
    auto wf = ParseWorkflow(yaml, dir_.str() + "/wf.yaml");
    EXPECT_TRUE(wf.has_value()) << wf.error().message();
    return wf.value_or(Workflow{});
  }
  std::string Out() { return ReadFile(dir_.str() + "/out.txt"); }

  TempDir dir_;
  std::unique_ptr<coord::Coordinator> coord_;
  RunOptions options_;
};

TEST_F(WorkflowRunTest, AThreeActionDagRunsInDependencyOrderOnce) {
  const Workflow wf = Parse(R"(
name: three
actions:
  - {name: report, type: shell, depends_on: [transform], command: "echo report ${working_day} >> ${out}"}
  - {name: load, type: shell, command: "echo load ${working_day_iso} >> ${out}"}
  - {name: transform, type: shell, depends_on: load, command: "echo transform ${previous_day} >> ${out}"}
)");
  auto r = RunDay(wf, "20200322", coord_.get(), options_);
  ASSERT_TRUE(r.has_value()) << r.error().message();
  EXPECT_EQ(r->state, State::kSucceeded);
  EXPECT_EQ(Out(), "load 2020-03-22\ntransform 20200321\nreport 20200322\n");
  // Run again: finished actions are not run again.
  auto again = RunDay(wf, "20200322", coord_.get(), options_);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->state, State::kSucceeded);
  EXPECT_EQ(Count(Out(), "load"), 1);
  auto stored = GetRun(coord_.get(), "three", "20200322");
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_EQ((*stored)->actions[0].attempts.size(), 1u);
  EXPECT_EQ((*stored)->actions[0].attempts[0].exit_code, 0);
  EXPECT_NE(ReadFile((*stored)->actions[0].attempts[0].log).find("echo load"), std::string::npos);
}

TEST_F(WorkflowRunTest, AFailingActionIsRetriedThenFailsTheDayAndClearRerunsOnlyIt) {
  const std::string flag = dir_.str() + "/fixed";
  const Workflow wf = Parse(R"(
name: flaky
params: {flag: ")" + flag + R"("}
actions:
  - {name: load, type: shell, command: "echo load >> ${out}"}
  - {name: check, type: shell, depends_on: load, retries: 2, retry_delay: 50ms,
     command: "echo check >> ${out}; test -f ${flag}"}
  - {name: after, type: shell, depends_on: check, command: "echo after >> ${out}"}
  - {name: side, type: shell, depends_on: load, command: "echo side >> ${out}"}
)");
  auto r = RunDay(wf, "20200322", coord_.get(), options_);
  ASSERT_TRUE(r.has_value()) << r.error().message();
  EXPECT_EQ(r->state, State::kFailed);
  EXPECT_EQ(Count(Out(), "check"), 3);  // 1 + 2 retries.
  EXPECT_EQ(Count(Out(), "after"), 0);
  EXPECT_EQ(Count(Out(), "side"), 1);  // An independent branch still runs.
  EXPECT_EQ(r->actions[1].state, State::kFailed);
  EXPECT_EQ(r->actions[1].attempts.size(), 3u);
  EXPECT_EQ(r->actions[1].attempts[2].exit_code, 1);
  EXPECT_EQ(r->actions[2].state, State::kUpstreamFailed);

  WriteFile(flag, "");
  ASSERT_TRUE(ClearDay(wf, "20200322", "", coord_.get()).ok());
  auto cleared = GetRun(coord_.get(), "flaky", "20200322");
  EXPECT_EQ((*cleared)->actions[0].state, State::kSucceeded);
  EXPECT_EQ((*cleared)->actions[1].state, State::kPending);
  auto rerun = RunDay(wf, "20200322", coord_.get(), options_);
  ASSERT_TRUE(rerun.has_value());
  EXPECT_EQ(rerun->state, State::kSucceeded);
  EXPECT_EQ(Count(Out(), "load"), 1);  // Not re-run.
  EXPECT_EQ(Count(Out(), "side"), 1);
  EXPECT_EQ(Count(Out(), "check"), 4);
  EXPECT_EQ(Count(Out(), "after"), 1);

  // Clearing one action re-runs it and what depends on it, nothing else.
  ASSERT_TRUE(ClearDay(wf, "20200322", "check", coord_.get()).ok());
  ASSERT_TRUE(RunDay(wf, "20200322", coord_.get(), options_).has_value());
  EXPECT_EQ(Count(Out(), "load"), 1);
  EXPECT_EQ(Count(Out(), "check"), 5);
  EXPECT_EQ(Count(Out(), "after"), 2);
  EXPECT_EQ(Count(Out(), "side"), 1);
  EXPECT_TRUE(ClearDay(wf, "20200322", "nope", coord_.get()).IsNotFound());
}

TEST_F(WorkflowRunTest, TimeoutsWhenAndWaitFor) {
  const Workflow wf = Parse(R"(
name: misc
params: {pg: ""}
actions:
  - {name: slow, type: shell, timeout: 300ms, command: "sleep 30"}
  - {name: export, type: shell, when: "${pg}", command: "echo export >> ${out}"}
  - {name: wait, type: wait-for, path: "${data}/ready-${working_day}", timeout: 2s, poke_interval: 50ms}
)");
  auto r = RunDay(wf, "20200322", coord_.get(), options_);
  ASSERT_TRUE(r.has_value()) << r.error().message();
  // Exit 124 and the error say the attempt was killed at its timeout (not left to finish).
  EXPECT_EQ(r->actions[0].state, State::kFailed);
  EXPECT_EQ(r->actions[0].attempts[0].exit_code, 124);
  EXPECT_NE(r->actions[0].attempts[0].error.find("timed out"), std::string::npos);
  EXPECT_EQ(r->actions[1].state, State::kSkipped);
  EXPECT_EQ(r->actions[2].state, State::kFailed);  // Nothing appeared in 2 s.
  EXPECT_EQ(Count(Out(), "export"), 0);

  std::filesystem::create_directories(dir_.str() + "/data");
  WriteFile(dir_.str() + "/data/ready-20200322", "");
  options_.params["pg"] = "jdbc:postgresql://x/y";
  ASSERT_TRUE(ClearDay(wf, "20200322", "wait", coord_.get()).ok());
  auto again = RunDay(wf, "20200322", coord_.get(), options_);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->actions[2].state, State::kSucceeded);
  EXPECT_EQ(again->actions[1].state, State::kSkipped);  // Skipped stays done.
}

TEST_F(WorkflowRunTest, ADayIsRunByOneProcessAtATime) {
  const Workflow wf = Parse(R"(
name: busy
actions:
  - {name: a, type: shell, command: "echo a >> ${out}"}
)");
  ASSERT_TRUE(
      coord_
          ->Create("/workflows/busy/locks/20200322", "other-host-1", coord::CreateMode::kEphemeral)
          .ok());
  auto r = RunDay(wf, "20200322", coord_.get(), options_);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Status::Code::kBusy);
  EXPECT_NE(r.error().message().find("is being run by other-host-1"), std::string::npos);
}

TEST_F(WorkflowRunTest, BackfillRunsEveryDayInParallelAndFailsOnAFailedDay) {
  const std::string folder = dir_.str() + "/workflows";
  std::filesystem::create_directories(folder);
  WriteFile(folder + "/week.yaml", R"(
name: week
params: {out: ")" + dir_.str() + R"(/out.txt"}
actions:
  - {name: a, type: shell, command: "echo a ${working_day} >> ${out}"}
  - {name: b, type: shell, depends_on: a, command: "test ${working_day} != 20200325"}
)");
  const std::string flags = " --workflows " + folder + " --data " + dir_.str() + "/data";
  auto r = RunSmartcar("workflow backfill week --from 20200320 --to 20200326 --parallel 3" + flags);
  EXPECT_EQ(r.exit_code, 1) << r.out;  // The 25th fails.
  EXPECT_NE(r.out.find("week 20200325: failed"), std::string::npos) << r.out;
  for (const char* d :
       {"20200320", "20200321", "20200322", "20200323", "20200324", "20200325", "20200326"}) {
    EXPECT_EQ(Count(Out(), std::string("a ") + d), 1) << d;
  }
  auto status = RunSmartcar("workflow status week" + flags);
  EXPECT_EQ(status.exit_code, 0) << status.out;
  EXPECT_EQ(Count(status.out, "a:succeeded b:succeeded"), 6) << status.out;
  EXPECT_EQ(Count(status.out, "a:succeeded b:failed"), 1) << status.out;
  auto logs = RunSmartcar("workflow logs week --date 20200325 --action b" + flags);
  EXPECT_EQ(logs.exit_code, 0) << logs.out;
  EXPECT_NE(logs.out.find("test 20200325 != 20200325"), std::string::npos) << logs.out;
}

TEST_F(WorkflowRunTest, AProcessKilledMidRunResumesWithoutRerunningFinishedActions) {
  const std::string folder = dir_.str() + "/workflows";
  std::filesystem::create_directories(folder);
  const std::string started = dir_.str() + "/b-started";
  const std::string release = dir_.str() + "/release";
  WriteFile(folder + "/resume.yaml", R"(
name: resume
params: {out: ")" + dir_.str() + R"(/out.txt"}
actions:
  - {name: a, type: shell, command: "echo a >> ${out}"}
  - {name: b, type: shell, depends_on: a,
     command: "echo b >> ${out}; touch )" +
                                         started + R"(; while [ ! -f )" + release +
                                         R"( ]; do sleep 0.05; done"}
  - {name: c, type: shell, depends_on: b, command: "echo c >> ${out}"}
)");
  const std::string flags = " --workflows " + folder + " --data " + dir_.str() + "/data";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string bin = SMARTCAR_BINARY;
    execl(bin.c_str(), bin.c_str(), "workflow", "run", "resume", "--date", "20200322",
          "--workflows", folder.c_str(), "--data", (dir_.str() + "/data").c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 600 && !std::filesystem::exists(started); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(std::filesystem::exists(started));
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int st = 0;
  waitpid(pid, &st, 0);
  // The state says b was running; the lock died with the process.
  auto mid = GetRun(coord_.get(), "resume", "20200322");
  ASSERT_TRUE(mid.has_value() && mid->has_value());
  EXPECT_EQ((*mid)->actions[0].state, State::kSucceeded);
  EXPECT_EQ((*mid)->actions[1].state, State::kRunning);
  WriteFile(release, "");
  auto r = RunSmartcar("workflow run resume --date 20200322" + flags);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Out(), "a\nb\nb\nc\n");  // a once; b again (it never finished); c once.
  auto history = RunSmartcar("workflow history resume" + flags);
  EXPECT_NE(history.out.find("b                        succeeded        2 attempt(s)"),
            std::string::npos)
      << history.out;
}

}  // namespace
}  // namespace smartcar::workflow
