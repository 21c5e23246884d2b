// `smartcar cluster status`: the instances attached to a coordinator (the data folder's embedded
// one, or ZooKeeper), which one leads, and the rule versions each runs next to the store's.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
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
};

std::string Time(int64_t ms) { return FormatIsoUtc(EventTimeMs{ms}); }

int RunStatus(const ClusterFlags& f) {
  auto c = OpenCoordinatorFor(f.data, f.coord);
  if (!c) {
    std::fprintf(stderr, "smartcar cluster: %s\n", c.error().ToString().c_str());
    return kExitFailure;
  }
  auto members = coord::ListMembers(c->get());
  auto leader = coord::CurrentLeader(c->get());
  auto rules = coord::RuleStore(c->get()).Latest();
  for (const Status& s :
       {members ? Status::OK() : members.error(), leader ? Status::OK() : leader.error(),
        rules ? Status::OK() : rules.error()}) {
    if (!s.ok()) {
      std::fprintf(stderr, "smartcar cluster: %s\n", s.ToString().c_str());
      return kExitFailure;
    }
  }
  std::printf("coordinator: %s\n", (*c)->Describe().c_str());
  std::printf("leader:      %s\n", leader->empty() ? "(none)" : leader->c_str());
  std::string store;
  for (const coord::RuleVersion& r : *rules) {
    store += (store.empty() ? "" : ", ") + r.name + " v" + std::to_string(r.version);
  }
  std::printf("rule store:  %s\n",
              store.empty() ? "(empty: members run their folders)" : store.c_str());
  std::printf("members:     %zu\n", members->size());
  if (members->empty()) return kExitOk;
  std::printf("\n%-24s %-1s %-16s %-8s %-20s %-24s %-12s %s\n", "MEMBER", "", "COMMAND", "VERSION",
              "SINCE", "METRICS", "PARTITIONS", "RULES");
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
    std::printf("%-24s %-1s %-16s %-8s %-20s %-24s %-12s %s\n", m.id.c_str(),
                m.id == *leader ? "*" : "", m.command.c_str(),
                m.version.empty() ? "-" : m.version.c_str(), Time(m.started_ms).c_str(),
                m.metrics_url.empty() ? "-" : m.metrics_url.c_str(),
                parts.empty() ? "-" : parts.c_str(), running.empty() ? "-" : running.c_str());
  }
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
  status->callback([f, exit_code] { *exit_code = RunStatus(*f); });
}

}  // namespace smartcar::cli
