// Kafka's default partitioner, bit for bit, so a car lands in the same partition on both engines
// and in any Java or librdkafka (partitioner=murmur2_random) producer.
#pragma once

#include <cstdint>
#include <string_view>

#include "queue/log.h"

namespace smartcar::queue {

// Kafka's org.apache.kafka.common.utils.Utils.murmur2 (seed 0x9747b28c), as a signed 32-bit int.
int32_t Murmur2(std::string_view data);

// toPositive(murmur2(key)) % partitions. REQUIRES: partitions >= 1, key non-empty.
PartitionId PartitionForKey(std::string_view key, int32_t partitions);

}  // namespace smartcar::queue
