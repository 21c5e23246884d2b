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
#include <numeric>

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
  // with 32 MiB, for the same CPU. Universal compaction (below) once 16 sorted runs are on disk:
  // with 8, each pair of new flushes re-merged the newest small runs (a byte was rewritten about
  // four times before it reached a large run); 16 took 0.93 of the CPU for three pilot days. The
  // write-stall thresholds move up with it (RocksDB counts sorted runs against them in universal
  // compaction): at the default 20, four runs above the trigger slowed the writer down while one
  // large merge ran. Reads merge more runs only until the next compaction; a full count of three
  // pilot days' rows took the same time (14.8-16.7 s both).
  o.write_buffer_size = 16 << 20;
  o.level0_file_num_compaction_trigger = 16;
  o.level0_slowdown_writes_trigger = 32;
  o.level0_stop_writes_trigger = 48;
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

void RocksTable::CountWrites(const std::vector<Put>& puts) {
  std::lock_guard<std::mutex> l(regions_mu_);
  for (const Put& p : puts) ++region_writes_[RegionOf(desc_.split_keys, p.row)];
}

namespace {

// Buffers AddPut reuses from put to put: no allocation per row once warm.
struct PutScratch {
  std::vector<const Cell*> cells;
  std::string key;
  std::string value;
};

// Adds `put` to `batch`: one entry per (family, timestamp), cells sorted by qualifier; a merge
// (joining the cells already at that timestamp), or with `replace` a put (replacing them).
Status AddPut(const TableDescriptor& desc, const Put& put, int64_t now, bool replace,
              rocksdb::WriteBatch* batch, PutScratch* scratch) {
  if (put.row.empty()) return Status::InvalidArgument("Row key must not be empty");
  if (put.cells.empty()) return Status::InvalidArgument("Put of row has no cells");
  auto ts = [now](const Cell* c) { return c->timestamp == kLatestTimestamp ? now : c->timestamp; };
  auto before = [&](const Cell* a, const Cell* b) {
    if (a->family != b->family) return a->family < b->family;
    if (ts(a) != ts(b)) return ts(a) < ts(b);
    return a->qualifier < b->qualifier;
  };
  // A stable insertion sort: a put has a handful of cells, often already in order.
  std::vector<const Cell*>& cells = scratch->cells;
  cells.clear();
  for (const Cell& c : put.cells) {
    if (c.timestamp < 0) {
      return Status::InvalidArgument("Timestamp " + std::to_string(c.timestamp) + " is negative");
    }
    cells.push_back(&c);
    for (size_t k = cells.size() - 1; k > 0 && before(cells[k], cells[k - 1]); --k) {
      std::swap(cells[k], cells[k - 1]);
    }
  }
  std::string& value = scratch->value;
  std::string& key = scratch->key;
  for (size_t i = 0; i < cells.size();) {
    const Cell* head = cells[i];
    if (i == 0 || head->family != cells[i - 1]->family) {
      bool known = false;
      for (const auto& f : desc.families) known |= f.name == head->family;
      if (!known) {
        return Status::InvalidArgument("Unknown column family '" + head->family + "' in table '" +
                                       desc.name + "'");
      }
    }
    value.clear();
    size_t j = i;
    for (; j < cells.size() && cells[j]->family == head->family && ts(cells[j]) == ts(head); ++j) {
      AppendCellValue(cells[j]->qualifier, cells[j]->value, &value);
    }
    key.clear();
    AppendKey(put.row, head->family, ts(head), &key);
    auto s = replace ? batch->Put(ToSlice(key), ToSlice(value))
                     : batch->Merge(ToSlice(key), ToSlice(value));
    if (!s.ok()) return FromRocks(s);
    i = j;
  }
  return Status::OK();
}

// About the bytes `puts` take in a WriteBatch, to size it once. An estimate from the puts alone,
// 16 bytes per cell (a pipeline cell takes 4-17): reading every cell here too cost a pass over
// the batch's cells (~3 MB for 4096 rows) that missed the cache; a larger batch grows.
size_t BatchBytes(const std::vector<Put>& puts) {
  size_t n = 12;
  for (const Put& p : puts) {
    n += p.row.size() + 32 + 16 * p.cells.size();  // Key, record header, cells.
  }
  return n;
}

rocksdb::WriteOptions ToRocks(const WriteOptions& o) {
  rocksdb::WriteOptions w;
  w.sync = o.sync;
  return w;
}

}  // namespace

Status RocksTable::Apply(const WriteOptions& options, const Put& put) {
  return ApplyBatch(options, std::vector<Put>{put});
}

Status RocksTable::ApplyBatch(const WriteOptions& options, const std::vector<Put>& puts) {
  if (read_only_) return ReadOnlyError();
  // Written in row order: the memtable (run_memtable.h) then appends the batch as one sorted
  // run. The sort is stable, so puts to one row keep their order.
  std::vector<uint32_t> order(puts.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&puts](uint32_t a, uint32_t b) { return puts[a].row < puts[b].row; });
  rocksdb::WriteBatch batch(BatchBytes(puts));
  PutScratch scratch;
  const int64_t now = WallClockMs();
  for (uint32_t i : order) {
    SMARTCAR_RETURN_IF_ERROR(AddPut(desc_, puts[i], now, options.replace, &batch, &scratch));
  }
  std::shared_lock<std::shared_mutex> w(write_mu_);
  auto db = this->db();
  if (db == nullptr) return Closed();
  SMARTCAR_RETURN_IF_ERROR(FromRocks(db->Write(ToRocks(options), &batch)));
  CountWrites(puts);
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
