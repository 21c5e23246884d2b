// RunScheduler: the leader runs every due day of every scheduled workflow.
#include <unistd.h>

#include <chrono>
#include <thread>

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

}  // namespace

Status RunScheduler(coord::Coordinator* c, const SchedulerOptions& options) {
  const RunOptions& o = options.run;
  const std::string owner = ProcessOwner();
  bool was_leader = false;
  std::string last_error;
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
          auto due = DueDays(wf.schedule, NowMs(), [&](const std::string& day) {
            auto r = GetRun(c, wf.name, day);
            // Failed days wait for `workflow clear`; unreadable ones are not retried blindly.
            return !r || (r->has_value() &&
                          ((*r)->state == State::kSucceeded || (*r)->state == State::kFailed));
          });
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
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options.tick_ms);
    while (!Stopped(o) && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  if (was_leader) {
    auto node = c->Get(kLeaderPath);
    if (node && node->data == owner) (void)c->Delete(kLeaderPath);
  }
  return Status::OK();
}

}  // namespace smartcar::workflow
