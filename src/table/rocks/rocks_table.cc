// RocksTable, the Table on one RocksDB instance: open (options, plug-ins, read-only secondary),
// close, puts, deletes, Get, Scan, Count and per-region stats. The plug-ins are in
// rocks_plugins.cc, the scan iterator in rocks_iterator.cc.
#include "table/rocks/rocks_table.h"

#include <rocksdb/compaction_filter.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <limits>

#include "core/clock.h"
#include "storage/rocks_repair.h"
#include "table/filter/parse_filter.h"
#include "table/rocks/cell_encoding.h"
#include "table/rocks/rocks_convert.h"
#include "table/rocks/rocks_iterator.h"
#include "table/rocks/rocks_plugins.h"
#include "table/rocks/run_memtable.h"
#include "table/row_assembler.h"

namespace smartcar::table::rocks {
namespace {

size_t RegionOf(const std::vector<std::string>& splits, std::string_view row) {
  return static_cast<size_t>(std::upper_bound(splits.begin(), splits.end(), row) - splits.begin());
}

Result<std::unique_ptr<filter::Filter>> MaybeParse(const std::string& text) {
  if (text.empty()) return std::unique_ptr<filter::Filter>();
  return filter::ParseFilter(text);
}

}  // namespace

namespace {

// The options every table's database is opened (and repaired) with; TTL filters aside.
rocksdb::Options TableOptions(const std::string& name) {
  rocksdb::Options o = storage::BaseRocksOptions("table " + name);
  o.IncreaseParallelism(2);
  o.max_background_jobs = 2;
  // Memtables of 16 MiB (2 at most): three pilot days peaked at 165-173 MiB instead of 198-205
  // with 32 MiB, for the same CPU. Universal compaction (below) once 48 sorted runs are on disk.
  // Each merge of the newest runs into a run of their total size rewrites those bytes once, so
  // the fewer merges the trigger allows, the fewer times a row is written: with 8, a row was
  // rewritten about four times before it reached a large run; ten pilot days' compactions wrote
  // 4.4-6.2 GB at 16 and 2.6-3.0 GB at 48 (0.89-0.91 of the run's CPU, docs/BENCHMARKS.md). The
  // write-stall thresholds move up with it (RocksDB counts sorted runs against them in universal
  // compaction): below twice the trigger, runs flushed while one large merge ran would slow the
  // writer down. Reads merge more runs: a full `count` and a scan of three pilot days' rows took
  // the same time with 81 runs on disk as with 22. The runs' index and filter partitions are not
  // pinned (below), or their memory would grow with the number of runs.
  o.write_buffer_size = 16 << 20;
  o.level0_file_num_compaction_trigger = 48;
  o.level0_slowdown_writes_trigger = 96;
  o.level0_stop_writes_trigger = 144;
  // Size-tiered (universal) compaction, the model of HBase's own (ExploringCompactionPolicy). A
  // driving row key starts with the reversed time, so every flushed file spans the whole key
  // space: leveled compaction rewrote all of level 1 at each level-0 compaction (three pilot days:
  // write amplification 5.5, 181 of the run's 319 CPU-s in compaction). Universal merges runs of
  // similar size instead: 3.3 and 100 CPU-s, the run a third shorter (BENCHMARKS.md). A table
  // written with leveled compaction opens as it is (each level is one sorted run).
  o.compaction_style = rocksdb::kCompactionStyleUniversal;
  // LZ4, not RocksDB's default Snappy: compressing flushes and compactions was 7.5 % of a pilot
  // day's samples; with LZ4 the run takes 0.97 of the CPU for files 3 % larger. Blocks written
  // with Snappy stay readable (each block names its compression).
  o.compression = rocksdb::kLZ4Compression;
  // RocksDB's own check that flushes and compactions write keys in order (a copy and a compare
  // per key): the table's comparator is RocksDB's bytewise one.
  o.check_flush_compaction_key_order = false;
  // Memtables of sorted runs (run_memtable.h) instead of RocksDB's skip list: a sorted batch is
  // appended as one run, not inserted key by key among the memtable's older rows.
  // Its inserts are serialised (RocksDB's default runs a write group's inserts in parallel).
  o.memtable_factory = NewSortedRunsMemTableFactory();
  o.allow_concurrent_memtable_write = false;
  o.prefix_extractor = NewRowPrefixTransform();
  o.merge_operator = NewConcatMergeOperator();
  rocksdb::BlockBasedTableOptions bt = storage::BaseTableOptions();
  bt.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // 16 KiB blocks (RocksDB's default is 4, HBase's 64): a pilot day's table 229 MB instead of
  // 259, CPU 0.99 (with the key-order check above); table_bench's full scan 1.06x, gets the same.
  bt.block_size = 16 << 10;
  bt.whole_key_filtering = false;  // Bloom on the row prefix: Get of a row, as HBase ROW bloom.
  // The newest (level-0) files' index and filter partitions compete in the shared block cache
  // like any block instead of being pinned there (storage::BaseTableOptions pins them): every
  // sorted run of universal compaction is such a file, up to 144 before writes stop, and their
  // pinned partitions (~0.3 MB each) filled the 32 MiB cache to 40 MiB in twenty pilot days.
  bt.pin_l0_filter_and_index_blocks_in_cache = false;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(bt));
  return o;
}

}  // namespace

