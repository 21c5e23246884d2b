// Reading rows out of RocksDB: ReadRow (one row's entries into ordered cells) and
// RocksRowIterator (a scan: bounds, direction, filter, LIMIT and BATCH).
#include "table/rocks/rocks_iterator.h"

#include <rocksdb/db.h>

#include <algorithm>
#include <iterator>

#include "core/clock.h"
#include "table/rocks/cell_encoding.h"
#include "table/rocks/rocks_convert.h"
#include "table/rocks/rocks_table.h"
#include "table/row_assembler.h"

namespace smartcar::table::rocks {
namespace {

// Reads family and timestamp from a key whose row prefix (plen bytes) is already known.
bool DecodeFamilyAndTs(std::string_view key, size_t plen, std::string* family, int64_t* ts) {
  key.remove_prefix(plen);
  if (!ReadEscaped(&key, family) || key.size() != 8) return false;
  uint64_t inv = 0;
  for (char c : key) inv = (inv << 8) | static_cast<unsigned char>(c);
  *ts = static_cast<int64_t>(~inv);
  return true;
}

bool CellLess(const Cell& a, const Cell& b) {
  if (a.family != b.family) return a.family < b.family;
  return a.qualifier < b.qualifier;
}

}  // namespace

bool ReadRow(rocksdb::Iterator* it, bool reverse, std::string* row, std::string* prefix,
             std::vector<Cell>* cells) {
  cells->clear();
  const std::string_view first = ToView(it->key());
  const size_t plen = RowPrefixLength(first);
  if (plen == 0) return false;
  prefix->assign(first.substr(0, plen));
  std::string_view in = *prefix;
  if (!ReadEscaped(&in, row)) return false;
  std::string family;
  int64_t ts = 0;
  if (!reverse) {
    for (; it->Valid() && it->key().starts_with(*prefix); it->Next()) {
      if (!DecodeFamilyAndTs(ToView(it->key()), plen, &family, &ts)) return false;
      if (!DecodeEntry(ToView(it->value()), family, ts, cells)) return false;
    }
  } else {
    struct Entry {
      std::string family;
      int64_t ts;
      std::string value;
    };
    std::vector<Entry> entries;
    for (; it->Valid() && it->key().starts_with(*prefix); it->Prev()) {
      if (!DecodeFamilyAndTs(ToView(it->key()), plen, &family, &ts)) return false;
      entries.push_back({family, ts, it->value().ToString()});
    }
    for (auto e = entries.rbegin(); e != entries.rend(); ++e) {
      if (!DecodeEntry(e->value, e->family, e->ts, cells)) return false;
    }
  }
  // Entries come family by family, newest first; order cells by qualifier within a family
  // keeping that newest-first order. A row written once is already in order.
  if (!std::is_sorted(cells->begin(), cells->end(), CellLess)) {
    std::stable_sort(cells->begin(), cells->end(), CellLess);
  }
  return true;
}

namespace {

class RocksRowIterator final : public RowIterator {
 public:
  RocksRowIterator(std::shared_ptr<rocksdb::DB> db, std::shared_ptr<const RocksTable> table,
                   ScanSpec spec, std::unique_ptr<filter::Filter> filter)
      : db_(std::move(db)),
        table_(std::move(table)),
        spec_(std::move(spec)),
        filter_(std::move(filter)) {
    sel_.columns = &spec_.columns;
    sel_.max_versions = spec_.max_versions;
    sel_.time_range = spec_.time_range;
    sel_.now_ms = WallClockMs();
    rocksdb::ReadOptions ro;
    ro.total_order_seek = true;
    if (!spec_.reversed && !spec_.stop_row.empty()) {
      upper_ = EncodeRowPrefix(spec_.stop_row);
      upper_slice_ = rocksdb::Slice(upper_);
      ro.iterate_upper_bound = &upper_slice_;
    }
    if (spec_.reversed && !spec_.stop_row.empty()) {
      lower_ = EncodeRowPrefix(spec_.stop_row) + '\xff';
      lower_slice_ = rocksdb::Slice(lower_);
      ro.iterate_lower_bound = &lower_slice_;
    }
    it_.reset(db_->NewIterator(ro));
    if (!spec_.reversed) {
      it_->Seek(EncodeRowPrefix(spec_.start_row));
    } else if (spec_.start_row.empty()) {
      it_->SeekToLast();
    } else {
      it_->SeekForPrev(EncodeRowPrefix(spec_.start_row) + '\xff');
    }
    Advance();
  }

  bool Valid() const override { return valid_; }
  void Next() override {
    if (!pending_.empty()) {
      EmitBatch();
      return;
    }
    Advance();
  }
  const Row& row() const override { return current_; }
  Status status() const override {
    if (!status_.ok()) return status_;
    return FromRocks(it_->status());
  }

 private:
  void Advance() {
    valid_ = false;
    if (spec_.limit >= 0 && rows_ >= spec_.limit) return;
    while (it_->Valid()) {
      if (!ReadRow(it_.get(), spec_.reversed, &current_.key, &prefix_, &cells_)) {
        status_ = Status::Corruption("malformed entry in table " + table_->descriptor().name);
        return;
      }
      const RowOutcome o =
          AssembleRow(current_.key, table_->descriptor(), sel_, filter_.get(), &cells_);
      if (o == RowOutcome::kStopScan) return;
      if (o == RowOutcome::kSkip) continue;
      ++rows_;
      if (spec_.batch > 0 && cells_.size() > static_cast<size_t>(spec_.batch)) {
        pending_ = std::move(cells_);
        pending_pos_ = 0;
        EmitBatch();
        return;
      }
      std::swap(current_.cells, cells_);  // Keeps both buffers' capacity.
      valid_ = true;
      return;
    }
  }

  void EmitBatch() {
    const size_t n = std::min(pending_.size() - pending_pos_, static_cast<size_t>(spec_.batch));
    current_.cells.assign(std::make_move_iterator(pending_.begin() + pending_pos_),
                          std::make_move_iterator(pending_.begin() + pending_pos_ + n));
    pending_pos_ += n;
    if (pending_pos_ >= pending_.size()) pending_.clear();
    valid_ = true;
  }

  std::shared_ptr<rocksdb::DB> db_;
  std::shared_ptr<const RocksTable> table_;
  ScanSpec spec_;
  std::unique_ptr<filter::Filter> filter_;
  ReadSelection sel_;
  std::string upper_, lower_;
  rocksdb::Slice upper_slice_, lower_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
  Row current_;
  std::vector<Cell> cells_;
  std::string prefix_;
  std::vector<Cell> pending_;  // A wide row being handed out `batch` cells at a time.
  size_t pending_pos_ = 0;
  int64_t rows_ = 0;
  bool valid_ = false;
  Status status_;
};

}  // namespace

std::unique_ptr<RowIterator> NewRocksRowIterator(std::shared_ptr<rocksdb::DB> db,
                                                 std::shared_ptr<const RocksTable> table,
                                                 ScanSpec spec,
                                                 std::unique_ptr<filter::Filter> filter) {
  return std::unique_ptr<RowIterator>(
      new RocksRowIterator(std::move(db), std::move(table), std::move(spec), std::move(filter)));
}

}  // namespace smartcar::table::rocks
