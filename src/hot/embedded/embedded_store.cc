// EmbeddedStore: the hot store's sets and values as RocksDB entries (layout in the header). Each
// Write() is one WriteBatch under a mutex; an expired key is purged when a read meets it, and
// all expired keys when the store opens for writing.
#include "hot/embedded/embedded_store.h"

#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "hot/glob.h"
#include "storage/rocks_repair.h"

namespace smartcar::hot {
namespace {

constexpr char kMetaTag = 'm';
constexpr char kMemberTag = 's';
constexpr char kTypeSet = 's';
constexpr char kTypeValue = 'v';
constexpr size_t kMetaHeader = 1 + 8;

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Meta {
  char type = 0;
  int64_t expire_at_ms = 0;
  std::string value;  // For kTypeValue.
};

std::string EncodeMeta(const Meta& m) {
  std::string out(kMetaHeader, '\0');
  out[0] = m.type;
  uint64_t e = static_cast<uint64_t>(m.expire_at_ms);
  for (int i = 0; i < 8; ++i) out[1 + i] = static_cast<char>((e >> (8 * i)) & 0xff);
  out.append(m.value);
  return out;
}

bool DecodeMeta(std::string_view in, Meta* m) {
  if (in.size() < kMetaHeader || (in[0] != kTypeSet && in[0] != kTypeValue)) return false;
  m->type = in[0];
  uint64_t e = 0;
  for (int i = 0; i < 8; ++i)
    e |= static_cast<uint64_t>(static_cast<unsigned char>(in[1 + i])) << (8 * i);
  m->expire_at_ms = static_cast<int64_t>(e);
  m->value.assign(in.substr(kMetaHeader));
  return true;
}

std::string MetaKey(std::string_view key) {
  std::string k(1, kMetaTag);
  k.append(key);
  return k;
}

std::string MemberPrefix(std::string_view key) {
  std::string k(1, kMemberTag);
  const uint32_t n = static_cast<uint32_t>(key.size());
  for (int i = 3; i >= 0; --i) k.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  k.append(key);
  return k;
}

// The smallest string greater than every string starting with `prefix`.
std::string Successor(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty())
    prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

Status ReadOnlyError() { return Status::NotSupported("hot store (embedded): opened read-only"); }

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::OK();
  return Status::IOError("hot store (embedded): " + std::string(what) + ": " + s.ToString());
}

class EmbeddedStore final : public HotStore {
 public:
  EmbeddedStore(HotOptions options, std::unique_ptr<rocksdb::DB> db)
      : options_(std::move(options)), db_(std::move(db)) {}

  Status Write(const HotWriteBatch& batch) override;
  Result<std::vector<std::string>> Members(std::string_view key) override;
  Result<bool> IsMember(std::string_view key, std::string_view member) override;
  Result<std::optional<std::string>> Get(std::string_view key) override;
  Result<std::vector<std::string>> Keys(std::string_view pattern) override;
  Status Delete(std::string_view key) override;
  Result<int64_t> TtlMs(std::string_view key) override;
  std::string Describe() const override { return "embedded " + options_.data_dir; }

  // Removes every expired key. Called once at open.
  Status Sweep();

 private:
  std::string Full(std::string_view key) const { return options_.key_prefix + std::string(key); }
  // Reads the live meta of full key `fk`: NotFound when absent or expired.
  Result<Meta> ReadMeta(const rocksdb::ReadOptions& ro, const std::string& fk, int64_t now);
  // Deletes full key `fk` if it is (still) expired at `now`. Takes mu_.
  void PurgeIfExpired(const std::string& fk, int64_t now);
  void DeleteKeyInto(const std::string& fk, rocksdb::WriteBatch* wb);

