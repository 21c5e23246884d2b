// Behaviour specific to the embedded engine.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <rocksdb/write_batch.h>

#include "core/coding.h"
#include "queue/embedded/embedded_log_impl.h"
#include "queue_test_util.h"

namespace smartcar::queue {
namespace {

class EmbeddedLogTest : public testing::LogTestBase, public ::testing::Test {
 protected:
  EmbeddedLogTest() : LogTestBase(Engine::kEmbedded) {}
  void SetUp() override { StartEngine(); }
};

TEST_F(EmbeddedLogTest, DataDirThatIsAFileIsAClearError) {
  const std::string file = dir_.file("plain-file");
  smartcar::testing::WriteFile(file, "x");
  QueueOptions o;
  o.data_dir = file;
  auto log = OpenLog(o);
  ASSERT_FALSE(log.has_value());
  EXPECT_NE(log.error().message().find(file), std::string::npos) << log.error().ToString();
  o.data_dir = "";
  log = OpenLog(o);
  ASSERT_FALSE(log.has_value());
  EXPECT_TRUE(log.error().IsInvalidArgument());
}

TEST_F(EmbeddedLogTest, ConcurrentProducersShareGroupCommitsAndKeepOrder) {
  CreateTopic("t", 2);
  constexpr int kThreads = 4, kAppends = 50, kPerAppend = 20;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto producer = log_->NewProducer({});
      for (int a = 0; a < kAppends; ++a) {
        std::vector<Record> batch;
        for (int i = 0; i < kPerAppend; ++i) {
          batch.push_back(Rec("producer-" + std::to_string(t), std::to_string(a * kPerAppend + i)));
        }
        auto r = (*producer)->Append({"t"}, batch);
        EXPECT_TRUE(r.has_value());
      }
    });
  }
  for (auto& th : threads) th.join();
  auto c = NewConsumer("g");
  ASSERT_TRUE(c->Subscribe({{"t"}}).ok());
  auto got = Drain(c.get(), kThreads * kAppends * kPerAppend, 1000);
  ASSERT_EQ(got.size(), static_cast<size_t>(kThreads * kAppends * kPerAppend));
  std::map<std::string, int> last;
  for (const auto& r : got) {
    const int seq = std::stoi(r.value);
    if (last.count(r.key) != 0) {
      EXPECT_EQ(seq, last[r.key] + 1) << r.key;
    }
    last[r.key] = seq;
  }
}

TEST_F(EmbeddedLogTest, DeletedTopicStaysDeletedAndIdsAreNotReused) {
  CreateTopic("a", 1);
  Append("a", {Rec("", "from-first-a")});
  ASSERT_TRUE(log_->DeleteTopic("a").ok());
  EXPECT_TRUE(log_->DeleteTopic("a").IsNotFound());
  Reopen();
  CreateTopic("a", 1);
  auto d = log_->DescribeTopic("a");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->partitions[0].latest.value, 0);
  auto c = NewConsumer("");
  ASSERT_TRUE(c->Assign({{{"a", PartitionId(0)}}}).ok());
  auto r = c->Poll({10, 0});
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->empty());
}

