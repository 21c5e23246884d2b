// Fuzzes the detection JSON parser: never crashes, and what it accepts re-serializes to JSON it
// accepts again with the same fields.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hot/detection.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto d = smartcar::hot::DetectionFromJson(in);
  if (!d) return 0;
  auto again = smartcar::hot::DetectionFromJson(smartcar::hot::DetectionToJson(*d));
  if (!again || again->window_start_ms != d->window_start_ms ||
      again->event_count != d->event_count || again->car != d->car || again->rule != d->rule ||
      again->date != d->date || again->avg_speed != d->avg_speed) {
    std::abort();
  }
  return 0;
}
