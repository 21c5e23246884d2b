// `smartcar cluster status [--watch]`: the instances attached to a coordinator (the data folder's
// embedded one, or ZooKeeper), which one leads, and the rule versions each runs next to the
// store's; with --watch, again on every change until Ctrl-C.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/stop_signal.h"
#include "cli/topology_settings.h"
#include "coord/coordinator.h"
#include "coord/membership.h"
#include "coord/rule_store.h"
#include "core/event_time.h"

namespace smartcar::cli {
namespace {

struct ClusterFlags {
  std::string data = "./smartcar-data";
  CoordFlags coord;
  bool watch = false;
  double interval = 2;  // --watch: seconds between looks besides the coordinator's watches.
};

std::string Time(int64_t ms) { return FormatIsoUtc(EventTimeMs{ms}); }

// The status as text; an error names what could not be read.
Result<std::string> Snapshot(coord::Coordinator* c) {
  auto members = coord::ListMembers(c);
  if (!members) return Err(members.error());
  auto leader = coord::CurrentLeader(c);
  if (!leader) return Err(leader.error());
  auto rules = coord::RuleStore(c).Latest();
  if (!rules) return Err(rules.error());
  std::string out;
  auto add = [&out](const char* format, auto... args) {
    char buf[1024];
    std::snprintf(buf, sizeof buf, format, args...);
    out += buf;
  };
  add("coordinator: %s\n", c->Describe().c_str());
  add("leader:      %s\n", leader->empty() ? "(none)" : leader->c_str());
  std::string store;
  for (const coord::RuleVersion& r : *rules) {
    store += (store.empty() ? "" : ", ") + r.name + " v" + std::to_string(r.version);
  }
  add("rule store:  %s\n", store.empty() ? "(empty: members run their folders)" : store.c_str());
  add("members:     %zu\n", members->size());
  if (members->empty()) return out;
  add("\n%-24s %-1s %-16s %-8s %-20s %-24s %-12s %s\n", "MEMBER", "", "COMMAND", "VERSION", "SINCE",
      "METRICS", "PARTITIONS", "RULES");
  for (const coord::MemberInfo& m : *members) {
    std::string running;
    for (const auto& [name, tag] : m.rules) {
      running += (running.empty() ? "" : ", ") + name + " " + tag;
    }
    for (const auto& [name, err] : m.rule_errors) {
      running += (running.empty() ? "" : ", ") + name + " FAILED (" + err + ")";
    }
    std::string parts;
    for (const int32_t p : m.partitions) parts += (parts.empty() ? "" : ",") + std::to_string(p);
    // The rules column may be long: appended whole, not through the fixed buffer.
    add("%-24s %-1s %-16s %-8s %-20s %-24s %-12s ", m.id.c_str(), m.id == *leader ? "*" : "",
        m.command.c_str(), m.version.empty() ? "-" : m.version.c_str(), Time(m.started_ms).c_str(),
        m.metrics_url.empty() ? "-" : m.metrics_url.c_str(), parts.empty() ? "-" : parts.c_str());
    out += (running.empty() ? "-" : running) + "\n";
  }
  return out;
}

std::string NowText() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return Time(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

// Prints the status whenever it changes: the coordinator's watches on the members, the leader
// and the rule store wake it at once, and it looks every `interval` besides (a member's own
// node changing, or an embedded member that died, fires no watch on those). On a terminal the
// screen is redrawn; otherwise each change is a new block headed by the time, for logs.
int WatchStatus(coord::Coordinator* c, const ClusterFlags& f) {
  std::mutex mu;
  std::condition_variable cv;
  bool changed = true;
  const auto wake = [&] {
    {
      std::lock_guard<std::mutex> l(mu);
      changed = true;
    }
    cv.notify_one();
  };
  std::vector<std::unique_ptr<coord::Watch>> watches;
  for (const char* path :
       {coord::Membership::kMembers, coord::Membership::kLeader, coord::RuleStore::kRoot}) {
    auto w = c->WatchNode(path, wake);
    if (!w) {
      std::fprintf(stderr, "smartcar cluster: watching %s: %s\n", path,
                   w.error().ToString().c_str());
      return kExitFailure;
    }
    watches.push_back(std::move(*w));
  }
  const bool tty = isatty(STDOUT_FILENO) == 1;
  const std::atomic<bool>& stop = StopOnSignals();
  const auto interval = std::chrono::milliseconds(static_cast<int64_t>(f.interval * 1000));
  std::string last;
  std::string last_error;
  auto next_look = std::chrono::steady_clock::now();
  while (!stop.load()) {
    {
      std::unique_lock<std::mutex> l(mu);
      // Woken by a watch, the interval, or (at worst 100 ms later) Ctrl-C.
      cv.wait_for(l, std::chrono::milliseconds(100), [&] { return changed; });
      if (!changed && std::chrono::steady_clock::now() < next_look) continue;
      changed = false;
    }
    next_look = std::chrono::steady_clock::now() + interval;
    auto snap = Snapshot(c);
    if (!snap) {
      // A coordinator that went away is a message and a retry, not the end of the watch.
      const std::string why = snap.error().ToString();
      if (why != last_error) {
        std::fprintf(stderr, "smartcar cluster: %s (retrying)\n", why.c_str());
        last_error = why;
      }
      continue;
    }
    last_error.clear();
    if (*snap == last) continue;
    last = *snap;
    if (tty) {
      std::printf("\033[H\033[2J%s  (smartcar cluster status --watch; Ctrl-C to stop)\n\n%s",
                  NowText().c_str(), snap->c_str());
    } else {
      std::printf("--- %s\n%s", NowText().c_str(), snap->c_str());
    }
    std::fflush(stdout);
  }
  return kExitOk;
}

int RunStatus(const ClusterFlags& f) {
  auto c = OpenCoordinatorFor(f.data, f.coord);
  if (!c) {
    std::fprintf(stderr, "smartcar cluster: %s\n", c.error().ToString().c_str());
    return kExitFailure;
  }
  if (f.watch) return WatchStatus(c->get(), f);
  auto snap = Snapshot(c->get());
  if (!snap) {
    std::fprintf(stderr, "smartcar cluster: %s\n", snap.error().ToString().c_str());
    return kExitFailure;
  }
  std::fputs(snap->c_str(), stdout);
  return kExitOk;
}

}  // namespace

void RegisterCluster(CLI::App* app, int* exit_code) {
  CLI::App* cluster = app->add_subcommand(
      "cluster", "The instances sharing a coordinator (embedded DATA/coord, or ZooKeeper)");
  cluster->require_subcommand(1);
  auto f = std::make_shared<ClusterFlags>();
  CLI::App* status = cluster->add_subcommand(
      "status",
      "Members (every running `smartcar run`/`worker`), the leader (*), and the rule versions\n"
      "each runs next to the rule store's (docs/COORD.md)");
  status->add_option("--data", f->data, "Data folder whose embedded coordinator to read")
      ->capture_default_str();
  AddCoordFlags(status, &f->coord);
  status->add_flag("-w,--watch", f->watch)
      ->description(
          "Keep watching: print the status again whenever it changes (members joining or\n"
          "leaving, leadership, partitions, rule versions) until Ctrl-C. On a terminal the\n"
          "screen is redrawn; otherwise each change is a block headed `--- TIME`");
  status
      ->add_option("--interval", f->interval,
                   "With --watch: also look this often, in seconds (changes to a member's own\n"
                   "node fire no watch on the folders watched)")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  status->callback([f, exit_code] { *exit_code = RunStatus(*f); });
}

}  // namespace smartcar::cli
