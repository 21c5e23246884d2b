// libFuzzer target for row keys (core/row_key.h): any input decodes or fails with
// InvalidArgument; a decoded key re-encodes to the same bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/row_key.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view key(reinterpret_cast<const char*>(data), size);
  auto parts = smartcar::ParseRowKey(key);
  if (!parts) {
    if (!parts.error().IsInvalidArgument()) __builtin_trap();
    return 0;
  }
  if (smartcar::MakeRowKey(parts->time, parts->car_number) != key) __builtin_trap();
  return 0;
}
