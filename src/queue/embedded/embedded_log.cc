// The embedded engine: open/reopen (column families, moving an older folder's batches), topics,
// groups' lag, retention. One file (~600 lines): these share the log's lock and its RocksDB
// handles; reads are in embedded_consumer.cc, appends in embedded_write.cc, record encoding in
// record_batch.cc.
#include <rocksdb/sst_partitioner.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <rocksdb/write_buffer_manager.h>

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <limits>

#include "core/thread_name.h"
#include "queue/embedded/embedded_log.h"
#include "queue/embedded/embedded_log_impl.h"
#include "storage/rocks_repair.h"

namespace smartcar::queue::embedded {

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::OK();
  const std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsInvalidArgument()) return Status::InvalidArgument(msg);
  return Status::IOError(msg);
}

Result<std::unique_ptr<Log>> OpenEmbeddedLog(const QueueOptions& options) {
  if (options.data_dir.empty()) {
    return Err(
        Status::InvalidArgument("queue data_dir is empty (the embedded engine needs a "
                                "folder, e.g. --data ./smartcar-data)"));
  }
  if (options.retention_check_interval_ms < 0) {
    return Err(Status::InvalidArgument("queue retention_check_interval_ms must be >= 0"));
  }
  auto log = std::make_unique<EmbeddedLog>(options);
  if (Status s = log->Open(); !s.ok()) return Err(std::move(s));
  return std::unique_ptr<Log>(std::move(log));
}

EmbeddedLog::~EmbeddedLog() {
  {
    std::lock_guard<std::mutex> l(mu_);
    closing_ = true;
  }
  closing_cv_.notify_all();
  data_cv_.notify_all();
  if (retention_thread_.joinable()) retention_thread_.join();
  CloseDb();
  if (!secondary_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(secondary_dir_, ec);
  }
}

rocksdb::WriteOptions EmbeddedLog::write_options() const {
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  wo.disableWAL = false;
  return wo;
}