Result<storage::RepairResult> RepairDb(const std::string& db_path, const std::string& name) {
  return storage::RepairRocksDb(db_path, "table " + name, TableOptions(name));
}

Result<std::shared_ptr<RocksTable>> RocksTable::Open(const std::string& db_path,
                                                     const TableDescriptor& desc, bool read_only) {
  rocksdb::Options o = TableOptions(desc.name);
  o.create_if_missing = !read_only;
  bool any_ttl = false;
  for (const auto& f : desc.families) any_ttl |= f.ttl_seconds > 0;
  std::unique_ptr<rocksdb::CompactionFilter> ttl;
  if (any_ttl) {
    // Lives as long as the DB: the DB's deleter below owns it.
    ttl = NewTtlCompactionFilter(desc.families);
    o.compaction_filter = ttl.get();
  }
  rocksdb::DB* raw = nullptr;
  std::string secondary;  // A secondary instance's own folder (its info log), removed on close.
  if (read_only) {
    if (!std::filesystem::exists(db_path + "/CURRENT")) {
      return Err(Status::NotFound("Table " + desc.name + " has no data yet"));
    }
    std::string tmpl = (std::filesystem::temp_directory_path() / "smartcar-reader-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      return Err(Status::IOError("cannot create a temporary folder for reading table " + desc.name +
                                 ": " + std::strerror(errno)));
    }
    secondary = tmpl;
    o.max_open_files = -1;  // Required by secondary instances.
    const rocksdb::Status s = rocksdb::DB::OpenAsSecondary(o, db_path, secondary, &raw);
    if (!s.ok()) {
      std::error_code ec;
      std::filesystem::remove_all(secondary, ec);
      return Err(FromRocks(s).WithPrefix("opening table " + desc.name + " read-only: "));
    }
  } else {
    // Flushes and compactions write (and compactions read) their files with direct I/O where
    // the file system takes it: not through the page cache, which cost a copy of every byte
    // (three pilot days: system time 22 -> 16 s, CPU 0.93, wall 0.92).
    o.use_direct_io_for_flush_and_compaction = storage::DirectIoSupported(db_path);
    const rocksdb::Status s = rocksdb::DB::Open(o, db_path, &raw);
    if (!s.ok()) {
      Status e = FromRocks(s).WithPrefix("opening table " + desc.name + " (" + db_path + "): ");
      if (e.IsCorruption()) e = Status::Corruption(e.message() + storage::RepairHint());
      return Err(e);
    }
  }
  std::shared_ptr<rocksdb::DB> db(
      raw, [filter = std::shared_ptr<rocksdb::CompactionFilter>(std::move(ttl)),
            secondary](rocksdb::DB* d) {
        static_cast<void>(d->Close());
        delete d;
        if (!secondary.empty()) {
          std::error_code ec;
          std::filesystem::remove_all(secondary, ec);
        }
      });
  return std::make_shared<RocksTable>(std::move(db), desc, read_only);
}

RocksTable::RocksTable(std::shared_ptr<rocksdb::DB> db, TableDescriptor desc, bool read_only)
    : desc_(std::move(desc)),
      read_only_(read_only),
      db_(std::move(db)),
      region_writes_(desc_.split_keys.size() + 1) {}

Status RocksTable::ReadOnlyError() const {
  return Status::InvalidArgument("Table " + desc_.name + " is opened read-only");
}

RocksTable::~RocksTable() = default;

std::shared_ptr<rocksdb::DB> RocksTable::db() const {
  std::lock_guard<std::mutex> l(db_mu_);
  return db_;
}

