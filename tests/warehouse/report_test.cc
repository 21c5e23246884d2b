#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "warehouse/warehouse_test_util.h"

namespace smartcar::warehouse {
namespace {

class ReportTest : public WarehouseTest {
 protected:
  void SetUp() override {
    WarehouseTest::SetUp();
    Day("20201231", StatusLine("20201231000004", "A0001") + StatusLine("20201231000008", "A0001"));
    Day("20210101", StatusLine("20210101000004", "A0001"));
    Day("20210103", StatusLine("20210103000004", "A0001"));
    Day("20210104", StatusLine("20210104000004", "A0001"));
    Day("20240228", StatusLine("20240228000004", "A0001"));
    // The leap day: every reading abnormal in a known way.
    Day("20240229", StatusLine("20240229000004", "A0001", /*tire=*/50) +
                        StatusLine("20240229000008", "A0002", 80, /*light=*/2, /*engine=*/'C') +
                        StatusLine("20240229000012", "A0002", 80, 1, 'A', /*brake=*/'B',
                                   /*battery=*/10));
    Day("20240301", StatusLine("20240301000004", "A0001"));
  }
  void Day(const std::string& date, const std::string& lines) {
    MustLoad(date, WriteTemp(date + ".txt", lines));
  }
  // "period start end days readings" per row, ';'-separated.
  std::string Summary(ReportPeriod by, const std::string& from = "00000101",
                      const std::string& to = "99991231") {
    ReportOptions o;
    o.by = by;
    o.from = from;
    o.to = to;
    auto r = w_->StatusReport(o);
    if (!r) return "<error: " + r.error().ToString() + ">";
    std::string s;
    for (const auto& row : r->rows) {
      s += *row[0] + " " + *row[1] + " " + *row[2] + " " + *row[3] + " " + *row[4] + ";";
    }
    return s;
  }
};

TEST_F(ReportTest, IsoWeeksCrossTheYearEnd) {
  EXPECT_EQ(Summary(ReportPeriod::kWeek),
            "2020-W53 2020-12-28 2021-01-03 3 4;"
            "2021-W01 2021-01-04 2021-01-10 1 1;"
            "2024-W09 2024-02-26 2024-03-03 3 5;");
}

TEST_F(ReportTest, MonthsEndOnTheirLastDayIncludingLeapFebruary) {
  EXPECT_EQ(Summary(ReportPeriod::kMonth),
            "2020-12 2020-12-01 2020-12-31 1 2;"
            "2021-01 2021-01-01 2021-01-31 3 3;"
            "2024-02 2024-02-01 2024-02-29 2 4;"
            "2024-03 2024-03-01 2024-03-31 1 1;");
}

TEST_F(ReportTest, Years) {
  EXPECT_EQ(Summary(ReportPeriod::kYear),
            "2020 2020-01-01 2020-12-31 1 2;"
            "2021 2021-01-01 2021-12-31 3 3;"
            "2024 2024-01-01 2024-12-31 3 5;");
}

TEST_F(ReportTest, LeapDaySharesAndTopCars) {
  ReportOptions o;
  o.by = ReportPeriod::kDay;
  o.from = o.to = "20240229";
  auto r = w_->StatusReport(o);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  ASSERT_EQ(r->rows.size(), 1u);
  auto col = [&](const std::string& name) {
    for (size_t i = 0; i < r->columns.size(); ++i) {
      if (r->columns[i] == name) return r->rows[0][i].value_or("NULL");
    }
    return std::string("<no column>");
  };
  EXPECT_EQ(col("period"), "2024-02-29");
  EXPECT_EQ(col("readings"), "3");
  EXPECT_EQ(col("cars"), "2");
  EXPECT_DOUBLE_EQ(std::stod(col("tire_low_share")), 4.0 / 12);
  EXPECT_DOUBLE_EQ(std::stod(col("lamp_fault_share")), 4.0 / 12);
  EXPECT_DOUBLE_EQ(std::stod(col("engine_fault_share")), 1.0 / 3);
  EXPECT_DOUBLE_EQ(std::stod(col("brake_fault_share")), 1.0 / 3);
  EXPECT_DOUBLE_EQ(std::stod(col("battery_low_share")), 1.0 / 3);
  EXPECT_DOUBLE_EQ(std::stod(col("faulty_reading_share")), 1.0);
  EXPECT_EQ(col("top_cars"), "A0002:7 A0001:4");
}

TEST_F(ReportTest, StoredBackAsTableAndRangeReplacesOnlyItsPeriods) {
  ASSERT_EQ(Summary(ReportPeriod::kMonth).substr(0, 1), "2");
  EXPECT_EQ(Int("SELECT count(*) FROM SmartCar_Status_Report_month"), 4);
  // Drop a day, re-run for February only: February changes, the other months stay.
  ASSERT_TRUE(w_->DropPartition(kStatusTable, "20240228").ok());
  EXPECT_EQ(Summary(ReportPeriod::kMonth, "20240201", "20240229"),
            "2024-02 2024-02-01 2024-02-29 1 3;");
  EXPECT_EQ(Value("SELECT string_agg(period || '=' || readings, ' ' ORDER BY period) FROM "
                  "SmartCar_Status_Report_month"),
            "2020-12=2 2021-01=3 2024-02=3 2024-03=1");
  EXPECT_EQ(Value("SELECT wrk_date FROM SmartCar_Status_Report_month WHERE period = '2024-03'"),
            "20240301");
}

TEST_F(ReportTest, WritesCsvParquetAndSelfContainedHtml) {
  ReportOptions o;
  o.by = ReportPeriod::kYear;
  o.out = tmp_.file("r.csv");
  ASSERT_TRUE(w_->StatusReport(o).has_value());
  const std::string csv = testing::ReadFile(o.out);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "period,period_start,period_end,days,readings,cars,tire_low_share,lamp_fault_share,"
            "engine_fault_share,brake_fault_share,battery_low_share,faulty_reading_share,top_cars");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);

  o.out = tmp_.file("r.parquet");
  ASSERT_TRUE(w_->StatusReport(o).has_value());
  EXPECT_EQ(Int("SELECT sum(readings) FROM read_parquet('" + o.out + "')"), 10);

  o.by = ReportPeriod::kDay;
  o.out = tmp_.file("r.html");
  ASSERT_TRUE(w_->StatusReport(o).has_value());
  const std::string html = testing::ReadFile(o.out);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("<polyline"), std::string::npos);
  EXPECT_NE(html.find("2024-02-29"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);

  o.out = tmp_.file("r.txt");
  EXPECT_TRUE(w_->StatusReport(o).error().IsInvalidArgument());
}

TEST_F(ReportTest, RejectsBadRanges) {
  ReportOptions o;
  o.from = "20240301";
  o.to = "20240201";
  EXPECT_TRUE(w_->StatusReport(o).error().IsInvalidArgument());
  o.from = "2024-03-01";
  EXPECT_TRUE(w_->StatusReport(o).error().IsInvalidArgument());
  EXPECT_TRUE(ParseReportPeriod("fortnight").error().IsInvalidArgument());
  EXPECT_EQ(*ParseReportPeriod("week"), ReportPeriod::kWeek);
  EXPECT_EQ(ReportTableName(ReportPeriod::kYear), "SmartCar_Status_Report_year");
}

}  // namespace
}  // namespace smartcar::warehouse