rocksdb::Options LogOptions() {
  rocksdb::Options o = storage::BaseRocksOptions("queue");
  // Memtables of 16 MiB (at most 3): the spout reads records within seconds of their append, so
  // larger ones only hold more of the log in memory (RSS grew with the run's length). With 4, a
  // collector far ahead of the topology filled all four while the one flush thread wrote the
  // table's files: ten pilot days peaked at 195-203 MiB, 61 MB of it these memtables (jemalloc
  // heap profile); with 3, 179 MiB for the same CPU (the collector waits, the topology does not).
  o.write_buffer_size = 16 << 20;
  o.max_write_buffer_number = 3;
  // One budget for the memtables of every column family (one per partition, record_batch.h): the
  // oldest is flushed as they near 32 MiB, and appends wait while they hold more. Without the
  // stall each family kept up to three memtables (ten pilot days peaked at 247-266 MiB instead of
  // 197); with 48 MiB, 2,000,000 events peaked at 153 MiB instead of 134-139 (32 MiB, and one
  // family before).
  o.write_buffer_manager =
      std::make_shared<rocksdb::WriteBufferManager>(32 << 20, nullptr, /*allow_stall=*/true);
  // A family written rarely (the default one: topics, commits) would otherwise keep every WAL
  // file since its last flush; past this total RocksDB flushes the families holding the oldest.
  o.max_total_wal_size = 96 << 20;
  o.max_background_jobs = 2;
  o.target_file_size_base = 64 << 20;
  // Compaction outputs are cut where the partition changes. A partition's batches are appended
  // in offset order, so a file of one partition never overlaps the older files of the level
  // below and moves down without being rewritten (a trivial move). Files spanning every
  // partition overlapped all of the next level instead: each level-0 compaction rewrote level 1
  // (three pilot days: 6.2 GB of compaction output for a 1.3 GB log; now 1.5 GB). Level 1 is kept
  // small so what a level-0 compaction puts there moves on before the next one.
  o.sst_partitioner_factory = rocksdb::NewSstPartitionerFixedPrefixFactory(kPartitionPrefixLength);
  o.max_bytes_for_level_base = 16 << 20;
  o.compression = rocksdb::kNoCompression;  // Batches are large values read sequentially.
  // 64 KiB blocks: batches are read in order, so larger blocks cost nothing and make the index
  // 16 times smaller (4 GiB of log: ~1 MiB of index instead of ~17).
  rocksdb::BlockBasedTableOptions t = storage::BaseTableOptions();
  t.block_size = 64 << 10;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

Result<storage::RepairResult> RepairDb(const std::string& data_dir) {
  return storage::RepairRocksDb(data_dir, "durable log", LogOptions());
}

Status EmbeddedLog::OpenDb(const rocksdb::Options& o, const std::string& what) {
  // Every family the folder has must be opened; the record families are created if missing.
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(o, options_.data_dir, &names).ok() || names.empty()) {
    names = {rocksdb::kDefaultColumnFamilyName};  // A new folder.
  }
  std::vector<std::string> wanted = names;
  for (int32_t i = 0; i < kRecordFamilies; ++i) {
    const std::string name = RecordFamilyName(i);
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    // A reader keeps to what the writer made: batches of a folder without record families are in
    // the default family.
    if (!options_.read_only) wanted.push_back(name);
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : wanted) descriptors.emplace_back(name, o);
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options_.read_only) {
    s = rocksdb::DB::OpenAsSecondary(o, options_.data_dir, secondary_dir_, descriptors, &families_,
                                     &raw);
  } else {
    rocksdb::DBOptions dbo(o);
    dbo.create_missing_column_families = true;
    s = rocksdb::DB::Open(dbo, options_.data_dir, descriptors, &families_, &raw);
  }
  if (!s.ok()) return FromRocks(s, what);
  db_.reset(raw);
  record_families_.assign(kRecordFamilies, db_->DefaultColumnFamily());
  for (rocksdb::ColumnFamilyHandle* h : families_) {
    for (int32_t i = 0; i < kRecordFamilies; ++i) {
      if (h->GetName() == RecordFamilyName(i)) record_families_[static_cast<size_t>(i)] = h;
    }
  }
  if (options_.read_only) return Status::OK();
  // Each record family gets a file of its own at once (record_batch.h, FamilyMarkKey), so that a
  // repair knows every family and replays the WAL's batches into them.
  for (rocksdb::ColumnFamilyHandle* h : record_families_) {
    std::string v;
    s = db_->Get(rocksdb::ReadOptions(), h, FamilyMarkKey(), &v);
    if (s.IsNotFound()) {
      rocksdb::WriteOptions wo = write_options();
      wo.sync = true;
      s = db_->Put(wo, h, FamilyMarkKey(), h->GetName());
      if (s.ok()) s = db_->Flush(rocksdb::FlushOptions(), h);
    }
    if (!s.ok()) return FromRocks(s, what + ": marking column family " + h->GetName());
  }
  return Status::OK();
}

void EmbeddedLog::CloseDb() {
  if (!db_) return;
  for (rocksdb::ColumnFamilyHandle* h : families_) {
    rocksdb::Status s = db_->DestroyColumnFamilyHandle(h);
    (void)s;  // Only fails for a null handle.
  }
  families_.clear();
  record_families_.clear();
  rocksdb::Status s = db_->Close();
  (void)s;  // Nothing to report to from a destructor; the WAL already holds every append.
  db_.reset();
}

