// The RocksDB plug-ins of a table (see rocks_plugins.h): RowPrefixTransform,
// ConcatMergeOperator, TtlCompactionFilter.
#include "table/rocks/rocks_plugins.h"

#include <rocksdb/compaction_filter.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/slice_transform.h>

#include <string>

#include "core/clock.h"
#include "table/rocks/cell_encoding.h"
#include "table/rocks/rocks_convert.h"

namespace smartcar::table::rocks {
namespace {

// The row part of a key: the prefix bloom filter's domain.
class RowPrefixTransform final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "smartcar.RowPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return {key.data(), RowPrefixLength(ToView(key))};
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return RowPrefixLength(ToView(key)) > 0;
  }
};

// Same-timestamp puts of one row and family: concatenate; decoding keeps the last value.
class ConcatMergeOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  const char* Name() const override { return "smartcar.ConcatCells"; }
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    new_value->clear();
    if (existing != nullptr) new_value->assign(existing->data(), existing->size());
    new_value->append(value.data(), value.size());
    return true;
  }
};

// Drops entries older than their family's TTL.
class TtlCompactionFilter final : public rocksdb::CompactionFilter {
 public:
  explicit TtlCompactionFilter(std::vector<FamilyOptions> families)
      : families_(std::move(families)) {}
  const char* Name() const override { return "smartcar.Ttl"; }
  bool Filter(int, const rocksdb::Slice& key, const rocksdb::Slice&, std::string*,
              bool*) const override {
    DecodedKey k;
    if (!DecodeKey(ToView(key), &k)) return false;
    for (const auto& f : families_) {
      if (f.name == k.family) {
        return f.ttl_seconds > 0 && k.timestamp < WallClockMs() - f.ttl_seconds * 1000;
      }
    }
    return false;
  }

 private:
  std::vector<FamilyOptions> families_;
};

}  // namespace

std::shared_ptr<const rocksdb::SliceTransform> NewRowPrefixTransform() {
  return std::make_shared<RowPrefixTransform>();
}

std::shared_ptr<rocksdb::MergeOperator> NewConcatMergeOperator() {
  return std::make_shared<ConcatMergeOperator>();
}

std::unique_ptr<rocksdb::CompactionFilter> NewTtlCompactionFilter(
    std::vector<FamilyOptions> families) {
  return std::make_unique<TtlCompactionFilter>(std::move(families));
}

}  // namespace smartcar::table::rocks