// A producer's state (the collector's source position) is written with its records, survives a
// restart, is replaced by the next append that carries one, and goes with its topic.
// A read-only instance beside the process that holds the folder (a live `smartcar run`): it sees
// the writer's records as they come, and refuses every write with a clear error.
TEST_F(EmbeddedLogTest, ReadOnlyInstanceFollowsTheWriterAndRefusesWrites) {
  CreateTopic("t", 2);
  Append("t", {Rec("a", "1"), Rec("b", "2")});
  QueueOptions ro;
  ro.data_dir = options_.data_dir;
  ro.read_only = true;
  auto reader = OpenLog(ro);  // The writer (log_) still holds the folder's lock.
  ASSERT_TRUE(reader.has_value()) << reader.error().ToString();
  auto c = (*reader)->NewConsumer({"readers", OffsetReset::kEarliest});
  ASSERT_TRUE(c.has_value());
  ASSERT_TRUE((*c)->Assign({{{"t", PartitionId(0)}, {"t", PartitionId(1)}}}).ok());
  EXPECT_EQ(Drain(c->get(), 2).size(), 2u);
  Append("t", {Rec("c", "3")});  // Appended by the writer after the reader opened.
  auto later = Drain(c->get(), 1);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].value, "3");
  CreateTopic("u", 1);  // A topic created later is seen too.
  auto u = (*reader)->DescribeTopic("u");
  ASSERT_TRUE(u.has_value()) << u.error().ToString();
  EXPECT_EQ(u->partitions.size(), 1u);

  const Status create = (*reader)->CreateTopic({"v"});
  EXPECT_EQ(create.code(), Status::Code::kNotSupported) << create.ToString();
  EXPECT_NE(create.message().find("open read-only"), std::string::npos) << create.ToString();
  EXPECT_FALSE((*reader)->NewProducer({}).has_value());
  EXPECT_EQ((*c)->Commit({}).code(), Status::Code::kNotSupported);
  EXPECT_FALSE((*reader)->DeleteTopic("t").ok());
  EXPECT_FALSE((*reader)->EnforceRetention({}).has_value());
  // The writer still works, and nothing of the reader is left in the folder.
  Append("t", {Rec("d", "4")});
  c->reset();
  reader->reset();
  for (const auto& f : std::filesystem::directory_iterator(options_.data_dir)) {
    EXPECT_EQ(f.path().filename().string().find("secondary"), std::string::npos) << f.path();
  }
}

// A repair that drops a damaged batch leaves a gap of offsets: a consumer reads past it (what
// was before and after is there, in order), and new appends never reuse the dropped offsets.
TEST_F(EmbeddedLogTest, AfterARepairThatDroppedABatchConsumersReadPastTheGap) {
  CreateTopic("t", 1);
  constexpr int kBatches = 5, kPerBatch = 2000;
  for (int b = 0; b < kBatches; ++b) {
    std::vector<Record> batch;
    for (int i = 0; i < kPerBatch; ++i) {
      batch.push_back(Rec("k", std::to_string(b * kPerBatch + i) + std::string(90, 'v')));
    }
    Append("t", batch);
  }
  log_.reset();
  // The records are in the write-ahead log: damage its middle.
  std::string wal;
  for (const auto& f : std::filesystem::directory_iterator(options_.data_dir)) {
    if (f.path().extension() == ".log" && f.file_size() > 500000) wal = f.path().string();
  }
  ASSERT_FALSE(wal.empty());
  {
    std::fstream f(wal, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(wal) / 2));
    for (int i = 0; i < 64; ++i) f.put(static_cast<char>(0xA5 ^ i));
  }
  auto repaired = RepairEmbeddedLog(options_.data_dir);
  ASSERT_TRUE(repaired.has_value()) << repaired.error().ToString();
  Reopen();
  auto c = NewConsumer("");
  ASSERT_TRUE(c->Assign({{{"t", PartitionId(0)}}}).ok());
  std::vector<ConsumedRecord> got;
  for (int empty = 0; empty < 3;) {
    auto r = c->Poll({1000, 200});
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    empty = r->empty() ? empty + 1 : 0;
    for (auto& rec : *r) got.push_back(std::move(rec));
  }
  // Whole batches were dropped (at least one: the damage was real), the rest kept.
  ASSERT_LT(got.size(), static_cast<size_t>(kBatches * kPerBatch));
  ASSERT_GE(got.size(), static_cast<size_t>(kPerBatch));
  EXPECT_EQ(got.size() % kPerBatch, 0u);
  for (size_t i = 0; i < got.size(); ++i) {
    // Each record's value still names its original offset; offsets only go up.
    EXPECT_EQ(std::to_string(got[i].offset.value), got[i].value.substr(0, got[i].value.find('v')));
    if (i > 0) {
      EXPECT_GT(got[i].offset.value, got[i - 1].offset.value);
    }
  }
  EXPECT_EQ(got.back().offset.value, kBatches * kPerBatch - 1);  // The last batch is there.
  auto next = Append("t", {Rec("k", "after")});
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].offset.value, kBatches * kPerBatch);
}