Status EmbeddedLog::MoveRecordsToTheirFamilies() {
  constexpr size_t kMoveBatchBytes = 8 << 20;
  const std::string first(1, kRecordTag);
  const std::string past(1, static_cast<char>(kRecordTag + 1));
  rocksdb::ReadOptions read;
  read.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read));
  it->Seek(first);
  if (!it->Valid() || !it->key().starts_with(first)) {
    return FromRocks(it->status(), "looking for record batches to move");
  }
  rocksdb::WriteBatch b;
  for (; it->Valid() && it->key().starts_with(first); it->Next()) {
    if (it->key().size() < kPartitionPrefixLength) continue;
    const auto partition =
        static_cast<int32_t>(DecodeFixed32BE(it->key().data() + kPartitionPrefixLength - 4));
    SMARTCAR_RETURN_IF_ERROR(
        FromRocks(b.Put(RecordFamily(partition), it->key(), it->value()), "moving a batch"));
    if (b.GetDataSize() >= kMoveBatchBytes) {
      SMARTCAR_RETURN_IF_ERROR(FromRocks(db_->Write(write_options(), &b), "moving batches"));
      b.Clear();
    }
  }
  SMARTCAR_RETURN_IF_ERROR(FromRocks(it->status(), "reading batches to move"));
  // Written with the last moved batches: a crash before this leaves every batch in place in the
  // default family, to be moved again (the same keys and values) at the next open.
  SMARTCAR_RETURN_IF_ERROR(FromRocks(b.DeleteRange(first, past), "moving batches"));
  rocksdb::WriteOptions wo = write_options();
  wo.sync = true;
  SMARTCAR_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &b), "moving batches"));
  const rocksdb::Slice from(first), to(past);
  return FromRocks(db_->CompactRange(rocksdb::CompactRangeOptions(), &from, &to),
                   "dropping the moved batches from the default family");
}

Status EmbeddedLog::Open() {
  rocksdb::Options o = LogOptions();
  o.create_if_missing = !options_.read_only;
  if (options_.read_only) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "smartcar-queue-secondary-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      return Status::IOError("cannot create a folder for a read-only queue instance: " +
                             std::string(std::strerror(errno)));
    }
    secondary_dir_ = tmpl;
    o.max_open_files = -1;  // Required by secondary instances.
    SMARTCAR_RETURN_IF_ERROR(
        OpenDb(o, "opening queue data folder '" + options_.data_dir + "' read-only"));
  } else {
    // RocksDB creates the folder but not its parents (`--data DIR` → DIR/queue).
    std::error_code mkdir_error;
    std::filesystem::create_directories(std::filesystem::path(options_.data_dir).parent_path(),
                                        mkdir_error);
    Status opened = OpenDb(o, "opening queue data folder '" + options_.data_dir + "'");
    if (opened.IsCorruption())
      opened = Status::Corruption(opened.message() + storage::RepairHint());
    SMARTCAR_RETURN_IF_ERROR(opened);
    SMARTCAR_RETURN_IF_ERROR(
        MoveRecordsToTheirFamilies().WithPrefix("queue data folder '" + options_.data_dir + "': "));
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    SMARTCAR_RETURN_IF_ERROR(LoadTopicsLocked());
  }
  if (options_.retention_check_interval_ms > 0 && !options_.read_only) {
    retention_thread_ = std::thread([this] {
      NameThisThread("log-retention");
      RetentionLoop();
    });
  }
  return Status::OK();
}

