// The data model through table.h: lifecycle, versions, TTL, partial-row updates, deletes,
// scans, regions, reopening.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <memory>
#include <thread>

#include "table/rocks/rocks_plugins.h"
#include "table/table.h"
#include "table/table_test_util.h"

namespace smartcar::table {
namespace {

class TableTest : public TableTestBase {
 protected:
  // Closes the store and opens table `name`'s RocksDB itself with `o` plus the table's merge
  // operator and prefix extractor, so that merges resolve as the table's own would.
  void OpenRaw(const std::string& name, rocksdb::Options o, std::unique_ptr<rocksdb::DB>* db) {
    table_.reset();
    store_.reset();
    o.merge_operator = rocks::NewConcatMergeOperator();
    o.prefix_extractor = rocks::NewRowPrefixTransform();
    rocksdb::DB* raw = nullptr;
    const std::string path = (dir_.path() / "table" / name / "db").string();
    const rocksdb::Status opened = rocksdb::DB::Open(o, path, &raw);
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    db->reset(raw);
  }
};

TEST_F(TableTest, CreateListDescribeDisableEnableDrop) {
  Create("t1", {{.name = "cf"}});
  ASSERT_TRUE(store_->CreateTable({"a_table", {{.name = "x", .max_versions = 3}}, {}}).ok());
  EXPECT_EQ(*store_->ListTables(), (std::vector<std::string>{"a_table", "t1"}));
  EXPECT_TRUE(store_->Exists("t1"));
  EXPECT_FALSE(store_->Exists("nope"));

  Status again = store_->CreateTable({"t1", {{.name = "cf"}}, {}});
  EXPECT_EQ(again.message(), "Table already exists: t1!");

  Status drop_enabled = store_->DropTable("t1");
  EXPECT_TRUE(drop_enabled.IsInvalidArgument());
  EXPECT_EQ(drop_enabled.message(), "Table t1 is enabled. Disable it first.");

  ASSERT_TRUE(store_->DisableTable("t1").ok());
  EXPECT_EQ(store_->DisableTable("t1").message(), "Table t1 is disabled.");
  auto d = store_->Describe("t1");
  ASSERT_TRUE(d.has_value());
  EXPECT_FALSE(d->enabled);
  EXPECT_EQ(store_->OpenTable("t1").error().message(), "Table t1 is disabled.");
  // The old handle now fails instead of touching a closed engine.
  Put p("r");
  p.Add("cf", "q", "v");
  EXPECT_EQ(table_->Apply({}, p).code(), Status::Code::kAborted);

  ASSERT_TRUE(store_->EnableTable("t1").ok());
  EXPECT_EQ(store_->EnableTable("t1").message(), "Table t1 is enabled.");
  ASSERT_TRUE(store_->DisableTable("t1").ok());
  ASSERT_TRUE(store_->DropTable("t1").ok());
  EXPECT_FALSE(store_->Exists("t1"));
  EXPECT_TRUE(store_->DropTable("t1").IsNotFound());
  EXPECT_EQ(store_->Describe("zz").error().message(), "Unknown table zz!");
}

TEST_F(TableTest, RejectsBadDescriptors) {
  EXPECT_TRUE(store_->CreateTable({"", {{.name = "cf"}}, {}}).IsInvalidArgument());
  EXPECT_TRUE(store_->CreateTable({"a/b", {{.name = "cf"}}, {}}).IsInvalidArgument());
  EXPECT_TRUE(store_->CreateTable({"t", {}, {}}).IsInvalidArgument());
  EXPECT_TRUE(store_->CreateTable({"t", {{.name = "a:b"}}, {}}).IsInvalidArgument());
  EXPECT_TRUE(store_->CreateTable({"t", {{.name = "c"}, {.name = "c"}}, {}}).IsInvalidArgument());
  EXPECT_TRUE(
      store_->CreateTable({"t", {{.name = "c", .max_versions = 0}}, {}}).IsInvalidArgument());
  EXPECT_TRUE(store_->CreateTable({"t", {{.name = "c"}}, {"b", "a"}}).IsInvalidArgument());
}

TEST_F(TableTest, PutGetAndPartialRowUpdateKeepsOtherColumns) {
  Create("t", {{.name = "cf1"}});
  Put p("row1");
  p.Add("cf1", "speed", "81", 100)
      .Add("cf1", "area_number", "F06", 100)
      .Add("cf1", "car", "O1", 100);
  ASSERT_TRUE(table_->Apply({}, p).ok());
  // Modify one column: the others stay (requirement 2 of the pilot).
  PutCell("row1", "cf1", "speed", "60", 200);
  auto r = table_->Get({.row = "row1"});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(Show(*r, true), "row1: cf1:area_number=F06@100 cf1:car=O1@100 cf1:speed=60@200");
  EXPECT_TRUE(table_->Get({.row = "nope"})->empty());

  GetSpec one{.row = "row1", .columns = {ColumnRef::Parse("cf1:car")}};
  EXPECT_EQ(Show(*table_->Get(one)), "row1: cf1:car=O1");
  GetSpec bad{.row = "row1", .columns = {ColumnRef::Parse("zz:car")}};
  EXPECT_EQ(table_->Get(bad).error().message(), "Unknown column family 'zz' in table 't'");
  Put unknown("row1");
  unknown.Add("nofam", "q", "v");
  EXPECT_TRUE(table_->Apply({}, unknown).IsInvalidArgument());
  Put negative("row1");
  negative.Add("cf1", "q", "v", -5);
  EXPECT_EQ(table_->Apply({}, negative).message(), "Timestamp -5 is negative");
  EXPECT_TRUE(table_->Apply({}, Put("row1")).IsInvalidArgument());
  Put no_row("");
  no_row.Add("cf1", "q", "v");
  EXPECT_TRUE(table_->Apply({}, no_row).IsInvalidArgument());
}

TEST_F(TableTest, SameTimestampPutsMergeColumns) {
  Create("t", {{.name = "cf"}});
  PutCell("r", "cf", "a", "1", 5);
  PutCell("r", "cf", "b", "2", 5);
  PutCell("r", "cf", "a", "3", 5);  // Same cell, same timestamp: replaces.
  EXPECT_EQ(Show(*table_->Get({.row = "r", .max_versions = 5}), true), "r: cf:a=3@5 cf:b=2@5");
}

// WriteOptions::replace (the pipeline's whole rows): a put replaces what is at its row, family
// and timestamp; a plain put after it joins it again; other timestamps are untouched; and so it
// stays through a flush, a compaction and a reopen.
TEST_F(TableTest, AReplacingPutReplacesItsTimestampAndAPlainPutJoinsIt) {
  Create("t", {{.name = "cf", .max_versions = 3}});
  PutCell("r", "cf", "a", "1", 5);
  PutCell("r", "cf", "b", "2", 5);
  PutCell("r", "cf", "a", "0", 4);
  Put whole("r");
  whole.Add("cf", "a", "7", 5).Add("cf", "c", "8", 5);
  ASSERT_TRUE(table_->Apply({.replace = true}, whole).ok());
  const GetSpec all{.row = "r", .max_versions = 3};
  EXPECT_EQ(Show(*table_->Get(all), true), "r: cf:a=7@5 cf:a=0@4 cf:c=8@5");
  ASSERT_TRUE(table_->ApplyBatch({.replace = true}, {whole, whole}).ok());  // A replay.
  EXPECT_EQ(Show(*table_->Get(all), true), "r: cf:a=7@5 cf:a=0@4 cf:c=8@5");
  PutCell("r", "cf", "d", "9", 5);
  EXPECT_EQ(Show(*table_->Get(all), true), "r: cf:a=7@5 cf:a=0@4 cf:c=8@5 cf:d=9@5");
  {
    std::unique_ptr<rocksdb::DB> db;
    ASSERT_NO_FATAL_FAILURE(OpenRaw("t", rocksdb::Options(), &db));
    rocksdb::CompactRangeOptions c;
    c.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    ASSERT_TRUE(db->CompactRange(c, nullptr, nullptr).ok());  // Flushes, then merges all.
  }
  Reopen();
  table_ = *store_->OpenTable("t");
  EXPECT_EQ(Show(*table_->Get(all), true), "r: cf:a=7@5 cf:a=0@4 cf:c=8@5 cf:d=9@5");
}

TEST_F(TableTest, VersionsAreCappedByFamilyAndRequest) {
  Create("t", {{.name = "v3", .max_versions = 3}, {.name = "v1"}});
  for (int ts = 1; ts <= 5; ++ts) {
    Put p("r");
    p.Add("v3", "q", "x" + std::to_string(ts), ts).Add("v1", "q", "y" + std::to_string(ts), ts);
    ASSERT_TRUE(table_->Apply({}, p).ok());
  }
  EXPECT_EQ(Show(*table_->Get({.row = "r"}), true), "r: v1:q=y5@5 v3:q=x5@5");
  EXPECT_EQ(Show(*table_->Get({.row = "r", .max_versions = 10}), true),
            "r: v1:q=y5@5 v3:q=x5@5 v3:q=x4@4 v3:q=x3@3");
  GetSpec range{.row = "r", .max_versions = 10, .time_range = {4, 5}};
  EXPECT_EQ(Show(*table_->Get(range), true), "r: v3:q=x4@4");
}

TEST_F(TableTest, TtlHidesOldCells) {
  Create("t", {{.name = "cf", .ttl_seconds = 60}});
  PutCell("old", "cf", "q", "v", 1000);  // 1970: long expired.
  PutCell("new", "cf", "q", "v");
  EXPECT_TRUE(table_->Get({.row = "old"})->empty());
  EXPECT_EQ(ScanAll({}), "new: cf:q=v");
  EXPECT_EQ(*table_->Count({}), 1u);
}

TEST_F(TableTest, DeletesCellColumnFamilyRow) {
  Create("t", {{.name = "a", .max_versions = 5}, {.name = "b"}});
  for (int ts = 1; ts <= 3; ++ts) {
    Put p("r");
    p.Add("a", "x", "x" + std::to_string(ts), ts).Add("a", "y", "y", ts).Add("b", "z", "z", ts);
    ASSERT_TRUE(table_->Apply({}, p).ok());
  }
  PutCell("r2", "a", "x", "keep", 1);
  // One exact version.
  ASSERT_TRUE(table_->Remove({}, {"r", Delete::Scope::kVersion, "a", "x", 2}).ok());
  EXPECT_EQ(
      Show(*table_->Get({.row = "r", .columns = {ColumnRef::Parse("a:x")}, .max_versions = 5}),
           true),
      "r: a:x=x3@3 a:x=x1@1");
  // Every version of a column up to a timestamp.
  ASSERT_TRUE(table_->Remove({}, {"r", Delete::Scope::kColumn, "a", "x", kLatestTimestamp}).ok());
  EXPECT_EQ(Show(*table_->Get({.row = "r"})), "r: a:y=y b:z=z");
  // A family.
  ASSERT_TRUE(table_->Remove({}, {"r", Delete::Scope::kFamily, "b", "", kLatestTimestamp}).ok());
  EXPECT_EQ(Show(*table_->Get({.row = "r"})), "r: a:y=y");
  // The row.
  ASSERT_TRUE(table_->Remove({}, {"r", Delete::Scope::kRow, "", "", kLatestTimestamp}).ok());
  EXPECT_TRUE(table_->Get({.row = "r"})->empty());
  EXPECT_EQ(ScanAll({}), "r2: a:x=keep");
  EXPECT_TRUE(table_->Remove({}, {"r", Delete::Scope::kFamily, "zz", "", 1}).IsInvalidArgument());
}

TEST_F(TableTest, ScanRangesReversedLimitBatchColumns) {
  Create("t", {{.name = "cf"}, {.name = "other"}});
  for (const char* r : {"a", "b", "c", "d"}) {
    Put p(r);
    p.Add("cf", "q1", std::string(r) + "1").Add("cf", "q2", std::string(r) + "2");
    p.Add("other", "o", "o");
    ASSERT_TRUE(table_->Apply({}, p).ok());
  }
  ScanSpec s;
  s.start_row = "b";
  s.stop_row = "d";
  s.columns = {ColumnRef::Parse("cf:q1")};
  EXPECT_EQ(ScanAll(s), "b: cf:q1=b1 | c: cf:q1=c1");
  s.reversed = true;
  s.start_row = "c";
  s.stop_row = "a";
  EXPECT_EQ(ScanAll(s), "c: cf:q1=c1 | b: cf:q1=b1");
  ScanSpec all_rev;
  all_rev.reversed = true;
  all_rev.columns = {ColumnRef::Parse("other")};
  EXPECT_EQ(ScanAll(all_rev), "d: other:o=o | c: other:o=o | b: other:o=o | a: other:o=o");
  ScanSpec lim;
  lim.limit = 2;
  lim.columns = {ColumnRef::Parse("cf")};
  EXPECT_EQ(ScanAll(lim), "a: cf:q1=a1 cf:q2=a2 | b: cf:q1=b1 cf:q2=b2");
  ScanSpec batch;
  batch.batch = 2;
  batch.stop_row = "b";
  EXPECT_EQ(ScanAll(batch), "a: cf:q1=a1 cf:q2=a2 | a: other:o=o");
  EXPECT_EQ(*table_->Count({}), 4u);
  ScanSpec cnt;
  cnt.start_row = "b";
  cnt.stop_row = "d";
  EXPECT_EQ(*table_->Count(cnt), 2u);
  cnt.filter = "PrefixFilter('c')";
  EXPECT_EQ(*table_->Count(cnt), 1u);
}

TEST_F(TableTest, RowKeysWithZeroBytesSortAsBytes) {
  Create("t", {{.name = "cf"}});
  const std::string z("a\0b", 3);
  PutCell("a", "cf", "q", "1");
  PutCell(z, "cf", "q", "2");
  PutCell("ab", "cf", "q", "3");
  auto it = *table_->Scan({});
  std::vector<std::string> keys;
  for (; it->Valid(); it->Next()) keys.push_back(it->row().key);
  EXPECT_EQ(keys, (std::vector<std::string>{"a", z, "ab"}));
  EXPECT_EQ(table_->Get({.row = z})->cells.at(0).value, "2");
}

TEST_F(TableTest, BatchPutAndDataSurvivesReopen) {
  Create("t", {{.name = "cf"}});
  std::vector<Put> batch;
  for (int i = 0; i < 100; ++i) {
    Put p("row" + std::to_string(1000 + i));
    p.Add("cf", "i", std::to_string(i));
    batch.push_back(p);
  }
  ASSERT_TRUE(table_->ApplyBatch({.sync = true}, batch).ok());
  Reopen();
  auto t = store_->OpenTable("t");
  ASSERT_TRUE(t.has_value());
  table_ = *t;
  EXPECT_EQ(*table_->Count({}), 100u);
  EXPECT_EQ(table_->Get({.row = "row1042"})->cells.at(0).value, "42");
}

// ApplyBatch writes a batch in row order (a stable sort of its puts): rows that share a long
// prefix, rows that are prefixes of others, a 0x00 byte, and several puts to one row (the last
// one's value wins) all land as written one by one.
TEST_F(TableTest, ABatchOfRowsSharingALongPrefixStoresEveryPutInOrder) {
  Create("t", {{.name = "cf"}});
  const std::string p = "79779573999999-";
  const std::vector<std::string> rows = {
      p + "A00010000x", p + "A0001", p + "A00010000", p + std::string("A0001\0", 6),
      p + "A00010000y", p + "A0001", p + "B",         p};
  std::vector<Put> batch;
  for (size_t i = 0; i < rows.size(); ++i) {
    Put put(rows[i]);
    put.Add("cf", "q", std::to_string(i), 5);
    batch.push_back(put);
  }
  ASSERT_TRUE(table_->ApplyBatch({}, batch).ok());
  auto it = *table_->Scan({});
  std::vector<std::string> got;
  for (; it->Valid(); it->Next()) got.push_back(Show(it->row(), true));
  const std::vector<std::string> want = {
      p + ": cf:q=7@5",
      p + "A0001: cf:q=5@5",  // Put twice: the later put's value.
      p + std::string("A0001\0", 6) + ": cf:q=3@5",
      p + "A00010000: cf:q=2@5",
      p + "A00010000x: cf:q=0@5",
      p + "A00010000y: cf:q=4@5",
      p + "B: cf:q=6@5"};
  EXPECT_EQ(got, want);
}

// A PutBatch encodes each put as it is added: a put it refuses leaves it as it was, a written
// batch keeps its puts until cleared, puts of several families and timestamps land whole, and
// only the table that made a batch writes it.
TEST_F(TableTest, APutBatchWritesWhatItAcceptedAndOnlyToItsTable) {
  Create("u", {{.name = "a"}});
  Create("t", {{.name = "a", .max_versions = 3}, {.name = "b"}});  // table_.
  auto batch = table_->NewPutBatch();
  Put two_families("r2");
  two_families.Add("b", "y", "b9", 9).Add("a", "x", "a7", 7).Add("a", "x", "a8", 8);
  ASSERT_TRUE(batch->Add(two_families).ok());
  Put unknown("r1");
  unknown.Add("a", "x", "1", 1).Add("nope", "x", "2", 1);
  Status s = batch->Add(unknown);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("nope"), std::string::npos) << s.ToString();
  Put negative("r1");
  negative.Add("a", "x", "1", -1);
  EXPECT_TRUE(batch->Add(negative).IsInvalidArgument());
  EXPECT_TRUE(batch->Add(Put("r1")).IsInvalidArgument());  // No cells.
  Put first("r1");
  first.Add("a", "x", "old", 3);
  Put again("r1");
  again.Add("a", "x", "new", 3);
  ASSERT_TRUE(batch->Add(first).ok());
  ASSERT_TRUE(batch->Add(again).ok());
  EXPECT_EQ(batch->size(), 3u);

