// `smartcar consumer-groups describe G`: committed offset and lag per partition, as
// kafka-consumer-groups.sh --describe.
#include <cstdio>
#include <memory>

#include "cli/cmd_queue_flags.h"
#include "cli/commands.h"

namespace smartcar::cli {
namespace {

struct GroupFlags {
  QueueFlags queue;
  std::string group;
};

int RunDescribeGroup(const GroupFlags& f) {
  const char* cmd = "smartcar consumer-groups describe";
  auto log = OpenQueueOrReport(f.queue, cmd, /*reads_only=*/true);
  if (!log) return kExitFailure;
  auto d = log->DescribeGroup(f.group);
  if (!d) {
    std::fprintf(stderr, "%s: %s\n", cmd, d.error().ToString().c_str());
    return kExitFailure;
  }
  std::printf("%-24s %-24s %9s %14s %14s %8s\n", "GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET",
              "LOG-END-OFFSET", "LAG");
  for (const auto& p : d->partitions) {
    std::printf("%-24s %-24s %9d %14lld %14lld %8lld\n", d->group.c_str(), p.tp.topic.c_str(),
                p.tp.partition.value, static_cast<long long>(p.committed.value),
                static_cast<long long>(p.latest.value), static_cast<long long>(p.lag));
  }
  return kExitOk;
}

}  // namespace

void RegisterConsumerGroups(CLI::App* app, int* exit_code) {
  CLI::App* groups = app->add_subcommand("consumer-groups", "Inspect consumer groups");
  groups->require_subcommand(1);
  auto flags = std::make_shared<GroupFlags>();
  CLI::App* describe =
      groups->add_subcommand("describe", "Committed offsets and lag per partition of a group");
  describe->add_option("group", flags->group, "Consumer group")->required();
  AddQueueFlags(describe, &flags->queue);
  describe->callback([flags, exit_code] { *exit_code = RunDescribeGroup(*flags); });
}

}  // namespace smartcar::cli