Status EmbeddedLog::LoadTopicsLocked() {
  {
    // Topic ids are never reused, so records of a deleted topic can never reappear.
    std::string v;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), std::string(1, kNextIdTag), &v);
    if (s.ok() && v.size() == 8) {
      next_topic_id_ = std::max(next_topic_id_, static_cast<uint32_t>(DecodeFixed64BE(v.data())));
    }
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(std::string(1, kTopicTag)); it->Valid() && it->key()[0] == kTopicTag; it->Next()) {
    const std::string name = it->key().ToString().substr(1);
    TopicState t;
    SMARTCAR_RETURN_IF_ERROR(
        DecodeTopicMeta(it->value().ToString(), &t.meta).WithPrefix("topic '" + name + "': "));
    t.partitions.resize(static_cast<size_t>(t.meta.config.partitions));
    next_topic_id_ = std::max(next_topic_id_, t.meta.id + 1);
    auto known = topics_.find(name);
    if (known == topics_.end() || known->second.meta.id != t.meta.id) {
      topics_.insert_or_assign(name, std::move(t));
    }
  }
  SMARTCAR_RETURN_IF_ERROR(FromRocks(it->status(), "reading topics"));
  std::vector<std::unique_ptr<rocksdb::Iterator>> records(kRecordFamilies);
  // Rebuild each partition's start and high watermark.
  for (auto& [name, t] : topics_) {
    for (int32_t p = 0; p < t.meta.config.partitions; ++p) {
      PartState& ps = t.partitions[static_cast<size_t>(p)];
      std::string v;
      rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), StartKey(t.meta.id, p), &v);
      if (s.ok() && v.size() == 8) ps.start = static_cast<int64_t>(DecodeFixed64BE(v.data()));
      const std::string prefix = PartitionPrefix(t.meta.id, p);
      auto& rit = records[RecordFamilyIndex(p)];
      if (!rit) rit.reset(db_->NewIterator(rocksdb::ReadOptions(), RecordFamily(p)));
      rit->SeekForPrev(RecordKey(t.meta.id, p, std::numeric_limits<int64_t>::max()));
      if (rit->Valid() && rit->key().starts_with(prefix)) {
        ps.next = std::max(
            ps.next, static_cast<int64_t>(DecodeFixed64BE(rit->key().data() + prefix.size())) + 1);
      }
      SMARTCAR_RETURN_IF_ERROR(FromRocks(rit->status(), "reading topic '" + name + "'"));
      ps.next = std::max(ps.next, ps.start);
    }
  }
  return Status::OK();
}

Status EmbeddedLog::CatchUp(bool polling) {
  if (!options_.read_only) return Status::OK();
  std::lock_guard<std::mutex> l(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (polling && now - last_catch_up_ < std::chrono::milliseconds(50)) return Status::OK();
  last_catch_up_ = now;
  SMARTCAR_RETURN_IF_ERROR(FromRocks(db_->TryCatchUpWithPrimary(), "catching up with the writer"));
  return LoadTopicsLocked();
}

Status EmbeddedLog::ReadOnlyError(std::string_view what) const {
  return Status::NotSupported(std::string(what) + ": the durable log in '" + options_.data_dir +
                              "' is open read-only, beside the process that holds it");
}

TopicState* EmbeddedLog::FindTopicLocked(std::string_view name) {
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : &it->second;
}

Status EmbeddedLog::CreateTopic(const CreateTopicOptions& options) {
  if (options_.read_only) return ReadOnlyError("creating topic '" + options.name + "'");
  SMARTCAR_RETURN_IF_ERROR(ValidateTopicName(options.name));
  const TopicConfig& c = options.config;
  if (c.partitions < 1 || c.partitions > 100000) {
    return Status::InvalidArgument("topic '" + options.name +
                                   "': partitions must be in 1..100000, got " +
                                   std::to_string(c.partitions));
  }
  if (c.retention_ms < -1 || c.retention_ms == 0 || c.retention_bytes < -1 ||
      c.retention_bytes == 0) {
    return Status::InvalidArgument("topic '" + options.name +
                                   "': retention must be -1 (unlimited) or positive");
  }
  std::lock_guard<std::mutex> l(mu_);
  if (topics_.count(options.name) != 0) {
    return Status::InvalidArgument("topic '" + options.name + "' already exists");
  }
  TopicState t;
  t.meta.id = next_topic_id_;
  t.meta.config = c;
  t.meta.config.replication_factor = 1;
  t.partitions.resize(static_cast<size_t>(c.partitions));
  rocksdb::WriteBatch b;
  b.Put(TopicKey(options.name), EncodeTopicMeta(t.meta));
  std::string id;
  PutFixed64BE(&id, next_topic_id_ + 1);
  b.Put(std::string(1, kNextIdTag), id);
  rocksdb::WriteOptions wo = write_options();
  wo.sync = true;  // Metadata is rare; make it survive power loss.
  SMARTCAR_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &b), "creating topic '" + options.name + "'"));
  ++next_topic_id_;
  topics_.emplace(options.name, std::move(t));
  return Status::OK();
}

