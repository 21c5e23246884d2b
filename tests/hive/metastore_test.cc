#include "hive/metastore.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace smartcar::hive {
namespace {

TEST(HiveMetastoreTest, TablesRoundTripAndAreFoundInAnyCase) {
  smartcar::testing::TempDir dir;
  Metastore ms(dir.str());
  StoredTable t;
  t.def.name = "SmartCar_Master";
  t.def.external = true;
  t.def.columns = {{"car_number", "string"}, {"age", "int"}};
  t.def.partition_columns = {{"biz_date", "string"}};
  t.def.field_delimiter = "|";
  t.def.location = "/pilot-pjt/collect/car-master";
  t.partitions = {{{"20220427"}, ""}, {{"20220426"}, "/elsewhere"}};
  ASSERT_TRUE(ms.Put(t).ok());
  auto found = ms.Find("smartcar_MASTER");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->def.name, "SmartCar_Master");
  EXPECT_EQ((*found)->def.columns[1].type, "int");
  EXPECT_EQ((*found)->def.field_delimiter, "|");
  ASSERT_EQ((*found)->partitions.size(), 2u);
  EXPECT_EQ((*found)->partitions[0].values[0], "20220426");  // Sorted.
  EXPECT_EQ((*found)->partitions[0].location, "/elsewhere");
  auto all = ms.Tables();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 1u);
  ASSERT_TRUE(ms.Remove("SMARTCAR_master").ok());
  auto gone = ms.Find("SmartCar_Master");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST(HiveMetastoreTest, HivePathsResolveInTheDataFoldersHdfs) {
  Metastore ms("/data");
  EXPECT_EQ(ms.Resolve("/pilot-pjt/collect/car-batch-log/"),
            "/data/hdfs/pilot-pjt/collect/car-batch-log");
  EXPECT_EQ(ms.Resolve("hdfs://server01.hadoop.com:8020/pilot-pjt/x"), "/data/hdfs/pilot-pjt/x");
  EXPECT_EQ(ms.Resolve("file:///tmp/x"), "/tmp/x");
  TableDef managed;
  managed.name = "Managed_SmartCar_Status_Info";
  EXPECT_EQ(ms.TableFolder(managed), "/data/hdfs/user/hive/warehouse/managed_smartcar_status_info");
  StoredTable t;
  t.def = managed;
  t.def.partition_columns = {{"biz_date", "string"}, {"region", "string"}};
  EXPECT_EQ(ms.PartitionFolder(t, {{"20220426", "a/b:c"}, ""}),
            "/data/hdfs/user/hive/warehouse/managed_smartcar_status_info/biz_date=20220426/"
            "region=a%2Fb%3Ac");
  std::string value;
  EXPECT_TRUE(Metastore::ParsePartitionFolder("region=a%2Fb%3Ac", "REGION", &value));
  EXPECT_EQ(value, "a/b:c");
  EXPECT_FALSE(Metastore::ParsePartitionFolder("other=1", "region", &value));
}

TEST(HiveMetastoreTest, ADamagedFileIsAnErrorNamingIt) {
  smartcar::testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "warehouse" / "_metastore");
  smartcar::testing::WriteFile(dir.file("warehouse/_metastore/t.json"), "{\"name\": ");
  Metastore ms(dir.str());
  auto all = ms.Tables();
  ASSERT_FALSE(all);
  EXPECT_NE(all.error().message().find("t.json"), std::string::npos);
  EXPECT_NE(all.error().message().find("damaged"), std::string::npos);
}

}  // namespace
}  // namespace smartcar::hive