  auto other = store_->OpenTable("u");
  ASSERT_TRUE(other.has_value());
  s = (*other)->Write({}, batch.get());
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_EQ(*(*other)->Count({}), 0u);

  ASSERT_TRUE(table_->Write({.replace = true}, batch.get()).ok());
  const GetSpec all{.max_versions = 5};
  auto get = [&](const std::string& row) {
    GetSpec g = all;
    g.row = row;
    return Show(*table_->Get(g), true);
  };
  EXPECT_EQ(get("r1"), "r1: a:x=new@3");  // The later put to one timestamp replaces the earlier.
  EXPECT_EQ(get("r2"), "r2: a:x=a8@8 a:x=a7@7 b:y=b9@9");
  EXPECT_EQ(batch->size(), 3u);  // Kept until cleared.
  batch->Clear();
  EXPECT_EQ(batch->size(), 0u);
  ASSERT_TRUE(table_->Write({}, batch.get()).ok());  // An empty batch writes nothing.
  EXPECT_EQ(*table_->Count({}), 2u);
}

// Tables are compacted size-tiered (universal) since 2026-12; a table written before, with
// leveled compaction and its files spread over levels, opens as it is and keeps every cell.
TEST_F(TableTest, ATableWrittenWithLeveledCompactionOpensWithEveryCell) {
  Create("t", {{.name = "cf"}});
  std::vector<Put> batch;
  for (int i = 0; i < 1000; ++i) {
    Put p("row" + std::to_string(1000 + i));
    p.Add("cf", "a", std::to_string(i), 5);
    batch.push_back(p);
  }
  ASSERT_TRUE(table_->ApplyBatch({}, batch).ok());
  {
    // The layout the old options left: files in level 3 and in level 0, merges in both.
    rocksdb::Options o;
    o.compaction_style = rocksdb::kCompactionStyleLevel;
    std::unique_ptr<rocksdb::DB> db;
    ASSERT_NO_FATAL_FAILURE(OpenRaw("t", o, &db));
    rocksdb::CompactRangeOptions c;
    c.change_level = true;
    c.target_level = 3;
    ASSERT_TRUE(db->CompactRange(c, nullptr, nullptr).ok());
    std::string files;
    ASSERT_TRUE(db->GetProperty("rocksdb.num-files-at-level3", &files));
    ASSERT_EQ(files, "1");
    ASSERT_TRUE(db->Close().ok());
  }
  Reopen();
  table_ = *store_->OpenTable("t");
  // Same-timestamp puts of another column merge with the cells in level 3.
  batch.clear();
  for (int i = 0; i < 1000; i += 2) {
    Put p("row" + std::to_string(1000 + i));
    p.Add("cf", "b", "x" + std::to_string(i), 5);
    batch.push_back(p);
  }
  ASSERT_TRUE(table_->ApplyBatch({}, batch).ok());
  Reopen();
  table_ = *store_->OpenTable("t");
  EXPECT_EQ(*table_->Count({}), 1000u);
  EXPECT_EQ(Show(*table_->Get({.row = "row1042"}), true), "row1042: cf:a=42@5 cf:b=x42@5");
  EXPECT_EQ(Show(*table_->Get({.row = "row1043"}), true), "row1043: cf:a=43@5");
}

TEST_F(TableTest, TruncateKeepsSchemaAndSplits) {
  Create("t", {{.name = "cf", .max_versions = 2}}, {"m"});
  PutCell("a", "cf", "q", "1");
  ASSERT_TRUE(store_->TruncateTable("t").ok());
  auto d = store_->Describe("t");
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->enabled);
  EXPECT_EQ(d->descriptor.split_keys, std::vector<std::string>{"m"});
  EXPECT_EQ(d->descriptor.families.at(0).max_versions, 2);
  table_ = *store_->OpenTable("t");
  EXPECT_EQ(*table_->Count({}), 0u);
}

