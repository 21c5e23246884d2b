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

// The brokers a KafkaSink's keys name ("" for none: use the embedded log).
std::string LogSinkBrokers(ComponentParams* params);

}  // namespace smartcar::collect