Status RocksTable::Closed() const {
  std::lock_guard<std::mutex> l(db_mu_);
  return Status::Aborted(closed_why_);
}

void RocksTable::Close(std::string_view why) {
  std::unique_lock<std::shared_mutex> w(write_mu_);
  std::lock_guard<std::mutex> l(db_mu_);
  closed_why_ = std::string(why);
  db_.reset();
}

void RocksTable::SetSplitKeys(std::vector<std::string> keys) {
  std::lock_guard<std::mutex> l(regions_mu_);
  desc_.split_keys = std::move(keys);
  region_writes_.assign(desc_.split_keys.size() + 1, 0);
}

namespace {

// Bytewise three-way comparison of two short strings (families, qualifiers) inline: a put's
// cells compare their families and qualifiers a few times each, and a call to memcmp for a
// handful of bytes was 3 % of pipeline_bench's samples.
int CompareShort(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) {
      return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]) ? -1 : 1;
    }
  }
  return a.size() == b.size() ? 0 : a.size() < b.size() ? -1 : 1;
}

// The first 24 bytes of `key` (zero-padded) as three big-endian words: their order is the keys'
// bytewise order as far as those bytes go.
void KeyWords(std::string_view key, uint64_t word[3]) {
  unsigned char bytes[24] = {};
  std::memcpy(bytes, key.data(), std::min(key.size(), sizeof(bytes)));
  for (size_t w = 0; w < 3; ++w) {
    uint64_t v = 0;
    for (size_t b = 0; b < 8; ++b) v = v << 8 | bytes[w * 8 + b];
    word[w] = v;
  }
}

rocksdb::WriteOptions ToRocks(const WriteOptions& o) {
  rocksdb::WriteOptions w;
  w.sync = o.sync;
  return w;
}

}  // namespace

// A RocksTable's PutBatch: each put encoded when added, as RocksDB entries (one per family and
// timestamp: cell_encoding.h), then written in key order, so the memtable (run_memtable.h)
// appends the batch as one sorted run.
class RocksPutBatch final : public PutBatch {
 public:
  explicit RocksPutBatch(std::shared_ptr<const RocksTable> table) : table_(std::move(table)) {}

  Status Add(const Put& put) override {
    const size_t bytes_before = bytes_.size(), entries_before = entries_.size();
    Status s = Encode(put);
    if (!s.ok()) {
      bytes_.resize(bytes_before);
      entries_.resize(entries_before);
      return s;
    }
    rows_.append(put.row);
    row_ends_.push_back(static_cast<uint32_t>(rows_.size()));
    return Status::OK();
  }
  size_t size() const override { return row_ends_.size(); }
  void Clear() override {
    bytes_.clear();
    entries_.clear();
    rows_.clear();
    row_ends_.clear();
  }

  const RocksTable* table() const { return table_.get(); }
  // The rows added, in the order added.
  template <class F>
  void ForEachRow(F&& f) const {
    uint32_t begin = 0;
    for (uint32_t end : row_ends_) {
      f(std::string_view(rows_).substr(begin, end - begin));
      begin = end;
    }
  }

  // Fills `batch` with the entries in key order (bytewise, RocksDB's), entries with one key in
  // the order added: puts with `replace`, else merges.
  Status Fill(bool replace, rocksdb::WriteBatch* batch) {
    // Sorted on 40-byte entries holding each key's first 24 bytes as words: a driving row's key
    // differs from its neighbours' there, so few compares read the keys themselves.
    std::sort(entries_.begin(), entries_.end(), [this](const Entry& a, const Entry& b) {
      for (size_t w = 0; w < 3; ++w) {
        if (a.word[w] != b.word[w]) return a.word[w] < b.word[w];
      }
      if (const int c = key(a).compare(key(b)); c != 0) return c < 0;
      return a.index < b.index;
    });
    for (const Entry& e : entries_) {
      const rocksdb::Slice k(bytes_.data() + e.offset, e.key_size);
      const rocksdb::Slice v(bytes_.data() + e.offset + e.key_size, e.value_size);
      SMARTCAR_RETURN_IF_ERROR(FromRocks(replace ? batch->Put(k, v) : batch->Merge(k, v)));
    }
    return Status::OK();
  }
  // About the bytes the entries take in a WriteBatch (a tag and two varint lengths each).
  size_t BatchBytes() const { return 12 + bytes_.size() + 11 * entries_.size(); }

