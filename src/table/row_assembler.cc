// AssembleRow: one pass over a row's stored versions applying family VERSIONS and TTL, the time
// range, the column selection and the version limit before the filter (HBase 2's
// ScanQueryMatcher order), keeping cells in place; also ColumnRef::Parse and CheckColumns.
#include "table/row_assembler.h"

#include <algorithm>

namespace smartcar::table {
namespace {

const FamilyOptions* FindFamily(const TableDescriptor& desc, std::string_view name) {
  for (const auto& f : desc.families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool Selected(const std::vector<ColumnRef>* columns, const Cell& c) {
  if (columns == nullptr || columns->empty()) return true;
  for (const auto& col : *columns) {
    if (col.family == c.family && (col.whole_family || col.qualifier == c.qualifier)) return true;
  }
  return false;
}

}  // namespace

ColumnRef ColumnRef::Parse(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return {std::string(text), "", true};
  return {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1)), false};
}

Status CheckColumns(const TableDescriptor& desc, const std::vector<ColumnRef>& columns) {
  for (const auto& c : columns) {
    if (FindFamily(desc, c.family) == nullptr) {
      return Status::InvalidArgument("Unknown column family '" + c.family + "' in table '" +
                                     desc.name + "'");
    }
  }
  return Status::OK();
}

RowOutcome AssembleRow(std::string_view row, const TableDescriptor& desc, const ReadSelection& sel,
                       filter::Filter* filter, std::vector<Cell>* cells) {
  if (filter != nullptr) {
    filter->Reset();
    if (filter->FilterAllRemaining()) return RowOutcome::kStopScan;
    if (filter->FilterRowKey(row)) {
      return filter->FilterAllRemaining() ? RowOutcome::kStopScan : RowOutcome::kSkip;
    }
  }
  // Kept cells are compacted to the front of *cells in place (no allocation per row).
  size_t kept = 0;
  const FamilyOptions* fam = nullptr;
  const Cell* prev = nullptr;  // The previous cell (where it now lives).
  int stored_version = 0;      // Index of this version among the column's stored versions.
  int returned = 0;            // Versions of this column counted so far.
  bool skip_column = false;
  for (size_t i = 0; i < cells->size(); ++i) {
    Cell& c = (*cells)[i];
    const bool new_family = prev == nullptr || prev->family != c.family;
    const bool new_column = new_family || prev->qualifier != c.qualifier;
    if (new_family) fam = FindFamily(desc, c.family);
    if (new_column) {
      stored_version = 0;
      returned = 0;
      skip_column = false;
    } else {
      ++stored_version;
    }
    prev = &c;
    if (fam == nullptr || skip_column) continue;
    if (stored_version >= fam->max_versions) continue;  // As if compacted away.
    if (fam->ttl_seconds > 0 && c.timestamp < sel.now_ms - fam->ttl_seconds * 1000) continue;
    if (c.timestamp < sel.time_range.min || c.timestamp >= sel.time_range.max) continue;
    if (!Selected(sel.columns, c)) continue;
    // Versions are counted before the filter sees the cell (HBase 2 ScanQueryMatcher), so a
    // ValueFilter never digs up an older version the read would not return.
    if (returned >= sel.max_versions) continue;
    ++returned;
    bool next_row = false;
    if (filter != nullptr) {
      switch (filter->FilterCell(row, c)) {
        case filter::ReturnCode::kInclude:
          break;
        case filter::ReturnCode::kIncludeAndNextCol:
          skip_column = true;
          break;
        case filter::ReturnCode::kSkip:
          continue;
        case filter::ReturnCode::kNextCol:
          skip_column = true;
          continue;
        case filter::ReturnCode::kNextRow:
          next_row = true;
          break;
      }
      if (next_row) break;
    }
    if (kept != i) {
      (*cells)[kept] = std::move(c);
      prev = &(*cells)[kept];
    }
    if (filter != nullptr) filter->TransformCell(&(*cells)[kept]);
    ++kept;
  }
  cells->resize(kept);
  // As HBase: row cells filter, then an empty row is dropped before FilterRow sees it (so a
  // PageFilter counts only rows that would be returned).
  if (filter != nullptr) filter->FilterRowCells(cells);
  if (cells->empty()) return RowOutcome::kSkip;
  if (filter != nullptr && filter->FilterRow()) return RowOutcome::kSkip;
  return RowOutcome::kEmit;
}

}  // namespace smartcar::table