Status EmbeddedLog::DeleteTopic(std::string_view name) {
  if (options_.read_only) return ReadOnlyError("deleting topic '" + std::string(name) + "'");
  std::unique_lock<std::mutex> l(mu_);
  TopicState* t = FindTopicLocked(name);
  if (t == nullptr) return Status::NotFound("topic '" + std::string(name) + "' does not exist");
  const uint32_t id = t->meta.id;
  rocksdb::WriteBatch b;
  b.Delete(TopicKey(name));
  std::string lo(1, kRecordTag), hi(1, kRecordTag);
  PutFixed64BE(&lo, static_cast<uint64_t>(id) << 32);
  PutFixed64BE(&hi, static_cast<uint64_t>(id + 1) << 32);
  lo.resize(5);
  hi.resize(5);
  rocksdb::Status s;
  // Only in the families the topic's partitions use: a range tombstone elsewhere would stay in
  // that family's reads until a compaction dropped it.
  for (int32_t p = 0; p < std::min(t->meta.config.partitions, kRecordFamilies) && s.ok(); ++p) {
    s = b.DeleteRange(RecordFamily(p), lo, hi);
  }
  for (int32_t p = 0; p < t->meta.config.partitions; ++p) b.Delete(StartKey(id, p));
  // Producer states of the topic.
  if (s.ok()) s = b.DeleteRange(ProducerStateKey(id, ""), ProducerStateKey(id + 1, ""));
  // Committed offsets of every group on this topic.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(std::string(1, kCommitTag)); it->Valid() && it->key()[0] == kCommitTag;
       it->Next()) {
    const rocksdb::Slice k = it->key();
    if (k.size() >= 9 && DecodeFixed32BE(k.data() + k.size() - 8) == id) b.Delete(k);
  }
  rocksdb::WriteOptions wo = write_options();
  wo.sync = true;
  if (s.ok()) s = db_->Write(wo, &b);
  SMARTCAR_RETURN_IF_ERROR(FromRocks(s, "deleting topic '" + std::string(name) + "'"));
  topics_.erase(topics_.find(name));
  for (auto& [group, g] : groups_) RebalanceLocked(group);
  data_cv_.notify_all();
  return Status::OK();
}

Result<std::vector<std::string>> EmbeddedLog::ListTopics() {
  SMARTCAR_RETURN_IF_ERROR(CatchUp());
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::string> names;
  for (const auto& [name, t] : topics_) names.push_back(name);
  return names;
}

Result<TopicDescription> EmbeddedLog::DescribeTopic(std::string_view name) {
  SMARTCAR_RETURN_IF_ERROR(CatchUp());
  std::lock_guard<std::mutex> l(mu_);
  TopicState* t = FindTopicLocked(name);
  if (t == nullptr)
    return Err(Status::NotFound("topic '" + std::string(name) + "' does not exist"));
  TopicDescription d;
  d.name = std::string(name);
  d.config = t->meta.config;
  for (size_t p = 0; p < t->partitions.size(); ++p) {
    d.partitions.push_back({PartitionId(static_cast<int32_t>(p)), Offset(t->partitions[p].start),
                            Offset(t->partitions[p].next)});
  }
  return d;
}

Result<std::optional<int64_t>> EmbeddedLog::ReadCommitted(const std::string& group,
                                                          uint32_t topic_id, int32_t partition) {
  auto c = ReadCommittedWithMetadata(group, topic_id, partition);
  if (!c) return Err(c.error());
  if (!c->has_value()) return std::optional<int64_t>();
  return std::optional<int64_t>((*c)->first);
}