TEST_F(EmbeddedLogTest, ProducerStateIsStoredWithTheRecords) {
  CreateTopic("t", 2);
  auto producer = log_->NewProducer({});
  ASSERT_TRUE(producer.has_value());
  auto none = log_->ReadProducerState("t", "collect:a.s");
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());
  AppendOptions o;
  o.topic = "t";
  o.state_key = "collect:a.s";
  o.state_value = "pos=10";
  const std::vector<Record> records = {Rec("k1", "v1"), Rec("k2", "v2")};
  ASSERT_TRUE((*producer)->Append(o, records).has_value());
  o.state_value = "pos=20";
  ASSERT_TRUE((*producer)->Append(o, records).has_value());
  ASSERT_TRUE((*producer)->Append({"t"}, records).has_value());  // No state: kept as it was.
  Reopen();
  auto got = log_->ReadProducerState("t", "collect:a.s");
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, "pos=20");
  EXPECT_TRUE(log_->ReadProducerState("nope", "x").error().IsNotFound());
  ASSERT_TRUE(log_->DeleteTopic("t").ok());
  CreateTopic("t", 1);
  auto gone = log_->ReadProducerState("t", "collect:a.s");
  ASSERT_TRUE(gone.has_value());
  EXPECT_FALSE(gone->has_value());
}

TEST_F(EmbeddedLogTest, RetentionBySizeKeepsTheNewestBatches) {
  TopicConfig config;
  config.retention_ms = -1;
  config.retention_bytes = 2000;
  CreateTopic("t", 1, config);
  for (int i = 0; i < 10; ++i) {
    Append("t", {Rec("", std::string(500, static_cast<char>('a' + i)))});
  }
  auto r = log_->EnforceRetention({});
  ASSERT_TRUE(r.has_value());
  EXPECT_GE(r->records_deleted, 6);
  auto d = log_->DescribeTopic("t");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->partitions[0].earliest.value, r->records_deleted);
  auto c = NewConsumer("g");
  ASSERT_TRUE(c->Subscribe({{"t"}}).ok());
  auto got = Drain(c.get(), static_cast<size_t>(10 - r->records_deleted));
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.back().value, std::string(500, 'j'));
}

// The log's RocksDB database opened directly, with every column family it has.
struct RawLogDb {
  explicit RawLogDb(const std::string& dir, rocksdb::Options o = embedded::LogOptions()) {
    std::vector<std::string> names;
    if (!rocksdb::DB::ListColumnFamilies(o, dir, &names).ok()) names = {"default"};
    std::vector<rocksdb::ColumnFamilyDescriptor> d;
    for (const auto& n : names) d.emplace_back(n, o);
    o.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    status = rocksdb::DB::Open(o, dir, d, &handles, &raw);
    db.reset(raw);
  }
  ~RawLogDb() {
    for (auto* h : handles) (void)db->DestroyColumnFamilyHandle(h);
  }
  rocksdb::ColumnFamilyHandle* Family(const std::string& name) const {
    for (auto* h : handles) {
      if (h->GetName() == name) return h;
    }
    return nullptr;
  }
  rocksdb::Status status;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
};

