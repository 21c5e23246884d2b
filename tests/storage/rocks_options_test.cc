// BaseRocksOptions / BaseTableOptions: every store's table files keep their data, index and
// filter blocks in one block cache shared by the process, so the memory they take is bounded
// however much data the stores hold.
#include <gtest/gtest.h>
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "small_tmpfs.h"
#include "storage/rocks_repair.h"
#include "test_util.h"
#include "wait_until.h"

namespace smartcar::storage {
namespace {

std::unique_ptr<rocksdb::DB> OpenDb(const std::string& path, bool with_filter) {
  rocksdb::Options o = BaseRocksOptions("test");
  o.create_if_missing = true;
  if (with_filter) {
    rocksdb::BlockBasedTableOptions t = BaseTableOptions();
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  }
  rocksdb::DB* db = nullptr;
  EXPECT_TRUE(rocksdb::DB::Open(o, path, &db).ok());
  return std::unique_ptr<rocksdb::DB>(db);
}

TEST(RocksOptionsTest, EveryStoreSharesOneBoundedBlockCache) {
  const auto a = BaseTableOptions();
  const auto b = BaseTableOptions();
  ASSERT_NE(a.block_cache, nullptr);
  EXPECT_EQ(a.block_cache.get(), b.block_cache.get());
  EXPECT_EQ(a.block_cache->GetCapacity(), kBlockCacheBytes);
  EXPECT_TRUE(a.cache_index_and_filter_blocks);
}

TEST(RocksOptionsTest, TwoDatabasesChargeTheirBlocksToTheOneCache) {
  smartcar::testing::TempDir dir;
  auto cache = BaseTableOptions().block_cache;
  auto one = OpenDb((dir.path() / "one").string(), true);
  auto two = OpenDb((dir.path() / "two").string(), false);
  ASSERT_NE(one, nullptr);
  ASSERT_NE(two, nullptr);
  for (int i = 0; i < 20000; ++i) {
    const std::string k = "row" + std::to_string(i);
    ASSERT_TRUE(one->Put({}, k, std::string(100, 'v')).ok());
    ASSERT_TRUE(two->Put({}, k, std::string(100, 'w')).ok());
  }
  ASSERT_TRUE(one->Flush({}).ok());
  ASSERT_TRUE(two->Flush({}).ok());
  // Their index, filter and data blocks are all charged to the one cache.
  const size_t before = cache->GetUsage();
  std::string v;
  ASSERT_TRUE(one->Get({}, "row123", &v).ok());
  EXPECT_EQ(v, std::string(100, 'v'));
  const size_t after_one = cache->GetUsage();
  EXPECT_GT(after_one, before);
  ASSERT_TRUE(two->Get({}, "row123", &v).ok());
  EXPECT_EQ(v, std::string(100, 'w'));
  EXPECT_GT(cache->GetUsage(), after_one);
  EXPECT_LE(cache->GetUsage(), kBlockCacheBytes);
}

// Direct I/O for flushes and compactions where the file system takes it (ext4 here, and tmpfs
// since Linux 6.6; older tmpfs and some FUSE file systems refuse O_DIRECT, and a RocksDB told to
// use it there fails every flush). The probe leaves nothing behind, a store using its answer
// flushes and reads back, and a folder it cannot create is a "no".
TEST(RocksOptionsTest, DirectIoWhereTheFileSystemTakesIt) {
  smartcar::testing::TempDir tmp;
  const std::string dir = tmp.str() + "/db";
  const bool direct = DirectIoSupported(dir);
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  rocksdb::Options o = BaseRocksOptions("test");
  o.create_if_missing = true;
  o.use_direct_io_for_flush_and_compaction = direct;
  for (int open = 0; open < 2; ++open) {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, dir, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    if (open == 0) {
      ASSERT_TRUE(db->Put({}, "k", std::string(10000, 'v')).ok());
      ASSERT_TRUE(db->Flush({}).ok());
      ASSERT_TRUE(db->CompactRange({}, nullptr, nullptr).ok());
    }
    std::string v;
    ASSERT_TRUE(db->Get({}, "k", &v).ok());
    EXPECT_EQ(v, std::string(10000, 'v'));
  }
  const std::string file = tmp.str() + "/a-file";
  { std::ofstream(file) << "x"; }
  EXPECT_FALSE(DirectIoSupported(file + "/db"));
}

// A full disk inside a background job (a flush here; a compaction alike, and universal
// compaction's full merges need as much free space as the table holds) stops a RocksDB's writes.
// With BaseRocksOptions the store resumes by itself once space is free again (RocksDB's
// SstFileManager, made by default, retries every few seconds), as the pipeline's intake does: a
// full disk is a pause, never the end, and nothing written before is lost. Needs root to mount
// a small tmpfs (skipped, saying so, otherwise).
TEST(RocksOptionsTest, AfterTheDiskFilledUpWritesResumeOnceSpaceIsFree) {
  smartcar::testing::SmallTmpfs disk("24m");
  if (!disk.mounted()) GTEST_SKIP() << disk.why();
  ASSERT_TRUE(disk.Fill(16 << 20));
  const std::string mnt = disk.path();
  rocksdb::Options o = BaseRocksOptions("test");
  o.create_if_missing = true;
  o.write_buffer_size = 1 << 20;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(o, mnt + "/db", &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string value(64 << 10, '\0');  // Incompressible: the files take what is written.
  std::mt19937_64 random(7);
  for (char& c : value) c = static_cast<char>(random());
  // Without the WAL the disk fills up inside a flush (a background job), like a compaction.
  rocksdb::WriteOptions no_wal;
  no_wal.disableWAL = true;
  int written = 0;
  rocksdb::Status failed;
  for (; written < 1000; ++written) {
    failed = db->Put(no_wal, "k" + std::to_string(written), value);
    if (!failed.ok()) break;
  }
  ASSERT_FALSE(failed.ok()) << "the disk never filled up";
  disk.Unfill();
  rocksdb::Status s;
  ::smartcar::testing::WaitUntil([&] { return (s = db->Put(no_wal, "after", "1")).ok(); },
                                 std::chrono::seconds(60), std::chrono::milliseconds(100));
  ASSERT_TRUE(s.ok()) << "writes did not resume: " << s.ToString() << " (failed with "
                      << failed.ToString() << ")";
  std::string v;
  for (int i = 0; i < written; ++i) {
    ASSERT_TRUE(db->Get({}, "k" + std::to_string(i), &v).ok()) << i;
    EXPECT_EQ(v.size(), value.size());
  }
}

}  // namespace
}  // namespace smartcar::storage
