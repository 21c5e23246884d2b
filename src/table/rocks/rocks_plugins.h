// The RocksDB plug-ins of a table: the row-prefix extractor (prefix bloom filter), the merge
// operator that concatenates same-timestamp puts, the TTL compaction filter.
#pragma once

#include <memory>
#include <vector>

#include "table/table.h"

namespace rocksdb {
class CompactionFilter;
class MergeOperator;
class SliceTransform;
}  // namespace rocksdb

namespace smartcar::table::rocks {

// The row part of a key (esc(row)): the prefix bloom filter's domain.
std::shared_ptr<const rocksdb::SliceTransform> NewRowPrefixTransform();
// Same-timestamp puts of one row and family: concatenate; decoding keeps the last value.
std::shared_ptr<rocksdb::MergeOperator> NewConcatMergeOperator();
// Drops entries older than their family's TTL (a family with ttl_seconds 0 keeps everything).
std::unique_ptr<rocksdb::CompactionFilter> NewTtlCompactionFilter(
    std::vector<FamilyOptions> families);

}  // namespace smartcar::table::rocks
