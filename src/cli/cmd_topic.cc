// `smartcar topic create|list|describe|delete`: kafka-topics.sh for both engines.
#include <cstdio>
#include <memory>

#include "cli/cmd_queue_flags.h"
#include "cli/commands.h"

namespace smartcar::cli {
namespace {

struct TopicFlags {
  QueueFlags queue;
  std::string name;
  queue::TopicConfig config;
};

int Fail(const char* command, const Status& s) {
  std::fprintf(stderr, "%s: %s\n", command, s.ToString().c_str());
  return s.IsInvalidArgument() ? kExitUsage : kExitFailure;
}

std::string Retention(int64_t v, const char* unit) {
  if (v == 0) return "broker-side";
  if (v < 0) return "unlimited";
  return std::to_string(v) + " " + unit;
}

int RunCreate(const TopicFlags& f) {
  auto log = OpenQueueOrReport(f.queue, "smartcar topic create");
  if (!log) return kExitFailure;
  if (Status s = log->CreateTopic({f.name, f.config}); !s.ok()) {
    return Fail("smartcar topic create", s);
  }
  std::printf("Created topic %s with %d partitions.\n", f.name.c_str(), f.config.partitions);
  return kExitOk;
}

int RunList(const TopicFlags& f) {
  auto log = OpenQueueOrReport(f.queue, "smartcar topic list", /*reads_only=*/true);
  if (!log) return kExitFailure;
  auto names = log->ListTopics();
  if (!names) return Fail("smartcar topic list", names.error());
  for (const std::string& n : *names) std::printf("%s\n", n.c_str());
  return kExitOk;
}

int RunDescribe(const TopicFlags& f) {
  auto log = OpenQueueOrReport(f.queue, "smartcar topic describe", /*reads_only=*/true);
  if (!log) return kExitFailure;
  auto d = log->DescribeTopic(f.name);
  if (!d) return Fail("smartcar topic describe", d.error());
  std::printf("Topic: %s\tPartitions: %d\tRetention: %s, %s\n", d->name.c_str(),
              d->config.partitions, Retention(d->config.retention_ms, "ms").c_str(),
              Retention(d->config.retention_bytes, "bytes").c_str());
  for (const auto& p : d->partitions) {
    std::printf("\tPartition: %d\tEarliest: %lld\tLatest: %lld\n", p.partition.value,
                static_cast<long long>(p.earliest.value), static_cast<long long>(p.latest.value));
  }
  return kExitOk;
}

int RunDelete(const TopicFlags& f) {
  auto log = OpenQueueOrReport(f.queue, "smartcar topic delete");
  if (!log) return kExitFailure;
  if (Status s = log->DeleteTopic(f.name); !s.ok()) return Fail("smartcar topic delete", s);
  std::printf("Deleted topic %s.\n", f.name.c_str());
  return kExitOk;
}

}  // namespace

void RegisterTopic(CLI::App* app, int* exit_code) {
  CLI::App* topic = app->add_subcommand("topic", "Create, list, describe and delete log topics");
  topic->require_subcommand(1);
  auto flags = std::make_shared<TopicFlags>();

  CLI::App* create = topic->add_subcommand("create", "Create a topic");
  create->add_option("name", flags->name, "Topic name ([a-zA-Z0-9._-]+)")->required();
  create->add_option("--partitions", flags->config.partitions, "Number of partitions")
      ->capture_default_str();
  create
      ->add_option("--replication-factor", flags->config.replication_factor,
                   "Copies of each partition (Kafka only)")
      ->capture_default_str();
  create
      ->add_option("--retention-ms", flags->config.retention_ms,
                   "Delete records older than this; -1 keeps them forever")
      ->capture_default_str();
  create
      ->add_option("--retention-bytes", flags->config.retention_bytes,
                   "Per-partition size cap; -1 for none")
      ->capture_default_str();
  AddQueueFlags(create, &flags->queue);
  create->callback([flags, exit_code] { *exit_code = RunCreate(*flags); });

  CLI::App* list = topic->add_subcommand("list", "List topics");
  AddQueueFlags(list, &flags->queue);
  list->callback([flags, exit_code] { *exit_code = RunList(*flags); });

  CLI::App* describe = topic->add_subcommand("describe", "Partitions and offsets of a topic");
  describe->add_option("name", flags->name, "Topic name")->required();
  AddQueueFlags(describe, &flags->queue);
  describe->callback([flags, exit_code] { *exit_code = RunDescribe(*flags); });

  CLI::App* del = topic->add_subcommand("delete", "Delete a topic and its records");
  del->add_option("name", flags->name, "Topic name")->required();
  AddQueueFlags(del, &flags->queue);
  del->callback([flags, exit_code] { *exit_code = RunDelete(*flags); });
}

}  // namespace smartcar::cli