 private:
  struct Entry {
    uint64_t word[3];  // The key's first 24 bytes (KeyWords).
    uint32_t index;    // The order added.
    uint32_t offset;   // Of the key in bytes_; the value follows it.
    uint32_t key_size;
    uint32_t value_size;
  };

  std::string_view key(const Entry& e) const {
    return std::string_view(bytes_).substr(e.offset, e.key_size);
  }

  // Appends `put`'s entries: cells grouped by family and timestamp, sorted by qualifier.
  Status Encode(const Put& put) {
    if (put.row.empty()) return Status::InvalidArgument("Row key must not be empty");
    if (put.cells.empty()) return Status::InvalidArgument("Put of row has no cells");
    const bool any_latest = std::any_of(put.cells.begin(), put.cells.end(), [](const Cell& c) {
      return c.timestamp == kLatestTimestamp;
    });
    const int64_t now = any_latest ? WallClockMs() : 0;
    auto ts = [now](const Cell* c) {
      return c->timestamp == kLatestTimestamp ? now : c->timestamp;
    };
    auto before = [&](const Cell* a, const Cell* b) {
      if (const int c = CompareShort(a->family, b->family); c != 0) return c < 0;
      if (ts(a) != ts(b)) return ts(a) < ts(b);
      return CompareShort(a->qualifier, b->qualifier) < 0;
    };
    bool in_order = true;
    for (size_t i = 0; i < put.cells.size(); ++i) {
      const Cell& c = put.cells[i];
      if (c.timestamp < 0) {
        return Status::InvalidArgument("Timestamp " + std::to_string(c.timestamp) + " is negative");
      }
      in_order = in_order && (i == 0 || !before(&c, &put.cells[i - 1]));
    }
    if (in_order) {  // The pipeline's rows: no copy of the cells' order to make.
      return EncodeCells(put.row, put.cells.size(), ts, [&put](size_t i) { return &put.cells[i]; });
    }
    // A stable insertion sort: a put has a handful of cells.
    cells_.clear();
    for (const Cell& c : put.cells) cells_.push_back(&c);
    for (size_t i = 1; i < cells_.size(); ++i) {
      for (size_t k = i; k > 0 && before(cells_[k], cells_[k - 1]); --k) {
        std::swap(cells_[k], cells_[k - 1]);
      }
    }
    return EncodeCells(put.row, cells_.size(), ts, [this](size_t i) { return cells_[i]; });
  }

  template <class Ts, class CellAt>
  Status EncodeCells(const std::string& row, size_t n, const Ts& ts, const CellAt& cell) {
    const TableDescriptor& desc = table_->descriptor();
    for (size_t i = 0; i < n;) {
      const Cell* head = cell(i);
      if (i == 0 || CompareShort(head->family, cell(i - 1)->family) != 0) {
        bool known = false;
        for (const auto& f : desc.families) known |= CompareShort(f.name, head->family) == 0;
        if (!known) {
          return Status::InvalidArgument("Unknown column family '" + head->family + "' in table '" +
                                         desc.name + "'");
        }
      }
      Entry e;
      e.offset = static_cast<uint32_t>(bytes_.size());
      AppendKey(row, head->family, ts(head), &bytes_);
      e.key_size = static_cast<uint32_t>(bytes_.size() - e.offset);
      size_t j = i;
      for (; j < n && ts(cell(j)) == ts(head) && CompareShort(cell(j)->family, head->family) == 0;
           ++j) {
        AppendCellValue(cell(j)->qualifier, cell(j)->value, &bytes_);
      }
      if (bytes_.size() > std::numeric_limits<uint32_t>::max()) {
        return Status::InvalidArgument("A batch of puts must encode to less than 4 GiB");
      }
      e.value_size = static_cast<uint32_t>(bytes_.size() - e.offset - e.key_size);
      e.index = static_cast<uint32_t>(entries_.size());
      KeyWords(key(e), e.word);
      entries_.push_back(e);
      i = j;
    }
    return Status::OK();
  }

  std::shared_ptr<const RocksTable> table_;  // Its descriptor checks the families.
  std::string bytes_;                        // Every entry's key, then value.
  std::vector<Entry> entries_;
  std::string rows_;  // The rows added, back to back (regions' write counts).
  std::vector<uint32_t> row_ends_;
  std::vector<const Cell*> cells_;  // Encode's sort of one put's cells.
};

