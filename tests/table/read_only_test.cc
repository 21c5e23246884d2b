// StoreOptions::read_only: a reader beside a live writer (how `smartcar sql` reads DriverCarInfo
// while `smartcar run` holds the table open).
#include <gtest/gtest.h>

#include <filesystem>

#include "table/table.h"
#include "table/table_test_util.h"

namespace smartcar::table {
namespace {

class ReadOnlyTest : public TableTestBase {
 protected:
  std::unique_ptr<TableStore> OpenReader() {
    auto s = TableStore::Open({.data_dir = dir_.str(), .read_only = true});
    EXPECT_TRUE(s.has_value()) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }
  static uint64_t CountRows(TableStore* store, const std::string& name) {
    auto t = store->OpenTable(name);
    EXPECT_TRUE(t.has_value()) << t.error().ToString();
    if (!t) return 0;
    auto n = (*t)->Count({});
    EXPECT_TRUE(n.has_value()) << n.error().ToString();
    return n ? *n : 0;
  }
};

TEST_F(ReadOnlyTest, ReaderSeesTheWritersRowsAsOfItsOpen) {
  Create("DriverCarInfo", {{"cf1"}});
  for (int i = 0; i < 100; ++i) PutCell("row" + std::to_string(1000 + i), "cf1", "speed", "80");
  // The writer still holds the table open (and its rows are only in the WAL and memtable).
  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(CountRows(reader.get(), "DriverCarInfo"), 100u);
  auto t = reader->OpenTable("DriverCarInfo");
  ASSERT_TRUE(t.has_value());
  auto got = (*t)->Get(GetSpec{.row = "row1042"});
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  ASSERT_EQ(got->cells.size(), 1u);
  EXPECT_EQ(got->cells[0].value, "80");

  for (int i = 100; i < 150; ++i) PutCell("row" + std::to_string(1000 + i), "cf1", "speed", "90");
  EXPECT_EQ(CountRows(reader.get(), "DriverCarInfo"), 100u) << "one point in time per open";
  auto later = OpenReader();
  ASSERT_NE(later, nullptr);
  EXPECT_EQ(CountRows(later.get(), "DriverCarInfo"), 150u);
}

TEST_F(ReadOnlyTest, WritesAndSchemaChangesAreRefused) {
  Create("t", {{"cf"}});
  PutCell("r1", "cf", "q", "v");
  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  auto t = reader->OpenTable("t");
  ASSERT_TRUE(t.has_value());
  Put p("r2");
  p.Add("cf", "q", "v");
  Status s = (*t)->Apply({}, p);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("read-only"), std::string::npos) << s.message();
  EXPECT_TRUE((*t)->Remove({}, Delete{"r1"}).IsInvalidArgument());
  EXPECT_TRUE(reader->CreateTable({"u", {{"cf"}}}).IsInvalidArgument());
  EXPECT_TRUE(reader->DisableTable("t").IsInvalidArgument());
  EXPECT_TRUE(reader->TruncateTable("t").IsInvalidArgument());
  // Nothing changed for the writer.
  EXPECT_EQ(ScanAll({}), "r1: cf:q=v");
}

TEST_F(ReadOnlyTest, MissingStoreOrTableIsNotFound) {
  smartcar::testing::TempDir empty;
  auto none = TableStore::Open({.data_dir = empty.str(), .read_only = true});
  ASSERT_FALSE(none.has_value());
  EXPECT_TRUE(none.error().IsNotFound()) << none.error().ToString();
  EXPECT_FALSE(std::filesystem::exists(empty.path() / "table")) << "a reader creates nothing";

  Create("t", {{"cf"}});
  auto reader = OpenReader();
  ASSERT_NE(reader, nullptr);
  auto t = reader->OpenTable("nope");
  ASSERT_FALSE(t.has_value());
  EXPECT_TRUE(t.error().IsNotFound());
}

}  // namespace
}  // namespace smartcar::table