// The value is the offset (8 bytes, big endian) followed by the commit metadata, if any.
Result<std::optional<std::pair<int64_t, std::string>>> EmbeddedLog::ReadCommittedWithMetadata(
    const std::string& group, uint32_t topic_id, int32_t partition) {
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), CommitKey(group, topic_id, partition), &v);
  if (s.IsNotFound()) return std::optional<std::pair<int64_t, std::string>>();
  SMARTCAR_RETURN_IF_ERROR(FromRocks(s, "reading committed offset of group '" + group + "'"));
  if (v.size() < 8) return Err(Status::Corruption("committed offset of group '" + group + "'"));
  return std::optional<std::pair<int64_t, std::string>>(
      std::in_place, static_cast<int64_t>(DecodeFixed64BE(v.data())), v.substr(8));
}

Result<std::optional<std::string>> EmbeddedLog::ReadProducerState(std::string_view topic,
                                                                  std::string_view key) {
  uint32_t id = 0;
  {
    std::lock_guard<std::mutex> l(mu_);
    TopicState* t = FindTopicLocked(topic);
    if (t == nullptr) {
      return Err(Status::NotFound("topic '" + std::string(topic) + "' does not exist"));
    }
    id = t->meta.id;
  }
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), ProducerStateKey(id, key), &v);
  if (s.IsNotFound()) return std::optional<std::string>();
  SMARTCAR_RETURN_IF_ERROR(
      FromRocks(s, "reading producer state of topic '" + std::string(topic) + "'"));
  return std::optional<std::string>(std::move(v));
}

Result<GroupDescription> EmbeddedLog::DescribeGroup(std::string_view group) {
  SMARTCAR_RETURN_IF_ERROR(CatchUp());
  if (group.empty()) return Err(Status::InvalidArgument("consumer group name is empty"));
  GroupDescription d;
  d.group = std::string(group);
  std::map<uint32_t, std::string> names;
  std::map<uint32_t, std::vector<int64_t>> latest;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& [name, t] : topics_) {
      names[t.meta.id] = name;
      for (const PartState& ps : t.partitions) latest[t.meta.id].push_back(ps.next);
    }
    auto g = groups_.find(d.group);
    if (g != groups_.end()) {
      for (size_t i = 0; i < g->second.members.size(); ++i) {
        d.members.push_back(d.group + "-member-" + std::to_string(i + 1));
      }
    }
  }
  std::string prefix = CommitKey(group, 0, 0);
  prefix.resize(prefix.size() - 8);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const rocksdb::Slice k = it->key();
    if (k.size() != prefix.size() + 8 || it->value().size() < 8) continue;
    const uint32_t id = DecodeFixed32BE(k.data() + prefix.size());
    const auto p = static_cast<int32_t>(DecodeFixed32BE(k.data() + prefix.size() + 4));
    auto n = names.find(id);
    if (n == names.end() || p >= static_cast<int32_t>(latest[id].size())) continue;
    GroupPartitionLag lag;
    lag.tp = {n->second, PartitionId(p)};
    lag.committed = Offset(static_cast<int64_t>(DecodeFixed64BE(it->value().data())));
    lag.latest = Offset(latest[id][static_cast<size_t>(p)]);
    lag.lag = std::max<int64_t>(0, lag.latest.value - lag.committed.value);
    d.partitions.push_back(std::move(lag));
  }
  SMARTCAR_RETURN_IF_ERROR(FromRocks(it->status(), "reading group '" + d.group + "'"));
  std::sort(d.partitions.begin(), d.partitions.end(),
            [](const auto& a, const auto& b) { return a.tp < b.tp; });
  if (d.partitions.empty() && d.members.empty()) {
    return Err(Status::NotFound("consumer group '" + d.group + "' has no members and no commits"));
  }
  return d;
}