void RocksTable::CountWrites(const RocksPutBatch& batch) {
  std::lock_guard<std::mutex> l(regions_mu_);
  batch.ForEachRow(
      [this](std::string_view row) { ++region_writes_[RegionOf(desc_.split_keys, row)]; });
}

std::unique_ptr<PutBatch> RocksTable::NewPutBatch() {
  return std::make_unique<RocksPutBatch>(shared_from_this());
}

Status RocksTable::Apply(const WriteOptions& options, const Put& put) {
  RocksPutBatch batch(shared_from_this());
  SMARTCAR_RETURN_IF_ERROR(batch.Add(put));
  return Write(options, &batch);
}

Status RocksTable::ApplyBatch(const WriteOptions& options, const std::vector<Put>& puts) {
  RocksPutBatch batch(shared_from_this());
  for (const Put& put : puts) SMARTCAR_RETURN_IF_ERROR(batch.Add(put));
  return Write(options, &batch);
}

Status RocksTable::Write(const WriteOptions& options, PutBatch* batch) {
  if (read_only_) return ReadOnlyError();
  auto* b = dynamic_cast<RocksPutBatch*>(batch);
  if (b == nullptr || b->table() != this) {
    return Status::InvalidArgument("A PutBatch is written by the table that made it (table '" +
                                   desc_.name + "')");
  }
  if (b->size() == 0) return Status::OK();
  rocksdb::WriteBatch wb(b->BatchBytes());
  SMARTCAR_RETURN_IF_ERROR(b->Fill(options.replace, &wb));
  std::shared_lock<std::shared_mutex> w(write_mu_);
  auto db = this->db();
  if (db == nullptr) return Closed();
  SMARTCAR_RETURN_IF_ERROR(FromRocks(db->Write(ToRocks(options), &wb)));
  CountWrites(*b);
  return Status::OK();
}

Status RocksTable::Remove(const WriteOptions& options, const Delete& del) {
  if (read_only_) return ReadOnlyError();
  if (del.row.empty()) return Status::InvalidArgument("Row key must not be empty");
  if (del.scope != Delete::Scope::kRow) {
    SMARTCAR_RETURN_IF_ERROR(CheckColumns(desc_, {ColumnRef{del.family, "", true}}));
  }
  std::unique_lock<std::shared_mutex> w(write_mu_);
  auto db = this->db();
  if (db == nullptr) return Closed();
  std::string prefix = EncodeRowPrefix(del.row);
  if (del.scope != Delete::Scope::kRow) AppendEscaped(del.family, &prefix);
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
  rocksdb::WriteBatch batch;
  DecodedKey k;
  std::vector<Cell> cells;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (!DecodeKey(ToView(it->key()), &k)) return Status::Corruption("malformed key");
    const bool in_range = del.scope == Delete::Scope::kVersion ? k.timestamp == del.timestamp
                                                               : k.timestamp <= del.timestamp;
    if (!in_range) continue;
    if (del.scope == Delete::Scope::kRow || del.scope == Delete::Scope::kFamily) {
      SMARTCAR_RETURN_IF_ERROR(FromRocks(batch.Delete(it->key())));
      continue;
    }
    cells.clear();
    if (!DecodeEntry(ToView(it->value()), k.family, k.timestamp, &cells)) {
      return Status::Corruption("malformed entry");
    }
    std::string value;
    bool removed = false;
    for (const Cell& c : cells) {
      if (c.qualifier == del.qualifier) {
        removed = true;
      } else {
        AppendCellValue(c.qualifier, c.value, &value);
      }
    }
    if (!removed) continue;
    SMARTCAR_RETURN_IF_ERROR(
        FromRocks(value.empty() ? batch.Delete(it->key()) : batch.Put(it->key(), value)));
  }
  SMARTCAR_RETURN_IF_ERROR(FromRocks(it->status()));
  return FromRocks(db->Write(ToRocks(options), &batch));
}

