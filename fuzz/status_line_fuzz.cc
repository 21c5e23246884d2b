// Fuzzes the status-line parser: no crash, no UB, and every accepted line re-parses to itself.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/line_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  smartcar::StatusEvent e;
  auto r = smartcar::ParseStatusLine(line, &e);
  if (r && *r == smartcar::LineKind::kRecord) {
    smartcar::StatusEvent again;
    auto r2 = smartcar::ParseStatusLine(smartcar::FormatStatusLine(e), &again);
    if (!r2 || !(again == e)) std::abort();
  }
  return 0;
}
