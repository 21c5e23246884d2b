// Fuzzes the embedded queue's record-batch decoder (the bytes a RocksDB value holds): no crash,
// no UB, and a batch that decodes re-encodes to the same records. The CRC is patched to match
// so the fuzzer reaches the record parser behind it.
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "queue/embedded/record_batch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace smartcar::queue;
  std::string value(reinterpret_cast<const char*>(data), size);
  if (value.size() >= embedded::kBatchHeaderSize) {
    const uint32_t crc = static_cast<uint32_t>(
        crc32(0L, reinterpret_cast<const Bytef*>(value.data()) + embedded::kBatchHeaderSize,
              static_cast<uInt>(value.size() - embedded::kBatchHeaderSize)));
    for (int i = 0; i < 4; ++i) value[20 + i] = static_cast<char>(crc >> (24 - 8 * i));
  }
  std::vector<ConsumedRecord> out;
  size_t budget = 1 << 20;
  embedded::BatchHeader h;
  if (!embedded::DecodeBatchHeader(value, &h).ok()) return 0;
  if (!embedded::DecodeBatch(value, "t", PartitionId(0), h.base_offset, INT64_MAX, &budget, &out)
           .ok()) {
    return 0;
  }
  std::vector<Record> records;
  for (const ConsumedRecord& c : out)
    records.push_back({c.key, c.value, c.timestamp_ms, c.headers, {}});
  std::vector<const Record*> ptrs;
  for (const Record& r : records) ptrs.push_back(&r);
  std::string again;
  embedded::EncodeBatch(h.base_offset, ptrs, &again);
  std::vector<ConsumedRecord> out2;
  budget = 1 << 20;
  if (!embedded::DecodeBatch(again, "t", PartitionId(0), h.base_offset, INT64_MAX, &budget, &out2)
           .ok() ||
      out2.size() != out.size()) {
    std::abort();
  }
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].key != out2[i].key || out[i].value != out2[i].value ||
        out[i].headers != out2[i].headers || out[i].offset != out2[i].offset) {
      std::abort();
    }
  }
  return 0;
}
