#include "hive/statement.h"

#include <gtest/gtest.h>

#include "hive/script.h"

#include "test_util.h"

namespace smartcar::hive {
namespace {

// The last statement of a pilot file, as `hive -f` splits it.
std::string Pilot(const std::string& figure) {
  const std::string text =
      smartcar::testing::ReadFile(std::string(SMARTCAR_PILOT_HQL) + "/figure-" + figure + ".hql");
  auto statements = SplitStatements(text);
  if (!statements || statements->empty()) return "";
  return statements->back().text;
}

TEST(HiveStatementTest, ThePilotsStatusTableParsesAsWritten) {
  const std::string text = Pilot("6.44");
  ASSERT_FALSE(text.empty());
  auto st = ParseStatement(text);
  ASSERT_TRUE(st) << st.error().message();
  const auto& c = std::get<CreateTableStmt>(*st);
  EXPECT_TRUE(c.table.external);
  EXPECT_TRUE(c.if_not_exists);
  EXPECT_EQ(c.table.name, "SmartCar_Status_Info");
  ASSERT_EQ(c.table.columns.size(), 13u);
  EXPECT_EQ(c.table.columns[0].name, "reg_date");
  EXPECT_EQ(c.table.columns[11].name, "break");
  EXPECT_EQ(c.table.columns[12].type, "string");
  ASSERT_EQ(c.table.partition_columns.size(), 1u);
  EXPECT_EQ(c.table.partition_columns[0].name, "wrk_date");
  EXPECT_EQ(c.table.field_delimiter, ",");
  EXPECT_EQ(c.table.format, StorageFormat::kText);
  EXPECT_EQ(c.table.location, "/pilot-pjt/collect/car-batch-log/");
}

TEST(HiveStatementTest, ThePilotsHBaseTableMapsTheRowKeyFirst) {
  auto st = ParseStatement(Pilot("6.51"));
  ASSERT_TRUE(st) << st.error().message();
  const auto& c = std::get<CreateTableStmt>(*st);
  EXPECT_EQ(c.table.format, StorageFormat::kHBase);
  EXPECT_EQ(c.table.hbase_table, "DriverCarInfo");
  ASSERT_EQ(c.table.hbase_mapping.size(), 9u);
  EXPECT_EQ(c.table.hbase_mapping[0], ":key");
  EXPECT_EQ(c.table.hbase_mapping[1], "cf1:date");
  EXPECT_EQ(c.table.hbase_mapping[8], "cf1:area_number");
}

TEST(HiveStatementTest, PartitionsInsertsAndDirectories) {
  auto add = ParseStatement(
      "ALTER TABLE SmartCar_Status_Info ADD IF NOT EXISTS PARTITION(wrk_date='20220426') "
      "LOCATION '/x/y' PARTITION (wrk_date=20220427)");
  ASSERT_TRUE(add) << add.error().message();
  const auto& a = std::get<AlterPartitionsStmt>(*add);
  EXPECT_TRUE(a.add);
  EXPECT_TRUE(a.if_clause);
  ASSERT_EQ(a.specs.size(), 2u);
  EXPECT_EQ(a.specs[1][0].second, "20220427");
  EXPECT_EQ(a.locations[0], "/x/y");

  auto ins = ParseStatement(Pilot("6.71"));
  ASSERT_TRUE(ins) << ins.error().message();
  const auto& i = std::get<InsertStmt>(*ins);
  EXPECT_TRUE(i.overwrite);
  EXPECT_EQ(i.target, "Managed_SmartCar_Status_Info");
  ASSERT_EQ(i.partition.size(), 1u);
  EXPECT_FALSE(i.partition[0].second.has_value());
  // The query keeps its place in the statement: what comes before it is blanked.
  EXPECT_EQ(i.select.size(), Pilot("6.71").size());
  EXPECT_EQ(i.select.find_first_not_of(" \n"), i.select_offset);
  EXPECT_EQ(i.select.compare(i.select_offset, 6, "select"), 0);

  auto dir = ParseStatement(Pilot("6.115"));
  ASSERT_TRUE(dir) << dir.error().message();
  const auto& d = std::get<InsertStmt>(*dir);
  EXPECT_TRUE(d.directory);
  EXPECT_TRUE(d.local);
  EXPECT_EQ(d.target, "/home/pilot-pjt/item-buy-list");
  EXPECT_EQ(d.field_delimiter, ",");
}

TEST(HiveStatementTest, UnsupportedHiveQLNamesTheConstructAndThePosition) {
  struct Case {
    std::string text;
    std::string want;
  };
  const Case cases[] = {
      {"create table t (a int)\npartitioned by (d string)\n  clustered by (a) into 4 buckets",
       "line 3:3 not supported: CLUSTERED BY"},
      {"create table t (a int) stored as orc", "line 1:34 not supported: STORED AS ORC"},
      {"create table t (a array<int>)", "line 1:19 not supported: complex type ARRAY"},
      {"create table other.t (a int)", "line 1:14 not supported: database 'other'"},
      {"grant select on t to u", "line 1:1 not supported: GRANT statements"},
      {"insert into t values (1)", "line 1:15 not supported: INSERT … VALUES"},
  };
  for (const Case& c : cases) {
    auto st = ParseStatement(c.text);
    ASSERT_FALSE(st) << c.text;
    EXPECT_EQ(st.error().code(), Status::Code::kNotSupported) << c.text;
    EXPECT_NE(st.error().message().find(c.want), std::string::npos)
        << c.text << "\n  got: " << st.error().message();
  }
}

TEST(HiveStatementTest, SyntaxErrorsSayWhatWasExpected) {
  auto st = ParseStatement("create table t (a int,", 7);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message().find("line 7:23 expected a column name, found the end"),
            std::string::npos)
      << st.error().message();
  auto dup = ParseStatement("create table t (a int, A string)");
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message().find("declared twice"), std::string::npos);
  auto set = ParseStatement("set hive.exec.dynamic.partition.mode = nonstrict ");
  ASSERT_TRUE(set);
  EXPECT_EQ(std::get<SetStmt>(*set).key, "hive.exec.dynamic.partition.mode");
  EXPECT_EQ(std::get<SetStmt>(*set).value, "nonstrict");
}

TEST(HiveStatementTest, EveryPilotStatementParses) {
  for (const char* f : {"6.44",  "6.45",  "6.46",  "6.48",  "6.51",  "6.58",  "6.60",  "6.69",
                        "6.70",  "6.71",  "6.97",  "6.98",  "6.99",  "6.100", "6.102", "6.103",
                        "6.105", "6.110", "6.111", "6.113", "6.114", "6.115"}) {
    auto st = ParseStatement(Pilot(f));
    EXPECT_TRUE(st) << f << ": " << st.error().message();
  }
}

}  // namespace
}  // namespace smartcar::hive
