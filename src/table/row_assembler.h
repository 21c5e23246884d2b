// Turns the stored versions of one row into what a Get or Scan returns: family VERSIONS and
// TTL, the time range, the column selection, the filter, and the read's version limit, in
// HBase's order (ScanQueryMatcher). Engine-independent; the engine only supplies raw cells.
#pragma once

#include <string_view>
#include <vector>

#include "table/filter/filter.h"
#include "table/table.h"

namespace smartcar::table {

struct ReadSelection {
  const std::vector<ColumnRef>* columns = nullptr;  // Empty or null = all.
  int max_versions = 1;
  TimeRange time_range;
  int64_t now_ms = 0;  // For TTLs.
};

enum class RowOutcome { kEmit, kSkip, kStopScan };

// `cells` holds every stored version of row `row`, ordered by family, qualifier, newest first;
// on kEmit it holds the cells to return. `filter` may be null.
RowOutcome AssembleRow(std::string_view row, const TableDescriptor& desc, const ReadSelection& sel,
                       filter::Filter* filter, std::vector<Cell>* cells);

// InvalidArgument "Unknown column family 'x' in table 'T'" if a column names no family.
Status CheckColumns(const TableDescriptor& desc, const std::vector<ColumnRef>& columns);

}  // namespace smartcar::table
