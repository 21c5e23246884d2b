// The filter language: every filter, comparator, operator and combinator on a small table, and
// every kind of parse error with its column and caret.
#include "table/filter/parse_filter.h"

#include <gtest/gtest.h>

#include "table/table_test_util.h"

namespace smartcar::table {
namespace {

class FilterTest : public TableTestBase {
 protected:
  void SetUp() override {
    Create("t", {{.name = "cf1", .max_versions = 3}, {.name = "cf2"}});
    Row("r1", "O0001", "F06", "81", 10);
    Row("r2", "O0002", "B02", "40", 10);
    Row("r3", "X0003", "F01", "120", 10);
    PutCell("r4", "cf2", "note", "only cf2", 10);
    PutCell("r1", "cf1", "speed", "90", 20);  // A newer version of r1's speed.
  }
  void Row(const std::string& row, const std::string& car, const std::string& area,
           const std::string& speed, int64_t ts) {
    Put p(row);
    p.Add("cf1", "car_number", car, ts).Add("cf1", "area_number", area, ts);
    p.Add("cf1", "speed", speed, ts);
    ASSERT_TRUE(table_->Apply({}, p).ok());
  }
  std::vector<std::string> Rows(const std::string& filter) {
    ScanSpec s;
    s.filter = filter;
    auto it = table_->Scan(s);
    EXPECT_TRUE(it.has_value()) << it.error().ToString();
    std::vector<std::string> out;
    if (!it) return out;
    for (; (*it)->Valid(); (*it)->Next()) out.push_back((*it)->row().key);
    return out;
  }
  std::string Error(const std::string& filter) {
    auto f = filter::ParseFilter(filter);
    if (f) return "parsed";
    return f.error().message();
  }
  using V = std::vector<std::string>;
  static bool StartsWith(const std::string& s, const std::string& prefix) {
    return s.starts_with(prefix);
  }
};

TEST_F(FilterTest, RowFilterEveryOperatorAndComparator) {
  EXPECT_EQ(Rows("RowFilter(=,'binary:r2')"), V{"r2"});
  EXPECT_EQ(Rows("RowFilter(!=,'binary:r2')"), (V{"r1", "r3", "r4"}));
  EXPECT_EQ(Rows("RowFilter(<,'binary:r2')"), V{"r1"});
  EXPECT_EQ(Rows("RowFilter(<=,'binary:r2')"), (V{"r1", "r2"}));
  EXPECT_EQ(Rows("RowFilter(>,'binary:r2')"), (V{"r3", "r4"}));
  EXPECT_EQ(Rows("RowFilter(>=,'binary:r2')"), (V{"r2", "r3", "r4"}));
  EXPECT_EQ(Rows("RowFilter(=,'binaryprefix:r')"), (V{"r1", "r2", "r3", "r4"}));
  // The cell's first 5 bytes ("r3") sort before "r3xyz": r3 passes, as in HBase.
  EXPECT_EQ(Rows("RowFilter(<,'binaryprefix:r3xyz')"), (V{"r1", "r2", "r3"}));
  EXPECT_EQ(Rows("RowFilter(=,'regexstring:[13]$')"), (V{"r1", "r3"}));
  EXPECT_EQ(Rows("RowFilter(!=,'regexstring:[13]$')"), (V{"r2", "r4"}));
  EXPECT_EQ(Rows("RowFilter(=,'substring:R4')"), V{"r4"});  // Case-insensitive.
}

TEST_F(FilterTest, FamilyQualifierValueFilters) {
  EXPECT_EQ(Show(*table_->Get({.row = "r1", .filter = "FamilyFilter(=,'binary:cf2')"})), "r1:");
  EXPECT_EQ(Rows("FamilyFilter(=,'binary:cf2')"), V{"r4"});
  EXPECT_EQ(Show(*table_->Get({.row = "r2", .filter = "QualifierFilter(>=,'binary:s')"})),
            "r2: cf1:speed=40");
  EXPECT_EQ(Rows("ValueFilter(=,'binary:120')"), V{"r3"});
  EXPECT_EQ(Rows("ValueFilter(=,'regexstring:^F0')"), (V{"r1", "r3"}));
  // r1's speed 81 is an older version: not returned, so not matched.
  EXPECT_EQ(Rows("ValueFilter(=,'binary:81')"), V{});
}

TEST_F(FilterTest, SingleColumnValueFilterMissingAndVersions) {
  EXPECT_EQ(Rows("SingleColumnValueFilter('cf1','area_number',=,'regexstring:F0')"),
            (V{"r1", "r3", "r4"}));  // r4 lacks the column: kept by default.
  EXPECT_EQ(Rows("SingleColumnValueFilter('cf1','area_number',=,'regexstring:F0',true,true)"),
            (V{"r1", "r3"}));
  EXPECT_EQ(Rows("SingleColumnValueFilter('cf1','speed',=,'binary:81',true,true)"), V{});
  // With latestVersionOnly=false an older version may match, if the read returns it.
  ScanSpec s;
  s.max_versions = 3;
  s.filter = "SingleColumnValueFilter('cf1','speed',=,'binary:81',true,false)";
  EXPECT_EQ(ScanAll(s), "r1: cf1:area_number=F06 cf1:car_number=O0001 cf1:speed=90 cf1:speed=81");
  EXPECT_EQ(ScanFilter("SingleColumnValueExcludeFilter('cf1','speed',>,'binary:5',true,true)"),
            "r1: cf1:area_number=F06 cf1:car_number=O0001");  // Byte order: "90" > "5" > "40".
}

TEST_F(FilterTest, PrefixAndColumnFilters) {
  EXPECT_EQ(Rows("PrefixFilter('r3')"), V{"r3"});
  EXPECT_EQ(Show(*table_->Get({.row = "r2", .filter = "ColumnPrefixFilter('car')"})),
            "r2: cf1:car_number=O0002");
  EXPECT_EQ(Show(*table_->Get({.row = "r2", .filter = "MultipleColumnPrefixFilter('sp','ar')"})),
            "r2: cf1:area_number=B02 cf1:speed=40");
  EXPECT_EQ(Show(*table_->Get(
                {.row = "r2", .filter = "ColumnRangeFilter('area_number',false,'speed',true)"})),
            "r2: cf1:car_number=O0002 cf1:speed=40");
  EXPECT_EQ(Show(*table_->Get({.row = "r2", .filter = "ColumnRangeFilter('',true,'b',false)"})),
            "r2: cf1:area_number=B02");
}

TEST_F(FilterTest, PageKeyOnlyFirstKeyInclusiveStopTimestampsColumnCount) {
  EXPECT_EQ(Rows("PageFilter(2)"), (V{"r1", "r2"}));
  EXPECT_EQ(Rows("PageFilter(0)"), V{});
  EXPECT_EQ(Show(*table_->Get({.row = "r2", .filter = "KeyOnlyFilter()"})),
            "r2: cf1:area_number= cf1:car_number= cf1:speed=");
  EXPECT_EQ(table_->Get({.row = "r2", .filter = "KeyOnlyFilter(true)"})->cells[0].value,
            std::string("\0\0\0\x03", 4));
  EXPECT_EQ(ScanFilter("FirstKeyOnlyFilter() AND PrefixFilter('r2')"), "r2: cf1:area_number=B02");
  EXPECT_EQ(Rows("InclusiveStopFilter('r2')"), (V{"r1", "r2"}));
  EXPECT_EQ(Rows("TimestampsFilter(20)"), V{"r1"});
  EXPECT_EQ(Rows("TimestampsFilter(5, 6)"), V{});
  EXPECT_EQ(Show(*table_->Get({.row = "r2", .filter = "ColumnCountGetFilter(2)"})),
            "r2: cf1:area_number=B02 cf1:car_number=O0002");
}

TEST_F(FilterTest, AndOrParenthesesSkipWhile) {
  // The pilot's command.
  EXPECT_EQ(Rows("RowFilter(=,'regexstring:r[12]') AND "
                 "SingleColumnValueFilter('cf1','area_number',=,'regexstring:F06')"),
            V{"r1"});
  EXPECT_EQ(Rows("PrefixFilter('r1') OR PrefixFilter('r3')"), (V{"r1", "r3"}));
  EXPECT_EQ(Rows("PrefixFilter('r1') OR PrefixFilter('r3') AND ValueFilter(=,'binary:zzz')"),
            V{"r1"});  // AND binds tighter.
  EXPECT_EQ(Rows("(PrefixFilter('r1') OR PrefixFilter('r3')) AND ValueFilter(=,'binary:X0003')"),
            V{"r3"});
  EXPECT_EQ(Rows("SKIP ValueFilter(!=,'binary:40')"), (V{"r1", "r3", "r4"}));
  EXPECT_EQ(Rows("WHILE RowFilter(!=,'binary:r3')"), (V{"r1", "r2"}));
  EXPECT_EQ(Rows("SKIP (ValueFilter(!=,'binary:O0001') AND ValueFilter(!=,'binary:40'))"),
            (V{"r3", "r4"}));
  EXPECT_EQ(Rows("  RowFilter ( = , 'binary:r1' )  "), V{"r1"});
  EXPECT_EQ(Rows("ValueFilter(=,'binary:it''s')"), V{});
}

TEST_F(FilterTest, ErrorsPointAtTheColumn) {
  EXPECT_EQ(Error("RowFilter(=,'binary:a') AND"),
            "column 28: expected a filter, found the end of the filter\n"
            "RowFilter(=,'binary:a') AND\n"
            "                           ^");
  EXPECT_EQ(Error("NoSuchFilter(=,'binary:a')"),
            "column 1: unknown filter 'NoSuchFilter'\nNoSuchFilter(=,'binary:a')\n^");
  EXPECT_EQ(Error("RowFilter(=,'binary:a'"),
            "column 23: expected ',' or ')' in RowFilter, found the end of the filter\n"
            "RowFilter(=,'binary:a'\n                      ^");
  EXPECT_EQ(Error("RowFilter(=,'binary:a)"),
            "column 13: unterminated quoted string\nRowFilter(=,'binary:a)\n            ^");
  EXPECT_PRED2(StartsWith, Error("RowFilter(x,'binary:a')"),
               "column 11: unexpected word 'x': arguments are quoted strings, integers, true/f");
  EXPECT_PRED2(
      StartsWith, Error("RowFilter('binary:a',=)"),
      "column 11: RowFilter argument 1: expected a comparison operator (<, <=, =, !=, >, ");
  EXPECT_PRED2(StartsWith, Error("RowFilter(=,'foo:a')"),
               "column 13: unknown comparator type 'foo': expect");
  EXPECT_PRED2(StartsWith, Error("RowFilter(=,'nocolon')"),
               "column 13: comparator 'nocolon' has no typ");
  EXPECT_PRED2(StartsWith, Error("RowFilter(=,'regexstring:(')"),
               "column 13: bad regular expression '(': ");
  EXPECT_PRED2(StartsWith, Error("RowFilter(<,'regexstring:a')"),
               "column 11: A regexstring comparator and substring comparator can only be used with "
               "EQUAL and NOT_EQUAL");
  EXPECT_PRED2(StartsWith, Error("RowFilter(=)"),
               "column 1: RowFilter takes 2 arguments (<op>, '<comparator>'), got 1");
  EXPECT_PRED2(StartsWith, Error("PageFilter('x')"),
               "column 12: PageFilter argument 1: expected a non-negati");
  EXPECT_PRED2(StartsWith, Error("PageFilter(99999999999999999999)"), "column 12: integer ");
  EXPECT_PRED2(StartsWith, Error("PrefixFilter('a') PrefixFilter('b')"),
               "column 19: unexpected 'PrefixFilter' after ");
  EXPECT_EQ(Error("(PrefixFilter('a')").substr(0, 26), "column 19: expected ')', f");
  EXPECT_PRED2(StartsWith, Error("PrefixFilter 'a'"), "column 14: expected '(' after PrefixFil");
  EXPECT_PRED2(StartsWith, Error("RowFilter(!,'binary:a')"), "column 11: '!' must be fo");
  EXPECT_PRED2(StartsWith, Error("RowFilter(=;'binary:a')"), "column 12: unexpected character ';'");
  EXPECT_EQ(Error(""), "column 1: empty filter\n\n^");
  EXPECT_PRED2(StartsWith, Error(std::string(150, '(')), "column 101: filter nested too deeply");
  EXPECT_PRED2(StartsWith, Error("SingleColumnValueFilter('a','b',=,'binary:c',true)"),
               "column 1: SingleColumnValueFilter takes 4 or 6");
  EXPECT_PRED2(StartsWith, Error("SingleColumnValueFilter('a','b',=,'binary:c',1,true)"),
               "column 46: SingleColumnValueFilter argument 5: expected true");
  EXPECT_PRED2(StartsWith, Error("ColumnRangeFilter('a',1,'b',true)"),
               "column 23: ColumnRangeFilter argument 2: expected true");
  EXPECT_PRED2(StartsWith, Error("FirstKeyOnlyFilter(1)"),
               "column 1: FirstKeyOnlyFilter takes no a");
  EXPECT_PRED2(StartsWith, Error("TimestampsFilter('a')"),
               "column 18: TimestampsFilter argument 1: expected a");
  // A bad filter reaches the caller of Scan and Get as InvalidArgument.
  ScanSpec s;
  s.filter = "Nope()";
  EXPECT_TRUE(table_->Scan(s).error().IsInvalidArgument());
  EXPECT_TRUE(table_->Get({.row = "r1", .filter = "Nope()"}).error().IsInvalidArgument());
}

}  // namespace
}  // namespace smartcar::table