  const HotOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::mutex mu_;  // Serializes writers (read-modify-write of meta entries).
};

Result<Meta> EmbeddedStore::ReadMeta(const rocksdb::ReadOptions& ro, const std::string& fk,
                                     int64_t now) {
  std::string raw;
  rocksdb::Status s = db_->Get(ro, MetaKey(fk), &raw);
  if (s.IsNotFound()) return Err(Status::NotFound(fk));
  if (!s.ok()) return Err(FromRocks(s, "read '" + fk + "'"));
  Meta m;
  if (!DecodeMeta(raw, &m))
    return Err(Status::Corruption("hot store (embedded): bad meta for '" + fk + "'"));
  if (m.expire_at_ms <= now) return Err(Status::NotFound(fk));
  return m;
}

void EmbeddedStore::DeleteKeyInto(const std::string& fk, rocksdb::WriteBatch* wb) {
  wb->Delete(MetaKey(fk));
  const std::string p = MemberPrefix(fk);
  wb->DeleteRange(p, Successor(p));
}

void EmbeddedStore::PurgeIfExpired(const std::string& fk, int64_t now) {
  if (options_.read_only) return;
  std::lock_guard<std::mutex> l(mu_);
  std::string raw;
  if (!db_->Get(rocksdb::ReadOptions(), MetaKey(fk), &raw).ok()) return;
  Meta m;
  if (DecodeMeta(raw, &m) && m.expire_at_ms > now) return;  // Rewritten meanwhile.
  rocksdb::WriteBatch wb;
  DeleteKeyInto(fk, &wb);
  (void)db_->Write(rocksdb::WriteOptions(), &wb);  // Best effort: reads ignore it anyway.
}

Status EmbeddedStore::Write(const HotWriteBatch& batch) {
  if (options_.read_only) return ReadOnlyError();
  if (batch.empty()) return Status::OK();
  std::lock_guard<std::mutex> l(mu_);
  const int64_t now = WallMs();
  const rocksdb::ReadOptions ro;
  rocksdb::WriteBatch wb;
  // Meta of each key touched, as it will be after this batch.
  std::map<std::string, Meta, std::less<>> metas;
  for (const HotOp& op : batch.ops()) {
    const std::string fk = Full(op.key);
    auto it = metas.find(fk);
    if (it == metas.end()) {
      Meta fresh;
      std::string raw;
      rocksdb::Status rs = db_->Get(ro, MetaKey(fk), &raw);
      if (rs.ok()) {
        if (!DecodeMeta(raw, &fresh)) {
          return Status::Corruption("hot store (embedded): bad meta for '" + fk + "'");
        }
        if (fresh.expire_at_ms <= now) {
          // Expired but not yet cleaned up: drop its members, start afresh.
          if (fresh.type == kTypeSet) DeleteKeyInto(fk, &wb);
          fresh = Meta();
        }
      } else if (!rs.IsNotFound()) {
        return FromRocks(rs, "read '" + fk + "'");
      }
      if (fresh.expire_at_ms == 0 || options_.expiry == ExpiryMode::kSliding) {
        fresh.expire_at_ms = now + options_.ttl_ms;
      }
      it = metas.emplace(fk, std::move(fresh)).first;
    }
    Meta& m = it->second;
    if (op.kind == HotOp::Kind::kSetAdd) {
      if (m.type == kTypeValue) {
        return Status::InvalidArgument("hot store: key '" + op.key + "' holds a value, not a set");
      }
      m.type = kTypeSet;
      std::string mk = MemberPrefix(fk);
      mk.append(op.value);
      wb.Put(mk, rocksdb::Slice());
    } else {
      if (m.type == kTypeSet) {  // SET replaces a set, as in Redis.
        const std::string p = MemberPrefix(fk);
        wb.DeleteRange(p, Successor(p));
      }
      m.type = kTypeValue;
      m.value = op.value;
    }
  }
  for (const auto& [fk, m] : metas) wb.Put(MetaKey(fk), EncodeMeta(m));
  return FromRocks(db_->Write(rocksdb::WriteOptions(), &wb), "write");
}

Result<std::vector<std::string>> EmbeddedStore::Members(std::string_view key) {
  const std::string fk = Full(key);
  const int64_t now = WallMs();
  rocksdb::ReadOptions ro;
  const rocksdb::Snapshot* snap = db_->GetSnapshot();
  ro.snapshot = snap;
  std::vector<std::string> out;
  auto m = ReadMeta(ro, fk, now);
  if (!m) {
    db_->ReleaseSnapshot(snap);
    if (!m.error().IsNotFound()) return Err(m.error());
    PurgeIfExpired(fk, now);
    return out;
  }
  if (m->type != kTypeSet) {
    db_->ReleaseSnapshot(snap);
    return Err(Status::InvalidArgument("hot store: key '" + std::string(key) +
                                       "' holds a value, not a set"));
  }
  const std::string prefix = MemberPrefix(fk);
  const std::string end = Successor(prefix);
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      out.emplace_back(it->key().ToStringView().substr(prefix.size()));
    }
    rocksdb::Status s = it->status();
    if (!s.ok()) {
      db_->ReleaseSnapshot(snap);
      return Err(FromRocks(s, "scan '" + fk + "'"));
    }
  }
  db_->ReleaseSnapshot(snap);
  return out;
}

Result<bool> EmbeddedStore::IsMember(std::string_view key, std::string_view member) {
  const std::string fk = Full(key);
  const int64_t now = WallMs();
  rocksdb::ReadOptions ro;
  auto m = ReadMeta(ro, fk, now);
  if (!m) {
    if (!m.error().IsNotFound()) return Err(m.error());
    return false;
  }
  if (m->type != kTypeSet) {
    return Err(Status::InvalidArgument("hot store: key '" + std::string(key) +
                                       "' holds a value, not a set"));
  }
  std::string mk = MemberPrefix(fk);
  mk.append(member);
  std::string ignored;
  rocksdb::Status s = db_->Get(ro, mk, &ignored);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return Err(FromRocks(s, "read '" + fk + "'"));
  return true;
}

