// BaseRocksOptions / BaseTableOptions: every store's table files keep their data, index and
// filter blocks in one block cache shared by the process, so the memory they take is bounded
// however much data the stores hold.
#include <gtest/gtest.h>
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <memory>
#include <string>

#include "storage/rocks_repair.h"
#include "test_util.h"

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

}  // namespace
}  // namespace smartcar::storage
