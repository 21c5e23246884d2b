// The DriverCarInfo SQL view (the pilot's SmartCar_Drive_Info): it returns exactly the rows the
// table store holds, while a writer keeps the table open, and follows later writes.
#include "pipeline/drive_info_view.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "core/event_time.h"
#include "core/line_codec.h"
#include "core/row_key.h"
#include "pipeline/smartcar_topology.h"
#include "table/table.h"
#include "test_util.h"
#include "warehouse/warehouse.h"

namespace smartcar::pipeline {
namespace {

using ::smartcar::testing::TempDir;
using Cells = std::vector<std::optional<std::string>>;  // The 8 qualifiers' values.

class DriveInfoViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = table::TableStore::Open({.data_dir = dir_.str()});
    ASSERT_TRUE(s.has_value()) << s.error().ToString();
    writer_ = std::move(*s);
    RegisterDriveInfoView();
    warehouse::WarehouseOptions wo;
    wo.data_dir = dir_.str();
    auto w = warehouse::Warehouse::Open(wo);
    ASSERT_TRUE(w.has_value()) << w.error().ToString();
    sql_ = std::move(*w);
  }

  void CreateTable() {
    ASSERT_TRUE(writer_->CreateTable({kDriverTable, {{kDriverFamily}}}).ok());
    auto t = writer_->OpenTable(kDriverTable);
    ASSERT_TRUE(t.has_value());
    table_ = *t;
  }

  // Writes one row as the TableBolt does; a nullopt cell is left out.
  void Write(const std::string& key, const Cells& cells) {
    table::Put put(key);
    for (size_t i = 0; i < cells.size(); ++i) {
      if (cells[i]) put.Add(kDriverFamily, DriveInfoColumns()[i + 1], *cells[i], 1000);
    }
    ASSERT_TRUE(table_->Apply({}, put).ok());
    rows_[key] = cells;
  }

  // Every row of the view, in key order, against what was written.
  void ExpectViewEqualsWrites() {
    auto r = sql_->Query("SELECT * FROM DriverCarInfo ORDER BY row_key");
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    EXPECT_EQ(r->columns, DriveInfoColumns());
    ASSERT_EQ(r->rows.size(), rows_.size());
    size_t i = 0;
    for (const auto& [key, cells] : rows_) {
      EXPECT_EQ(r->rows[i][0], key);
      for (size_t c = 0; c < cells.size(); ++c) {
        EXPECT_EQ(r->rows[i][c + 1], cells[c]) << key << " column " << DriveInfoColumns()[c + 1];
      }
      ++i;
    }
  }

  TempDir dir_;
  std::unique_ptr<table::TableStore> writer_;
  std::shared_ptr<table::Table> table_;
  std::unique_ptr<warehouse::Warehouse> sql_;
  std::map<std::string, Cells> rows_;
};

TEST_F(DriveInfoViewTest, ViewReturnsExactlyTheStoredRowsWhileTheWriterIsOpen) {
  CreateTable();
  for (int i = 0; i < 300; ++i) {
    char car[6];
    std::snprintf(car, sizeof car, "Z%04d", i % 13);
    char digits[32];
    std::snprintf(digits, sizeof digits, "20220426%02d%02d%02d", 10 + i / 3600, i / 60 % 60,
                  i % 60);
    auto time = ParseTimestamp14(digits);
    ASSERT_TRUE(time.has_value()) << digits;
    Cells c = {FormatTimestamp14(*time),
               std::string(car),
               std::to_string(i % 6),
               std::to_string(i % 4),
               "L1",
               "N",
               std::to_string(i % 140),
               "A0" + std::to_string(i % 7)};
    if (i % 40 == 0) c[7].reset();  // A row without its area cell is NULL there.
    CarNumber number;
    ASSERT_TRUE(ParseCarNumber(car, &number).ok());
    Write(MakeRowKey(*time, number), c);
  }
  ExpectViewEqualsWrites();
  EXPECT_EQ(sql_->Query("SELECT count(*) FROM DriverCarInfo WHERE area_number IS NULL")->rows[0][0],
            "8");

  // An update (HBase put on an existing row) and new rows show in the next statement.
  Cells changed = rows_.begin()->second;
  changed[6] = "133";
  Write(rows_.begin()->first, changed);
  Write("zzz-last", {"20220427000000", "Z0001", "1", "0", "F", "N", "12", "A01"});
  ExpectViewEqualsWrites();
  auto exported = ExportDriveInfo(dir_.str());
  ASSERT_TRUE(exported.has_value()) << exported.error().ToString();
  EXPECT_EQ(*exported, rows_.size());
}

TEST_F(DriveInfoViewTest, NoTableMeansNoViewAndAClearError) {
  auto r = sql_->Query("SELECT count(*) FROM DriverCarInfo");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("DriverCarInfo"), std::string::npos) << r.error().message();
  auto exported = ExportDriveInfo(dir_.str());
  ASSERT_FALSE(exported.has_value());
  EXPECT_TRUE(exported.error().IsNotFound()) << exported.error().ToString();
  // Once the table exists (even empty) the view is there.
  CreateTable();
  Write("k1", {"20220426000001", "A0001", "0", "0", "F", "N", "0", "A01"});
  ExpectViewEqualsWrites();
}

}  // namespace
}  // namespace smartcar::pipeline
