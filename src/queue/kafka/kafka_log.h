// Factory of the Kafka engine (librdkafka). Use queue/log.h's OpenLog(); this header exists so
// log.cc can reach the engine without seeing librdkafka.
#pragma once

#include <memory>

#include "queue/log.h"

namespace smartcar::queue::kafka {

Result<std::unique_ptr<Log>> OpenKafkaLog(const QueueOptions& options);

}  // namespace smartcar::queue::kafka