Result<std::optional<std::string>> EmbeddedStore::Get(std::string_view key) {
  const std::string fk = Full(key);
  const int64_t now = WallMs();
  auto m = ReadMeta(rocksdb::ReadOptions(), fk, now);
  if (!m) {
    if (!m.error().IsNotFound()) return Err(m.error());
    PurgeIfExpired(fk, now);
    return std::optional<std::string>();
  }
  if (m->type != kTypeValue) {
    return Err(Status::InvalidArgument("hot store: key '" + std::string(key) +
                                       "' holds a set, not a value"));
  }
  return std::optional<std::string>(std::move(m->value));
}

Result<std::vector<std::string>> EmbeddedStore::Keys(std::string_view pattern) {
  const int64_t now = WallMs();
  const std::string start = MetaKey(options_.key_prefix + GlobLiteralPrefix(pattern));
  const std::string end = Successor(start);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::vector<std::string> out, expired;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  for (it->Seek(start); it->Valid(); it->Next()) {
    std::string_view fk = it->key().ToStringView().substr(1);
    std::string_view user = fk.substr(options_.key_prefix.size());
    Meta m;
    if (!DecodeMeta(it->value().ToStringView(), &m)) continue;
    if (m.expire_at_ms <= now) {
      expired.emplace_back(fk);
      continue;
    }
    if (GlobMatch(pattern, user)) out.emplace_back(user);
  }
  if (!it->status().ok()) return Err(FromRocks(it->status(), "scan keys"));
  it.reset();
  for (const std::string& fk : expired) PurgeIfExpired(fk, now);
  return out;
}

Status EmbeddedStore::Delete(std::string_view key) {
  if (options_.read_only) return ReadOnlyError();
  std::lock_guard<std::mutex> l(mu_);
  rocksdb::WriteBatch wb;
  DeleteKeyInto(Full(key), &wb);
  return FromRocks(db_->Write(rocksdb::WriteOptions(), &wb), "delete '" + std::string(key) + "'");
}

Result<int64_t> EmbeddedStore::TtlMs(std::string_view key) {
  const int64_t now = WallMs();
  auto m = ReadMeta(rocksdb::ReadOptions(), Full(key), now);
  if (!m) return Err(m.error());
  return m->expire_at_ms - now;
}

Status EmbeddedStore::Sweep() {
  const int64_t now = WallMs();
  std::string start(1, kMetaTag);
  std::string end = Successor(start);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::vector<std::string> expired;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    for (it->Seek(start); it->Valid(); it->Next()) {
      Meta m;
      if (DecodeMeta(it->value().ToStringView(), &m) && m.expire_at_ms > now) continue;
      expired.emplace_back(it->key().ToStringView().substr(1));
    }
    if (!it->status().ok()) return FromRocks(it->status(), "sweep");
  }
  for (const std::string& fk : expired) PurgeIfExpired(fk, now);
  return Status::OK();
}

// The options the store's database is opened (and repaired) with.
rocksdb::Options StoreOptions() {
  rocksdb::Options ro = storage::BaseRocksOptions("hot store");
  ro.create_if_missing = true;
  ro.max_open_files = 64;
  // Memtables of 4 MiB, not RocksDB's 64: detections are few (~235 bytes of memtable each, a
  // pilot day ~7 MB), so a 64 MiB memtable was hardly ever flushed and held the run's detections
  // in memory (ten days: 67 MB of the heap at the run's peak, which fell from 212 to 174 MiB).
  ro.write_buffer_size = 4 << 20;
  return ro;
}

}  // namespace

Result<storage::RepairResult> RepairEmbeddedHotStore(const std::string& data_dir) {
  return storage::RepairRocksDb(data_dir, "hot store", StoreOptions());
}

Result<std::unique_ptr<HotStore>> OpenEmbeddedStore(const HotOptions& options) {
  std::error_code ec;
  if (options.read_only) {
    if (!std::filesystem::exists(options.data_dir, ec)) {
      return Err(Status::NotFound("hot store (embedded): no store at '" + options.data_dir + "'"));
    }
  } else {
    std::filesystem::create_directories(options.data_dir, ec);
  }
  if (ec) {
    return Err(Status::IOError("hot store (embedded): cannot create '" + options.data_dir +
                               "': " + ec.message()));
  }
  rocksdb::Options ro = StoreOptions();
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = options.read_only ? rocksdb::DB::OpenForReadOnly(ro, options.data_dir, &raw)
                                        : rocksdb::DB::Open(ro, options.data_dir, &raw);
  if (!s.ok()) {
    const std::string msg =
        "hot store (embedded): cannot open '" + options.data_dir + "': " + s.ToString();
    return Err(s.IsCorruption() ? Status::Corruption(msg + storage::RepairHint())
                                : Status::IOError(msg));
  }
  auto store = std::make_unique<EmbeddedStore>(options, std::unique_ptr<rocksdb::DB>(raw));
  if (!options.read_only) {
    if (Status sw = store->Sweep(); !sw.ok()) return Err(std::move(sw));
  }
  return std::unique_ptr<HotStore>(std::move(store));
}

}  // namespace smartcar::hot
