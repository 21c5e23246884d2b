// SQL over the warehouse: views, errors, partition pruning, extra views, output formats.
#include <gtest/gtest.h>

#include <filesystem>

#include "warehouse/result_format.h"
#include "warehouse/warehouse_test_util.h"

namespace smartcar::warehouse {
namespace {

TEST_F(WarehouseTest, SqlErrorsAreDuckDbMessagesWithPosition) {
  auto r = w_->Query("SELECT 1 FROM SmartCar_Status_Info WHERE nope = 1");
  ASSERT_FALSE(r.has_value());
  const std::string& m = r.error().message();
  EXPECT_EQ(m.rfind("Binder Error: Referenced column \"nope\" not found", 0), 0u) << m;
  EXPECT_NE(m.find("LINE 1: SELECT 1 FROM SmartCar_Status_Info WHERE nope = 1\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("\n" + std::string(8 + 41, ' ') + "^"), std::string::npos) << m;
  // Exactly one caret block.
  EXPECT_EQ(m.find("LINE 1:"), m.rfind("LINE 1:")) << m;

  auto p = w_->Query("SELEC 1");
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().message(),
            "Parser Error: syntax error at or near \"SELEC\"\n\nLINE 1: SELEC 1\n        ^");
  auto t = w_->Query("SELECT * FROM No_Such_Table");
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(
      t.error().message().rfind("Catalog Error: Table with name No_Such_Table does not exist", 0),
      0u)
      << t.error().message();
}

TEST_F(WarehouseTest, SeveralStatementsReturnTheLast) {
  auto r = w_->Query("CREATE TEMP TABLE t AS SELECT 41 AS x; SELECT x + 1 AS y FROM t");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->columns, std::vector<std::string>{"y"});
  EXPECT_EQ(r->rows[0][0], "42");
}

// A filter on wrk_date reads only the matching partition folders: a corrupt file in another
// day does not disturb the query, but a scan of every day trips over it. (The view's schema
// comes from the first partition, so the corrupt one is the later day.)
TEST_F(WarehouseTest, WrkDateFilterPrunesPartitions) {
  MustLoad("20220425", WriteTemp("a.txt", StatusLine("20220425000004", "A0001") +
                                              StatusLine("20220425000008", "A0001")));
  MustLoad("20220426", WriteTemp("b.txt", StatusLine("20220426000004", "B0001")));
  testing::WriteFile(
      data_dir() + "/warehouse/SmartCar_Status_Info/wrk_date=20220426/part-0.parquet",
      "not parquet at all");
  EXPECT_EQ(Int("SELECT count(*) FROM SmartCar_Status_Info WHERE wrk_date = '20220425'"), 2);
  EXPECT_EQ(Int("SELECT count(*) FROM SmartCar_Status_Info "
                "WHERE wrk_date BETWEEN '20220401' AND '20220425'"),
            2);
  EXPECT_EQ(Value("SELECT count(*) FROM SmartCar_Status_Info").rfind("<error: ", 0), 0u);
}

TEST_F(WarehouseTest, RegisteredViewProvidersAddViews) {
  std::string seen_dir;
  RegisterViewProvider(
      "test", [&seen_dir](const std::string& dir) -> Result<std::vector<ViewDefinition>> {
        seen_dir = dir;
        return std::vector<ViewDefinition>{
            {"DriverCarInfo", "SELECT 'O0010' AS car_number, 'F06' AS area_number"}};
      });
  EXPECT_EQ(Value("SELECT area_number FROM DriverCarInfo WHERE car_number = 'O0010'"), "F06");
  EXPECT_EQ(seen_dir, data_dir());
  RegisterViewProvider("test", [](const std::string&) -> Result<std::vector<ViewDefinition>> {
    return Err(Status::IOError("table store closed"));
  });
  auto r = w_->Query("SELECT 1");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(), "view provider test: table store closed");
  RegisterViewProvider("test", [](const std::string&) -> Result<std::vector<ViewDefinition>> {
    return std::vector<ViewDefinition>{};
  });
  // A view whose provider no longer offers it is dropped.
  EXPECT_EQ(Value("SELECT count(*) FROM DriverCarInfo").rfind("<error: Catalog Error", 0), 0u);
}

TEST(ResultFormatTest, TableCsvJson) {
  QueryResult r;
  r.columns = {"name", "n", "ok"};
  r.types = {"VARCHAR", "DOUBLE", "BOOLEAN"};
  r.kinds = {QueryResult::Kind::kText, QueryResult::Kind::kNumber, QueryResult::Kind::kBool};
  r.rows = {{"a,\"b\"", "1.5", "true"}, {std::nullopt, "nan", std::nullopt}};
  EXPECT_EQ(FormatResult(r, OutputFormat::kCsv), "name,n,ok\n\"a,\"\"b\"\"\",1.5,true\n,nan,\n");
  EXPECT_EQ(FormatResult(r, OutputFormat::kJson),
            "[\n{\"name\":\"a,\\\"b\\\"\",\"n\":1.5,\"ok\":true},\n"
            "{\"name\":null,\"n\":\"nan\",\"ok\":null}\n]\n");
  EXPECT_EQ(FormatResult(r, OutputFormat::kTable),
            "+---------+--------+---------+\n"
            "| name    | n      | ok      |\n"
            "| VARCHAR | DOUBLE | BOOLEAN |\n"
            "+---------+--------+---------+\n"
            "| a,\"b\"   |    1.5 | true    |\n"
            "| NULL    |    nan | NULL    |\n"
            "+---------+--------+---------+\n"
            "2 rows\n");
  EXPECT_TRUE(ParseOutputFormat("xml").error().IsInvalidArgument());
}

}  // namespace
}  // namespace smartcar::warehouse
