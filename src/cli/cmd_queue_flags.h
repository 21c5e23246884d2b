// Flags shared by the queue subcommands (topic, produce, consume, consumer-groups): which engine
// and where. `--brokers` selects Kafka; otherwise the embedded log in `--data`.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "queue/log.h"

namespace smartcar::cli {

struct QueueFlags {
  std::string data_dir = "./smartcar-data";
  std::string brokers;
  std::vector<std::string> kafka_properties;  // "name=value"
  int64_t connect_timeout_ms = 10000;
  std::string config;  // smartcar.yaml: data_dir, queue.engine, queue.kafka.*; flags override it.
};

// Adds --data, --brokers, --kafka-property, --connect-timeout-ms and --config to `cmd`.
void AddQueueFlags(CLI::App* cmd, QueueFlags* flags);

// Opens the log the flags name; prints "<command>: <error>" to stderr and returns null on error.
// `reads_only`: the command only reads (consume, describe, list), so with the embedded engine a
// missing data folder is an error rather than a new, empty log, and a folder another process
// holds (a live `smartcar run`) is opened read-only beside it, saying so on stderr; then
// *opened_read_only (if given) is set.
std::unique_ptr<queue::Log> OpenQueueOrReport(const QueueFlags& flags, const char* command,
                                              bool reads_only = false,
                                              bool* opened_read_only = nullptr);

}  // namespace smartcar::cli
