// `smartcar consume TOPIC [--group G] [--from-beginning] [--max N]`: prints record values, one
// per line. With --group, offsets are committed after the records are written out
// (at-least-once); without, the consumer reads every partition and commits nothing. Beside a
// live run holding the folder it reads read-only (a secondary instance) and commits nothing.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>

#include "cli/cmd_queue_flags.h"
#include "cli/commands.h"
#include "cli/stop_signal.h"

namespace smartcar::cli {
namespace {

struct ConsumeFlags {
  QueueFlags queue;
  std::string topic;
  std::string group;
  bool from_beginning = false;
  int64_t max = 0;
  int64_t timeout_ms = -1;
  bool print_key = false;
};

int RunConsume(const ConsumeFlags& f) {
  const char* cmd = "smartcar consume";
  bool read_only = false;
  auto log = OpenQueueOrReport(f.queue, cmd, /*reads_only=*/true, &read_only);
  if (!log) return kExitFailure;
  queue::ConsumerOptions co;
  co.group = f.group;
  co.reset = f.from_beginning ? queue::OffsetReset::kEarliest : queue::OffsetReset::kLatest;
  auto consumer = log->NewConsumer(co);
  if (!consumer) {
    std::fprintf(stderr, "%s: %s\n", cmd, consumer.error().ToString().c_str());
    return kExitFailure;
  }
  queue::Consumer& c = **consumer;
  Status s;
  if (!f.group.empty()) {
    s = c.Subscribe({{f.topic}});
  } else {
    auto d = log->DescribeTopic(f.topic);
    if (!d) {
      s = d.error();
    } else {
      queue::AssignOptions all;
      for (const auto& p : d->partitions) all.partitions.push_back({f.topic, p.partition});
      s = c.Assign(all);
    }
  }
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", cmd, s.ToString().c_str());
    return s.IsNotFound() ? kExitFailure : kExitUsage;
  }
  std::atomic<bool>& stop = StopOnSignals();

  int64_t printed = 0, idle_ms = 0;
  constexpr int64_t kPollMs = 200;
  while (!stop.load() && (f.max <= 0 || printed < f.max)) {
    const size_t want = f.max > 0 ? static_cast<size_t>(f.max - printed) : 1000;
    auto records = c.Poll({want, kPollMs});
    if (!records) {
      std::fprintf(stderr, "%s: %s\n", cmd, records.error().ToString().c_str());
      return kExitFailure;
    }
    if (records->empty()) {
      idle_ms += kPollMs;
      if (f.timeout_ms >= 0 && idle_ms >= f.timeout_ms) break;
      continue;
    }
    idle_ms = 0;
    std::map<queue::TopicPartition, queue::Offset> next;
    for (const queue::ConsumedRecord& r : *records) {
      if (f.print_key) std::printf("%s\t", r.key.c_str());
      std::fwrite(r.value.data(), 1, r.value.size(), stdout);
      std::fputc('\n', stdout);
      next[{r.topic, r.partition}] = queue::Offset(r.offset.value + 1);
      ++printed;
    }
    std::fflush(stdout);
    if (!f.group.empty() && !read_only) {
      queue::CommitOptions commit;
      for (const auto& [tp, off] : next) commit.offsets.push_back({tp, off});
      if (Status cs = c.Commit(commit); !cs.ok()) {
        std::fprintf(stderr, "%s: %s\n", cmd, cs.ToString().c_str());
      }
    }
  }
  (void)c.Close();
  std::fprintf(stderr, "%s: %lld records\n", cmd, static_cast<long long>(printed));
  return kExitOk;
}

}  // namespace

void RegisterConsume(CLI::App* app, int* exit_code) {
  auto flags = std::make_shared<ConsumeFlags>();
  CLI::App* cmd = app->add_subcommand(
      "consume",
      "Print a topic's records, one value per line, until --max, --timeout-ms or Ctrl-C");
  cmd->add_option("topic", flags->topic, "Topic name")->required();
  cmd->add_option("--group", flags->group,
                  "Consumer group: share partitions with its other members, commit offsets");
  cmd->add_flag("--from-beginning", flags->from_beginning,
                "Start at the earliest record when the group has no committed offset");
  cmd->add_option("--max", flags->max, "Stop after this many records (0 = no limit)")
      ->capture_default_str();
  cmd->add_option("--timeout-ms", flags->timeout_ms,
                  "Stop after this long without a record (-1 = wait forever)")
      ->capture_default_str();
  cmd->add_flag("--print-key", flags->print_key, "Print 'key<TAB>value'");
  AddQueueFlags(cmd, &flags->queue);
  cmd->callback([flags, exit_code] { *exit_code = RunConsume(*flags); });
}

}  // namespace smartcar::cli