TEST_F(TableTest, RegionsCountRowsBytesAndWrites) {
  auto splits = HexStringSplit(2);
  ASSERT_TRUE(splits.has_value());
  EXPECT_EQ(*splits, std::vector<std::string>{"80000000"});
  EXPECT_EQ(*HexStringSplit(4), (std::vector<std::string>{"40000000", "80000000", "c0000000"}));
  EXPECT_TRUE(HexStringSplit(1).error().IsInvalidArgument());
  EXPECT_EQ(*UniformSplit(2), std::vector<std::string>{"\x80"});
  Create("t", {{.name = "cf"}}, *splits);
  PutCell("1000", "cf", "q", "v");
  PutCell("2000", "cf", "q", "v");
  PutCell("9000", "cf", "q", "v");
  PutCell("9000", "cf", "q", "w");
  auto d = store_->Describe("t");
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->regions.size(), 2u);
  EXPECT_EQ(d->regions[0].start_key, "");
  EXPECT_EQ(d->regions[0].end_key, "80000000");
  EXPECT_EQ(d->regions[0].rows, 2u);
  EXPECT_EQ(d->regions[1].rows, 1u);
  EXPECT_EQ(d->regions[0].writes, 2u);
  EXPECT_EQ(d->regions[1].writes, 2u);
  EXPECT_GT(d->regions[1].bytes, 0u);
  ASSERT_TRUE(store_->SetSplitKeys("t", {"15", "5"}).ok());
  d = store_->Describe("t");
  ASSERT_EQ(d->regions.size(), 3u);
  EXPECT_EQ(d->regions[0].rows, 1u);
  EXPECT_EQ(d->regions[1].rows, 1u);
  EXPECT_EQ(d->regions[2].rows, 1u);
}

