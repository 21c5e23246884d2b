// Fuzzes the driving-line parser: no crash, no UB, and every accepted line re-parses to itself.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/line_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  smartcar::DriverEvent e;
  auto r = smartcar::ParseDriverLine(line, &e);
  if (r && *r == smartcar::LineKind::kRecord) {
    smartcar::DriverEvent again;
    auto r2 = smartcar::ParseDriverLine(smartcar::FormatDriverLine(e), &again);
    if (!r2 || !(again == e)) std::abort();
  }
  return 0;
}
