// libFuzzer target for the event-time index file (pipeline/event_time_index.h): any bytes parse
// or are refused with an error, never a crash; a parsed index serialises to text that parses
// to the same index, and answers StartFor for any time within its blocks.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pipeline/event_time_index.h"

using smartcar::pipeline::EventTimeIndex;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto index = EventTimeIndex::Parse(in, "SmartCar-Topic");
  if (!index) return 0;
  const std::string text = index->Serialize();
  auto again = EventTimeIndex::Parse(text, "SmartCar-Topic");
  if (!again || again->Serialize() != text) __builtin_trap();
  for (int32_t p = 0; p < 4; ++p) {
    auto& part = index->partition(p);
    for (const auto& b : part.blocks()) {
      const int64_t start = part.StartFor(b.max_ms);
      if (start > b.base && b.min_ms <= b.max_ms) __builtin_trap();
    }
  }
  return 0;
}
