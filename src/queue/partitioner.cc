// Murmur2 as Kafka's Utils.murmur2 computes it (Java's wrapping int arithmetic, on uint32_t) and
// PartitionForKey: toPositive(hash) % partitions.
#include "queue/partitioner.h"

namespace smartcar::queue {

int32_t Murmur2(std::string_view data) {
  // Java int arithmetic: wrap-around multiply, logical shifts (>>>), done on uint32_t.
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const uint32_t length = static_cast<uint32_t>(data.size());
  constexpr uint32_t kSeed = 0x9747b28c;
  constexpr uint32_t kM = 0x5bd1e995;
  constexpr int kR = 24;
  uint32_t h = kSeed ^ length;
  const uint32_t length4 = length / 4;
  for (uint32_t i = 0; i < length4; ++i) {
    const uint32_t i4 = i * 4;
    uint32_t k = static_cast<uint32_t>(p[i4]) | (static_cast<uint32_t>(p[i4 + 1]) << 8) |
                 (static_cast<uint32_t>(p[i4 + 2]) << 16) |
                 (static_cast<uint32_t>(p[i4 + 3]) << 24);
    k *= kM;
    k ^= k >> kR;
    k *= kM;
    h *= kM;
    h ^= k;
  }
  const uint32_t tail = length & ~3u;
  switch (length % 4) {
    case 3:
      h ^= static_cast<uint32_t>(p[tail + 2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= static_cast<uint32_t>(p[tail + 1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= static_cast<uint32_t>(p[tail]);
      h *= kM;
  }
  h ^= h >> 13;
  h *= kM;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

PartitionId PartitionForKey(std::string_view key, int32_t partitions) {
  const uint32_t positive = static_cast<uint32_t>(Murmur2(key)) & 0x7fffffffu;  // toPositive
  return PartitionId(static_cast<int32_t>(positive % static_cast<uint32_t>(partitions)));
}

}  // namespace smartcar::queue