// A partition's batches are kept in the column family of its number, and compactions cut their
// output where the partition changes: no file of the database holds two partitions' batches.
TEST_F(EmbeddedLogTest, NoFileHoldsTwoPartitions) {
  CreateTopic("t", embedded::kRecordFamilies + 1);  // Its partitions 0 and 8 share a family.
  CreateTopic("u", 2);
  const int t_partitions = embedded::kRecordFamilies + 1;
  for (int round = 0; round < 3; ++round) {
    for (int p = 0; p < t_partitions; ++p) {
      Record r = Rec("", std::string(2000, static_cast<char>('a' + p)));
      r.partition = PartitionId{p};
      Append("t", {r, r});
    }
    for (int p = 0; p < 2; ++p) {
      Record r = Rec("", "u-record");
      r.partition = PartitionId{p};
      Append("u", {r});
    }
  }
  log_.reset();
  {
    RawLogDb raw(options_.data_dir);
    ASSERT_TRUE(raw.status.ok()) << raw.status.ToString();
    ASSERT_EQ(raw.handles.size(), static_cast<size_t>(embedded::kRecordFamilies) + 1);
    for (auto* h : raw.handles) {
      ASSERT_TRUE(raw.db->CompactRange(rocksdb::CompactRangeOptions(), h, nullptr, nullptr).ok());
    }
    std::vector<rocksdb::LiveFileMetaData> files;
    raw.db->GetLiveFilesMetaData(&files);
    std::map<std::string, int> record_files;  // By column family.
    for (const auto& f : files) {
      const std::string record_tag(1, embedded::kRecordTag);
      if (f.largestkey < record_tag || f.smallestkey.substr(0, 1) > record_tag) continue;
      ++record_files[f.column_family_name];  // A file whose range holds record batches.
      EXPECT_EQ(f.smallestkey.substr(0, embedded::kPartitionPrefixLength),
                f.largestkey.substr(0, embedded::kPartitionPrefixLength))
          << f.name;
      const auto partition = static_cast<int32_t>(
          DecodeFixed32BE(f.smallestkey.data() + embedded::kPartitionPrefixLength - 4));
      EXPECT_EQ(f.column_family_name, embedded::RecordFamilyName(partition)) << f.name;
    }
    // One file per partition: nothing else cuts files this small.
    EXPECT_EQ(record_files["records-0"], 3);  // t/0, t/8, u/0
    EXPECT_EQ(record_files["records-1"], 2);  // t/1, u/1
    EXPECT_EQ(record_files["records-2"], 1);
    EXPECT_EQ(record_files.count("default"), 0u);
  }
  Reopen();
  auto c = NewConsumer("g");
  ASSERT_TRUE(c->Subscribe({{"t", "u"}}).ok());
  EXPECT_EQ(Drain(c.get(), 6 * t_partitions + 6).size(), static_cast<size_t>(6 * t_partitions + 6));
}

// What the column families are for: a flush writes one file per family, so a partition's newer
// batches never land in a file overlapping its older ones and compactions move them down the
// levels untouched (with one family for all partitions each flush spanned every partition).
TEST_F(EmbeddedLogTest, APartitionsFlushesHoldItAloneAndDoNotOverlap) {
  CreateTopic("t", 2);
  int64_t next[2] = {0, 0};
  for (int flush = 0; flush < 3; ++flush) {
    for (int p = 0; p < 2; ++p) {
      std::vector<Record> batch;
      for (int i = 0; i < 50; ++i) {
        Record r = Rec("", std::to_string(next[p]++) + ":" + std::string(500, 'x'));
        r.partition = PartitionId{p};
        batch.push_back(std::move(r));
      }
      Append("t", batch);
    }
    Reopen();  // Reopening flushes what the WAL holds: one file per family.
  }
  log_.reset();
  {
    rocksdb::Options o = embedded::LogOptions();
    o.disable_auto_compactions = true;
    RawLogDb raw(options_.data_dir, o);
    ASSERT_TRUE(raw.status.ok()) << raw.status.ToString();
    std::vector<rocksdb::LiveFileMetaData> files;
    raw.db->GetLiveFilesMetaData(&files);
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> ranges;
    for (const auto& f : files) {
      if (f.column_family_name == "default" ||
          f.largestkey < std::string(1, embedded::kRecordTag)) {
        continue;  // Not a file of batches (the family's mark, FamilyMarkKey).
      }
      EXPECT_EQ(f.smallestkey.substr(0, embedded::kPartitionPrefixLength),
                f.largestkey.substr(0, embedded::kPartitionPrefixLength))
          << f.name << " holds two partitions";
      ranges[f.column_family_name].emplace_back(f.smallestkey, f.largestkey);
    }
    for (int p = 0; p < 2; ++p) {
      auto& r = ranges[embedded::RecordFamilyName(p)];
      EXPECT_EQ(r.size(), 3u) << p;
      std::sort(r.begin(), r.end());
      for (size_t i = 1; i < r.size(); ++i) EXPECT_LT(r[i - 1].second, r[i].first) << p;
    }
  }
  Reopen();
  auto c = NewConsumer("g");
  ASSERT_TRUE(c->Subscribe({{"t"}}).ok());
  auto got = Drain(c.get(), 300);
  ASSERT_EQ(got.size(), 300u);
  std::map<int32_t, int64_t> seen;
  for (const auto& r : got) {
    EXPECT_EQ(r.value.substr(0, r.value.find(':')), std::to_string(seen[r.partition.value]++));
  }
}

