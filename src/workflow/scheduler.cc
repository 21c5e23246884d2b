// RunScheduler: the leader runs every due day of every scheduled workflow.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <set>

#include "coord/coordinator.h"
#include "workflow/run_state.h"
#include "workflow/workflow.h"

namespace smartcar::workflow {
namespace {

constexpr const char* kLeaderPath = "/workflows/_leader";

// True while this process holds /workflows/_leader (ephemeral: it goes with the holder).
bool HoldLeadership(coord::Coordinator* c, const std::string& owner) {
  Status s = c->Create(kLeaderPath, owner, coord::CreateMode::kEphemeral);
  if (s.ok()) return true;
  auto node = c->Get(kLeaderPath);
  return node && node->data == owner;
}

// The days of one workflow known to have finished (succeeded or failed), so a tick does not read
// every due day's run again: kept until the workflow's runs node changes (TouchRuns, on `workflow
// clear`), which a watch reports.
class FinishedDays {
 public:
  FinishedDays(coord::Coordinator* c, std::string workflow)
      : c_(c), workflow_(std::move(workflow)) {
    auto stale = stale_;
    auto w = c_->WatchNode(RunsPath(workflow_), [stale] { stale->store(true); });
    if (w) watch_ = std::move(*w);  // Without a watch, nothing is kept.
  }

  // Called once per tick, before Finished().
  void Refresh() {
    if (watch_ == nullptr || stale_->exchange(false)) days_.clear();
  }

  bool Finished(const std::string& day) {
    if (days_.count(day) != 0) return true;
    auto r = GetRun(c_, workflow_, day);
    // Failed days wait for `workflow clear`; unreadable ones are not retried blindly.
    if (!r) return true;
    const bool finished =
        r->has_value() && ((*r)->state == State::kSucceeded || (*r)->state == State::kFailed);
    if (finished && watch_ != nullptr) days_.insert(day);
    return finished;
  }

 private:
  coord::Coordinator* c_;
  std::string workflow_;
  std::shared_ptr<std::atomic<bool>> stale_ = std::make_shared<std::atomic<bool>>(true);
  std::unique_ptr<coord::Watch> watch_;
  std::set<std::string> days_;
};

}  // namespace

Status RunScheduler(coord::Coordinator* c, const SchedulerOptions& options) {
  const RunOptions& o = options.run;
  const std::string owner = ProcessOwner();
  bool was_leader = false;
  std::string last_error;
  std::map<std::string, std::unique_ptr<FinishedDays>> finished;  // By workflow name.
  while (!Stopped(o)) {
    const bool leader = HoldLeadership(c, owner);
    if (leader != was_leader) {
      Say(o, leader ? "scheduler: leading (" + owner + ")"
                    : "scheduler: standing by (another instance leads)");
      was_leader = leader;
    }
    if (leader) {
      auto workflows = LoadWorkflowFolder(options.folder);
      if (!workflows) {
        if (workflows.error().message() != last_error) {
          last_error = workflows.error().message();
          Say(o, "scheduler: " + last_error + " (fix the file; the other workflows wait)");
        }
      } else {
        last_error.clear();
        for (const Workflow& wf : *workflows) {
          if (!wf.schedule.enabled || Stopped(o)) continue;
          auto& days = finished[wf.name];
          if (days == nullptr) days = std::make_unique<FinishedDays>(c, wf.name);
          days->Refresh();
          auto due = DueDays(wf.schedule, NowMs(),
                             [&](const std::string& day) { return days->Finished(day); });
          if (!due) {
            Say(o, "scheduler: " + wf.name + ": " + due.error().message());
            continue;
          }
          for (const std::string& day : *due) {
            if (Stopped(o) || !HoldLeadership(c, owner)) break;
            Say(o, "scheduler: " + wf.name + " " + day + ": starting");
            auto r = RunDay(wf, day, c, o);
            if (!r) {
              Say(o, "scheduler: " + wf.name + " " + day + ": " + r.error().message());
              continue;
            }
            Say(o, "scheduler: " + wf.name + " " + day + ": " + StateName(r->state));
          }
        }
      }
    }
    if (options.once) break;
    // In 0.2-s steps: in 20-ms steps the idle scheduler woke 49 times a second, now 5.
    SleepUnlessStopped(o, options.tick_ms);
  }
  if (was_leader) {
    auto node = c->Get(kLeaderPath);
    if (node && node->data == owner) (void)c->Delete(kLeaderPath);
  }
  return Status::OK();
}

}  // namespace smartcar::workflow