Result<Row> RocksTable::Get(const GetSpec& spec) {
  SMARTCAR_RETURN_IF_ERROR(CheckColumns(desc_, spec.columns));
  auto filter = MaybeParse(spec.filter);
  if (!filter) return Err(filter.error());
  auto db = this->db();
  if (db == nullptr) return Err(Closed());
  const std::string prefix = EncodeRowPrefix(spec.row);
  rocksdb::ReadOptions ro;
  ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
  Row row;
  row.key = spec.row;
  it->Seek(prefix);
  if (!it->Valid() || !it->key().starts_with(prefix)) {
    SMARTCAR_RETURN_IF_ERROR(FromRocks(it->status()));
    return row;
  }
  std::string key, scratch;
  if (!ReadRow(it.get(), false, &key, &scratch, &row.cells)) {
    return Err(Status::Corruption("malformed entry"));
  }
  SMARTCAR_RETURN_IF_ERROR(FromRocks(it->status()));
  ReadSelection sel;
  sel.columns = &spec.columns;
  sel.max_versions = spec.max_versions;
  sel.time_range = spec.time_range;
  sel.now_ms = WallClockMs();
  if (AssembleRow(row.key, desc_, sel, filter->get(), &row.cells) != RowOutcome::kEmit) {
    row.cells.clear();
  }
  return row;
}

Result<std::unique_ptr<RowIterator>> RocksTable::Scan(const ScanSpec& spec) {
  SMARTCAR_RETURN_IF_ERROR(CheckColumns(desc_, spec.columns));
  auto filter = MaybeParse(spec.filter);
  if (!filter) return Err(filter.error());
  auto db = this->db();
  if (db == nullptr) return Err(Closed());
  return NewRocksRowIterator(std::move(db), shared_from_this(), spec, std::move(*filter));
}

Result<uint64_t> RocksTable::Count(const ScanSpec& spec) {
  bool any_ttl = false;
  for (const auto& f : desc_.families) any_ttl |= f.ttl_seconds > 0;
  const bool keys_only = spec.filter.empty() && spec.columns.empty() && !any_ttl &&
                         spec.time_range.min == 0 && spec.time_range.max == kLatestTimestamp &&
                         !spec.reversed && spec.limit < 0;
  if (!keys_only) {
    auto it = Scan(spec);
    if (!it) return Err(it.error());
    uint64_t n = 0;
    std::string last;
    for (; (*it)->Valid(); (*it)->Next()) {
      if (n == 0 || (*it)->row().key != last) ++n;
      last = (*it)->row().key;
    }
    SMARTCAR_RETURN_IF_ERROR((*it)->status());
    return n;
  }
  // Fast path: count distinct row prefixes without decoding values.
  auto db = this->db();
  if (db == nullptr) return Err(Closed());
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  std::string upper;
  rocksdb::Slice upper_slice;
  if (!spec.stop_row.empty()) {
    upper = EncodeRowPrefix(spec.stop_row);
    upper_slice = upper;
    ro.iterate_upper_bound = &upper_slice;
  }
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
  uint64_t n = 0;
  std::string prev;
  for (it->Seek(EncodeRowPrefix(spec.start_row)); it->Valid(); it->Next()) {
    const std::string_view key = ToView(it->key());
    const size_t plen = RowPrefixLength(key);
    if (plen == prev.size() && key.substr(0, plen) == prev) continue;
    prev.assign(key.substr(0, plen));
    ++n;
  }
  SMARTCAR_RETURN_IF_ERROR(FromRocks(it->status()));
  return n;
}

Result<std::vector<RegionStats>> RocksTable::RegionStatsNow() {
  auto db = this->db();
  std::vector<std::string> splits;
  std::vector<uint64_t> writes;
  {
    std::lock_guard<std::mutex> l(regions_mu_);
    splits = desc_.split_keys;
    writes = region_writes_;
  }
  std::vector<RegionStats> out(splits.size() + 1);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].start_key = i == 0 ? "" : splits[i - 1];
    out[i].end_key = i < splits.size() ? splits[i] : "";
    out[i].writes = writes[i];
  }
  if (db == nullptr) return out;
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
  std::string prev, row;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key = ToView(it->key());
    const size_t plen = RowPrefixLength(key);
    std::string_view p = key.substr(0, plen);
    if (!ReadEscaped(&p, &row)) return Err(Status::Corruption("malformed key"));
    RegionStats& r = out[RegionOf(splits, row)];
    if (!(plen == prev.size() && key.substr(0, plen) == prev)) {
      prev.assign(key.substr(0, plen));
      ++r.rows;
    }
    r.bytes += it->key().size() + it->value().size();
  }
  SMARTCAR_RETURN_IF_ERROR(FromRocks(it->status()));
  return out;
}

}  // namespace smartcar::table::rocks

namespace smartcar::table {

Result<storage::RepairResult> RepairTableDb(const std::string& db_path, const std::string& name) {
  return rocks::RepairDb(db_path, name);
}

}  // namespace smartcar::table
