// The durable-log sink: Flume's `org.apache.flume.sink.kafka.KafkaSink` (and `type = log`)
// appends each batch to a topic of the durable log and acknowledges only once the log has it
// (embedded: in RocksDB's WAL; Kafka: acked by the brokers with acks=all).
#pragma once

#include <memory>
#include <string>

#include "collect/component_params.h"
#include "collect/sink.h"
#include "queue/log.h"

namespace smartcar::collect {

// Reads `topic` / `kafka.topic` (default SmartCar-Topic), `keyField` (1-based comma field used as
// the record key, e.g. 2 = car number, so a car always lands in the same partition; default: the
// event's `key` header if any, else no key), `partitions` (used when the sink creates a missing
// topic; default 4), and accepts Flume's `brokerList`, `kafka.bootstrap.servers`,
// `requiredAcks`, `batchSize`, `kafka.producer.*` (the caller picked the log from them). `log` is
// not owned and must outlive the sink.
Result<std::unique_ptr<Sink>> MakeLogSink(const std::string& name, ComponentParams* params,
                                          queue::Log* log);

// A durable-log sink built in code (what MakeLogSink reads from Flume's keys).
struct LogSinkOptions {
  std::string topic = "SmartCar-Topic";  // Created with `partitions` when missing.
  int key_field = 0;  // 1-based comma field used as the record key; 0 = the `key` header if any.
  int partitions = 4;
};
// InvalidArgument for a topic name the log refuses; the log's error when the topic cannot be
// described or created.
Result<std::unique_ptr<Sink>> NewLogSink(const std::string& name, const LogSinkOptions& options,
                                         queue::Log* log);

// The brokers a KafkaSink's keys name ("" for none: use the embedded log).
std::string LogSinkBrokers(ComponentParams* params);

}  // namespace smartcar::collect
