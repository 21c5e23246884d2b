// Fuzzes the 14-digit timestamp parser: accepted stamps format back to a stamp that parses to
// the same instant.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/event_time.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  auto t = smartcar::ParseTimestamp14(s);
  if (t) {
    auto again = smartcar::ParseTimestamp14(smartcar::FormatTimestamp14(*t));
    if (!again || *again != *t) std::abort();
  }
  (void)smartcar::ParseDate8(s);
  return 0;
}
