// Fuzzes the stats-snapshot and endpoint-info JSON parsers (`smartcar topology stats` reads both
// from files and from HTTP): never crash, and what they accept re-serializes to the same text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/stats_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto s = smartcar::server::SnapshotFromJson(in)) {
    const std::string text = smartcar::server::SnapshotToJson(*s);
    auto again = smartcar::server::SnapshotFromJson(text);
    if (!again || smartcar::server::SnapshotToJson(*again) != text) std::abort();
    (void)smartcar::server::FormatSnapshotPrometheus(*s);
  }
  if (auto e = smartcar::server::EndpointInfoFromJson(in)) {
    auto again =
        smartcar::server::EndpointInfoFromJson(smartcar::server::EndpointInfoToJson(*e));
    if (!again || again->pid != e->pid || again->started_ms != e->started_ms) std::abort();
  }
  return 0;
}