// A folder written before the record families kept every batch in the default family: a writer
// moves them to their families when it opens the folder, and nothing is lost or repeated.
TEST_F(EmbeddedLogTest, BatchesOfTheDefaultFamilyAreMovedToTheirFamilyOnOpen) {
  log_.reset();
  const std::string dir = options_.data_dir + "-old";
  {
    rocksdb::Options o = embedded::LogOptions();
    o.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, dir, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::WriteBatch b;
    embedded::TopicMeta meta;
    meta.id = 1;
    meta.config.partitions = 3;
    b.Put(embedded::TopicKey("old"), embedded::EncodeTopicMeta(meta));
    std::string id;
    PutFixed64BE(&id, 2);
    b.Put(std::string(1, embedded::kNextIdTag), id);
    for (int32_t p = 0; p < 3; ++p) {
      for (int64_t base = 0; base < 6; base += 3) {
        std::vector<Record> recs;
        for (int i = 0; i < 3; ++i) {
          recs.push_back(Rec("", std::to_string(p) + ":" + std::to_string(base + i)));
          recs.back().timestamp_ms = 1000;
        }
        std::vector<const Record*> ptrs;
        for (const auto& r : recs) ptrs.push_back(&r);
        std::string value;
        embedded::EncodeBatch(base, ptrs, &value);
        b.Put(embedded::RecordKey(1, p, base + 2), value);
      }
    }
    ASSERT_TRUE(db->Write(rocksdb::WriteOptions(), &b).ok());
  }
  options_.data_dir = dir;
  Reopen();
  auto d = log_->DescribeTopic("old");
  ASSERT_TRUE(d.has_value()) << d.error().ToString();
  for (const auto& p : d->partitions) EXPECT_EQ(p.latest.value, 6);
  auto c = NewConsumer("g");
  ASSERT_TRUE(c->Subscribe({{"old"}}).ok());
  auto got = Drain(c.get(), 18);
  ASSERT_EQ(got.size(), 18u);
  std::set<std::string> values;
  for (const auto& r : got) {
    values.insert(r.value);
    EXPECT_EQ(r.value, std::to_string(r.partition.value) + ":" + std::to_string(r.offset.value));
  }
  EXPECT_EQ(values.size(), 18u);
  Append("old", {Rec("", "new")});
  c.reset();
  log_.reset();
  RawLogDb raw(dir);
  ASSERT_TRUE(raw.status.ok()) << raw.status.ToString();
  std::unique_ptr<rocksdb::Iterator> it(raw.db->NewIterator(rocksdb::ReadOptions()));
  it->Seek(std::string(1, embedded::kRecordTag));
  EXPECT_TRUE(!it->Valid() || it->key()[0] != embedded::kRecordTag) << "left in the default family";
  for (int32_t p = 0; p < 3; ++p) {
    std::unique_ptr<rocksdb::Iterator> f(
        raw.db->NewIterator(rocksdb::ReadOptions(), raw.Family(embedded::RecordFamilyName(p))));
    int batches = 0;
    for (f->Seek(embedded::PartitionPrefix(1, p));
         f->Valid() && f->key().starts_with(embedded::PartitionPrefix(1, p)); f->Next()) {
      ++batches;
    }
    EXPECT_GE(batches, 2) << p;
  }
}

TEST_F(EmbeddedLogTest, CommitAfterHandOffIsAborted) {
  CreateTopic("t", 1);
  auto a = NewConsumer("g");
  ASSERT_TRUE(a->Subscribe({{"t"}}).ok());
  ASSERT_TRUE(a->Poll({1, 0}).has_value());
  ASSERT_EQ(a->Assignment().size(), 1u);
  auto b = NewConsumer("g");
  ASSERT_TRUE(b->Subscribe({{"t"}}).ok());  // Range assignment: t/0 goes to the first member.
  ASSERT_TRUE(a->Close().ok());
  ASSERT_TRUE(b->Poll({1, 0}).has_value());
  ASSERT_EQ(b->Assignment().size(), 1u);
  // An explicit commit for a partition b does not hold (a's old one) is refused.
  auto c = NewConsumer("g");
  ASSERT_TRUE(c->Subscribe({{"t"}}).ok());
  Status s = c->Commit({{{{"t", PartitionId(0)}, Offset(1)}}});
  EXPECT_EQ(s.code(), Status::Code::kAborted) << s.ToString();
}

}  // namespace
}  // namespace smartcar::queue
