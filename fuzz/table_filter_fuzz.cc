// libFuzzer target for the HBase filter language (table/filter/parse_filter.h): any input
// either parses or fails with a positioned InvalidArgument; a parsed filter runs on a few cells.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "table/filter/parse_filter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace smartcar::table;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto f = filter::ParseFilter(text);
  if (!f) {
    if (!f.error().IsInvalidArgument() || f.error().message().rfind("column ", 0) != 0) {
      __builtin_trap();
    }
    return 0;
  }
  filter::Filter* flt = f->get();
  const Cell cells[] = {{"cf1", "area_number", 1, "F06"},
                        {"cf1", "car_number", 1, "O0010"},
                        {"cf1", "speed", 2, "81"},
                        {"cf1", "speed", 1, "60"}};
  for (std::string_view row : {"00016062402202-O0010", "r2"}) {
    flt->Reset();
    if (flt->FilterAllRemaining()) break;
    if (flt->FilterRowKey(row)) continue;
    std::vector<Cell> kept;
    for (const Cell& c : cells) {
      const auto rc = flt->FilterCell(row, c);
      if (rc == filter::ReturnCode::kNextRow) break;
      if (rc == filter::ReturnCode::kInclude || rc == filter::ReturnCode::kIncludeAndNextCol) {
        kept.push_back(c);
        flt->TransformCell(&kept.back());
      }
    }
    flt->FilterRowCells(&kept);
    static_cast<void>(flt->FilterRow());
  }
  return 0;
}
