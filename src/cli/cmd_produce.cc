// `smartcar produce TOPIC [--key-field N] < lines`: one record per input line.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/cmd_queue_flags.h"
#include "cli/commands.h"

namespace smartcar::cli {
namespace {

struct ProduceFlags {
  QueueFlags queue;
  std::string topic;
  int key_field = 0;
  size_t batch = 1000;
};

// The 1-based comma-separated field `n` of `line`, or false when the line has fewer fields.
bool KeyField(std::string_view line, int n, std::string* key) {
  size_t start = 0;
  for (int i = 1; i < n; ++i) {
    const size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) return false;
    start = comma + 1;
  }
  const size_t end = line.find(',', start);
  key->assign(
      line.substr(start, end == std::string_view::npos ? line.size() - start : end - start));
  return true;
}

int RunProduce(const ProduceFlags& f) {
  const char* cmd = "smartcar produce";
  if (f.key_field < 0) {
    std::fprintf(stderr, "%s: --key-field must be >= 0 (0 = no key)\n", cmd);
    return kExitUsage;
  }
  auto log = OpenQueueOrReport(f.queue, cmd);
  if (!log) return kExitFailure;
  auto producer = log->NewProducer({});
  if (!producer) {
    std::fprintf(stderr, "%s: %s\n", cmd, producer.error().ToString().c_str());
    return kExitFailure;
  }
  std::vector<queue::Record> batch;
  uint64_t produced = 0, rejected = 0, line_number = 0;
  auto flush = [&]() -> bool {
    if (batch.empty()) return true;
    auto r = (*producer)->Append({f.topic}, batch);
    if (!r) {
      std::fprintf(stderr, "%s: %s\n", cmd, r.error().ToString().c_str());
      return false;
    }
    produced += batch.size();
    batch.clear();
    return true;
  };
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    queue::Record rec;
    if (f.key_field > 0 && !KeyField(line, f.key_field, &rec.key)) {
      std::fprintf(stderr, "%s: line %llu: --key-field %d but the line has fewer fields; skipped\n",
                   cmd, static_cast<unsigned long long>(line_number), f.key_field);
      ++rejected;
      continue;
    }
    rec.value = std::move(line);
    batch.push_back(std::move(rec));
    if (batch.size() >= f.batch && !flush()) return kExitFailure;
  }
  if (!flush()) return kExitFailure;
  std::fprintf(stderr, "%s: %llu records to %s", cmd, static_cast<unsigned long long>(produced),
               f.topic.c_str());
  if (rejected > 0) {
    std::fprintf(stderr, ", %llu lines rejected\n", static_cast<unsigned long long>(rejected));
    return kExitFailure;
  }
  std::fprintf(stderr, "\n");
  return kExitOk;
}

}  // namespace

void RegisterProduce(CLI::App* app, int* exit_code) {
  auto flags = std::make_shared<ProduceFlags>();
  CLI::App* cmd = app->add_subcommand(
      "produce",
      "Append stdin lines to a topic, one record per line (acknowledged once durable).\n"
      "Driving logs: --key-field 2 keys by car number, so each car keeps one partition.");
  cmd->add_option("topic", flags->topic, "Topic name")->required();
  cmd->add_option("--key-field", flags->key_field,
                  "1-based comma-separated field used as the record key (0 = no key)")
      ->capture_default_str();
  cmd->add_option("--batch", flags->batch, "Records per append")->capture_default_str();
  AddQueueFlags(cmd, &flags->queue);
  cmd->callback([flags, exit_code] { *exit_code = RunProduce(*flags); });
}

}  // namespace smartcar::cli