TEST_F(TableTest, ConcurrentWritersReadersAndDeletes) {
  Create("t", {{.name = "cf"}});
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([this, w] {
      for (int i = 0; i < 200; ++i) {
        Put p("w" + std::to_string(w) + "-" + std::to_string(1000 + i));
        p.Add("cf", "a", "1").Add("cf", "b", "2");
        EXPECT_TRUE(table_->Apply({}, p).ok());
        if (i % 10 == 0) {
          EXPECT_TRUE(
              table_->Remove({}, {p.row, Delete::Scope::kColumn, "cf", "b", kLatestTimestamp})
                  .ok());
        }
      }
    });
  }
  threads.emplace_back([this] {
    for (int i = 0; i < 20; ++i) {
      auto it = table_->Scan({});
      ASSERT_TRUE(it.has_value());
      for (; (*it)->Valid(); (*it)->Next()) EXPECT_FALSE((*it)->row().cells.empty());
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(*table_->Count({}), 800u);
  EXPECT_EQ(Show(*table_->Get({.row = "w2-1010"})), "w2-1010: cf:a=1");
  EXPECT_EQ(Show(*table_->Get({.row = "w2-1011"})), "w2-1011: cf:a=1 cf:b=2");
}

}  // namespace
}  // namespace smartcar::table
