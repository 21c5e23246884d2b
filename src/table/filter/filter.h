// The filter interface every HBase filter implements (org.apache.hadoop.hbase.filter.Filter),
// plus the comparison operators and comparators the compare filters share.
//
// Per row the scanner calls: Reset(); FilterAllRemaining() (true ends the scan);
// FilterRowKey(row) (true drops the row); FilterCell(cell) for each cell in order;
// TransformCell() on each kept cell; FilterRowCells(&cells); FilterRow() (true drops the row).
// A filter is stateful and used by one scan at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "table/cell.h"

namespace smartcar::table::filter {

enum class ReturnCode {
  kInclude,            // Keep the cell.
  kIncludeAndNextCol,  // Keep it, skip older versions of the column.
  kSkip,               // Drop the cell.
  kNextCol,            // Drop it and the column's older versions.
  kNextRow,            // Drop it and the rest of the row.
};

class Filter {
 public:
  virtual ~Filter() = default;
  virtual void Reset() {}
  virtual bool FilterAllRemaining() { return false; }
  virtual bool FilterRowKey(std::string_view /*row*/) { return false; }
  virtual ReturnCode FilterCell(std::string_view row, const Cell& cell) = 0;
  virtual void TransformCell(Cell* /*cell*/) {}
  virtual void FilterRowCells(std::vector<Cell>* /*cells*/) {}
  virtual bool FilterRow() { return false; }
};

// HBase's CompareOperator: "<", "<=", "=", "!=", ">", ">=".
enum class CompareOp { kLess, kLessOrEqual, kEqual, kNotEqual, kGreaterOrEqual, kGreater };

// A ByteArrayComparable: binary, binaryprefix, regexstring, substring.
class Comparator {
 public:
  enum class Kind { kBinary, kBinaryPrefix, kRegexString, kSubstring };
  virtual ~Comparator() = default;
  virtual Kind kind() const = 0;
  // <0, 0, >0 as the comparator's value compares to `cell_bytes` (HBase compareTo). Regex and
  // substring return 0 on a match and 1 otherwise.
  virtual int CompareTo(std::string_view cell_bytes) const = 0;
};

// Builds the comparator for "binary:abc" and friends. InvalidArgument for an unknown type or a
// bad regular expression.
Result<std::unique_ptr<Comparator>> MakeComparator(std::string_view spec);

// True when a cell whose comparison gave `compare_result` is to be dropped (HBase compare()).
bool CompareFiltersOut(CompareOp op, int compare_result);

}  // namespace smartcar::table::filter