Result<RetentionResult> EmbeddedLog::EnforceRetention(const RetentionOptions& options) {
  if (options_.read_only) return Err(ReadOnlyError("enforcing retention"));
  const int64_t now = options.now_ms != 0 ? options.now_ms
                                          : std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count();
  struct Work {
    TopicState* topic;
    int32_t partition;
    uint32_t id;
    TopicConfig config;
    int64_t start, next;
  };
  std::vector<Work> work;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [name, t] : topics_) {
      if (t.meta.config.retention_ms < 0 && t.meta.config.retention_bytes < 0) continue;
      for (int32_t p = 0; p < t.meta.config.partitions; ++p) {
        const PartState& ps = t.partitions[static_cast<size_t>(p)];
        work.push_back({&t, p, t.meta.id, t.meta.config, ps.start, ps.next});
      }
    }
  }
  RetentionResult result;
  for (const Work& w : work) {
    // Batch boundaries (last offset, max timestamp, size) from the start of the partition.
    struct BatchInfo {
      int64_t last, max_ts;
      size_t bytes;
    };
    std::vector<BatchInfo> batches;
    int64_t total = 0;
    const std::string prefix = PartitionPrefix(w.id, w.partition);
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), RecordFamily(w.partition)));
    for (it->Seek(RecordKey(w.id, w.partition, w.start));
         it->Valid() && it->key().starts_with(prefix); it->Next()) {
      const int64_t last = static_cast<int64_t>(DecodeFixed64BE(it->key().data() + prefix.size()));
      if (last >= w.next) break;
      BatchHeader h;
      SMARTCAR_RETURN_IF_ERROR(
          DecodeBatchHeader(std::string_view(it->value().data(), it->value().size()), &h));
      batches.push_back({last, h.max_timestamp_ms, it->value().size()});
      total += static_cast<int64_t>(it->value().size());
    }
    SMARTCAR_RETURN_IF_ERROR(FromRocks(it->status(), "retention scan"));
    size_t drop = 0;  // Batches to delete, oldest first.
    if (w.config.retention_ms > 0) {
      while (drop < batches.size() && batches[drop].max_ts < now - w.config.retention_ms) ++drop;
    }
    if (w.config.retention_bytes > 0) {
      int64_t remaining = total;
      for (size_t i = 0; i < drop; ++i) remaining -= static_cast<int64_t>(batches[i].bytes);
      while (drop < batches.size() && remaining > w.config.retention_bytes) {
        remaining -= static_cast<int64_t>(batches[drop].bytes);
        ++drop;
      }
    }
    if (drop == 0) continue;
    const int64_t new_start = batches[drop - 1].last + 1;
    rocksdb::WriteBatch b;
    SMARTCAR_RETURN_IF_ERROR(
        FromRocks(b.DeleteRange(RecordFamily(w.partition), RecordKey(w.id, w.partition, 0),
                                RecordKey(w.id, w.partition, new_start)),
                  "retention"));
    std::string v;
    PutFixed64BE(&v, static_cast<uint64_t>(new_start));
    SMARTCAR_RETURN_IF_ERROR(FromRocks(b.Put(StartKey(w.id, w.partition), v), "retention"));
    SMARTCAR_RETURN_IF_ERROR(FromRocks(db_->Write(write_options(), &b), "retention"));
    result.records_deleted += new_start - w.start;
    std::lock_guard<std::mutex> l(mu_);
    // The topic may have been deleted meanwhile; only touch it if it is still the same one.
    for (auto& [name, t] : topics_) {
      if (&t == w.topic && t.meta.id == w.id) {
        t.partitions[static_cast<size_t>(w.partition)].start = new_start;
      }
    }
  }
  return result;
}

void EmbeddedLog::RetentionLoop() {
  std::unique_lock<std::mutex> l(mu_);
  while (!closing_) {
    closing_cv_.wait_for(l, std::chrono::milliseconds(options_.retention_check_interval_ms));
    if (closing_) break;
    l.unlock();
    auto r = EnforceRetention(RetentionOptions());
    (void)r;  // Retried at the next interval; readers never see a half-applied deletion.
    l.lock();
  }
}

}  // namespace smartcar::queue::embedded

namespace smartcar::queue {

Result<storage::RepairResult> RepairEmbeddedLog(const std::string& data_dir) {
  return embedded::RepairDb(data_dir);
}

}  // namespace smartcar::queue
