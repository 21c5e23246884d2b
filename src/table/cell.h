// Cells and rows: the values a table hands out (HBase's Cell and Result).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace smartcar::table {

// Timestamps are milliseconds since the Unix epoch, as in HBase.
inline constexpr int64_t kLatestTimestamp = std::numeric_limits<int64_t>::max();

// One version of one column of one row. The row key lives in the enclosing Row.
struct Cell {
  std::string family;
  std::string qualifier;
  int64_t timestamp = 0;
  std::string value;
  friend bool operator==(const Cell&, const Cell&) = default;
};

// A row as returned by Get and Scan: its key and its cells ordered by family, qualifier, then
// newest timestamp first (HBase's order). An absent row has an empty `cells`.
struct Row {
  std::string key;
  std::vector<Cell> cells;
  bool empty() const { return cells.empty(); }
};

}  // namespace smartcar::table
