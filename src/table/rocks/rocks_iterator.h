// The row iterator of a RocksTable scan, and the row reader it shares with RocksTable::Get.
// Internal to table/rocks/.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "table/cell.h"
#include "table/filter/filter.h"
#include "table/table.h"

namespace rocksdb {
class DB;
class Iterator;
}  // namespace rocksdb

namespace smartcar::table::rocks {

class RocksTable;

// Reads the entries of one row at the iterator (forward: from the row's first key; reverse:
// from its last key) into cells ordered by family, qualifier, newest first. Leaves the iterator
// on the next row's first (forward) or last (reverse) key.
bool ReadRow(rocksdb::Iterator* it, bool reverse, std::string* row, std::string* prefix,
             std::vector<Cell>* cells);

// The rows of `spec` in `table`, read from `db` (kept open by the iterator) and passed through
// `filter` (null: none).
std::unique_ptr<RowIterator> NewRocksRowIterator(std::shared_ptr<rocksdb::DB> db,
                                                 std::shared_ptr<const RocksTable> table,
                                                 ScanSpec spec,
                                                 std::unique_ptr<filter::Filter> filter);

}  // namespace smartcar::table::rocks
