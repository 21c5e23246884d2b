// libFuzzer target for the table's on-disk encoding (table/rocks/cell_encoding.h): any bytes,
// read as a RocksDB key and as an entry value, decode or are refused without a crash; a
// decoded key re-encodes to the same bytes (the escaping is one-to-one) and its row prefix is
// esc(row); a decoded entry's cells, encoded again, decode to the same cells.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "table/rocks/cell_encoding.h"

namespace rocks = smartcar::table::rocks;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  rocks::DecodedKey key;
  if (rocks::DecodeKey(in, &key)) {
    if (rocks::EncodeKey(key.row, key.family, key.timestamp) != in) __builtin_trap();
    if (rocks::RowPrefixLength(in) != rocks::EncodeRowPrefix(key.row).size()) __builtin_trap();
  }

  std::vector<smartcar::table::Cell> cells;
  if (rocks::DecodeEntry(in, "d", 42, &cells)) {
    std::string again;
    for (const auto& c : cells) {
      if (c.family != "d" || c.timestamp != 42) __builtin_trap();
      rocks::AppendCellValue(c.qualifier, c.value, &again);
    }
    std::vector<smartcar::table::Cell> cells2;
    if (!rocks::DecodeEntry(again, "d", 42, &cells2) || cells2 != cells) __builtin_trap();
  }
  return 0;
}
