// The analyzer and planner through Compile: field spellings, aliases, aggregate slots, result
// types, INSERT INTO streams, annotations, and the errors with line and column.
#include "cep/planner/planner.h"

#include <gtest/gtest.h>

#include "cep/cep_test_util.h"
#include "cep/parser/parser.h"

namespace smartcar::cep {
namespace {

using testing::CompileError;

std::vector<std::shared_ptr<const StatementPlan>> Plans(const std::string& epl) {
  Result<CompiledRule> r = Compile(epl);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
  return r ? r->statements() : std::vector<std::shared_ptr<const StatementPlan>>{};
}

TEST(AnalyzerTest, BothFieldSpellingsResolveToTheSameField) {
  auto p = Plans(
      "select car_number, carNumber, speed_pedal, speedPedal, break_pedal, breakPedal, "
      "steer_angle, steerAngle, direct_light, directLight, area_number, areaNumber, date, speed "
      "from DriverCarInfo");
  ASSERT_EQ(p.size(), 1u);
  const auto& s = p[0]->select;
  for (size_t i = 0; i + 1 < 12; i += 2) {
    EXPECT_EQ(s[i].op, Op::kField);
    EXPECT_EQ(s[i].index, s[i + 1].index) << i;
  }
  EXPECT_EQ(s[12].type, Type::kTime);
  EXPECT_EQ(s[13].type, Type::kInt);
  EXPECT_EQ(p[0]->columns[1], "carNumber");
}

TEST(AnalyzerTest, BeanAliasAndStreamPrefixes) {
  auto p = Plans("select d.speed, DriverCarInfoBean.speed from DriverCarInfoBean as d");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0]->select[0].index, p[0]->select[1].index);
  EXPECT_EQ(p[0]->input->name, "DriverCarInfo");
}

TEST(AnalyzerTest, NamesAndStarColumns) {
  auto p = Plans("@Name('a') select * from DriverCarInfo; select count(*) from DriverCarInfo");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0]->name, "a");
  EXPECT_EQ(p[1]->name, "stmt-2");
  EXPECT_EQ(p[0]->columns,
            (std::vector<std::string>{"date", "car_number", "speed_pedal", "break_pedal",
                                      "steer_angle", "direct_light", "speed", "area_number"}));
  EXPECT_EQ(p[1]->columns, std::vector<std::string>{"count(*)"});
  EXPECT_TRUE(p[1]->aggregated);
}

TEST(AnalyzerTest, IdenticalAggregatesShareASlot) {
  auto p =
      Plans("select avg(speed), AVG(speed) + 1 as x from DriverCarInfo having avg(speed) > 80");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0]->aggs.size(), 1u);
}

TEST(AnalyzerTest, TypesOfResults) {
  auto p = Plans(
      "select sum(speed), sum(speed * 1.5), avg(speed), count(distinct carNumber), "
      "speed / 2, speed % 7, min(carNumber), round(2.5), coalesce(speed, 1.5) "
      "from DriverCarInfo");
  ASSERT_EQ(p.size(), 1u);
  const auto& s = p[0]->select;
  EXPECT_EQ(s[0].type, Type::kInt);
  EXPECT_EQ(s[1].type, Type::kDouble);
  EXPECT_EQ(s[2].type, Type::kDouble);
  EXPECT_EQ(s[3].type, Type::kInt);
  EXPECT_EQ(s[4].type, Type::kDouble);
  EXPECT_EQ(s[5].type, Type::kInt);
  EXPECT_EQ(s[6].type, Type::kString);
  EXPECT_EQ(s[7].type, Type::kDouble);
  EXPECT_EQ(s[8].type, Type::kDouble);
}

TEST(AnalyzerTest, InsertIntoDefinesAStream) {
  auto p = Plans(
      "insert into Fast select carNumber as car, speed from DriverCarInfo where speed > 100;\n"
      "select car, count(*) as n from Fast.win:length(2) group by car");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[1]->input->name, "Fast");
  EXPECT_EQ(p[1]->input->fields.size(), 2u);
  EXPECT_EQ(p[1]->input->fields[0].type, Type::kString);
}

TEST(AnalyzerTest, AllowedLatenessAnnotation) {
  auto p = Plans("@AllowedLateness('1 min') select * from DriverCarInfo");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(*p[0]->allowed_lateness_ms, 60000);
}

TEST(AnalyzerTest, UngroupedPropertiesAreDetected) {
  EXPECT_TRUE(
      Plans("select speed, avg(speed) from DriverCarInfo group by carNumber")[0]->ungrouped_props);
  EXPECT_FALSE(Plans("select carNumber, avg(speed) from DriverCarInfo group by carNumber")[0]
                   ->ungrouped_props);
}

TEST(AnalyzerTest, BadRegexpIsRejectedWithItsPosition) {
  // The reason after the colon comes from the C++ library's regex engine.
  EXPECT_EQ(CompileError("select speed from DriverCarInfo where carNumber regexp '[a-'")
                .rfind("line 1 column 56: invalid regular expression '[a-': ", 0),
            0u);
}

struct ErrorCase {
  const char* epl;
  const char* message;
};

class AnalyzerErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(AnalyzerErrorTest, ReportsWhereAndWhat) {
  EXPECT_EQ(CompileError(GetParam().epl), GetParam().message) << GetParam().epl;
}

INSTANTIATE_TEST_SUITE_P(
    Errors, AnalyzerErrorTest,
    ::testing::Values(
        ErrorCase{"select sped from DriverCarInfo",
                  "line 1 column 8: unknown field 'sped' in DriverCarInfo; did you mean "
                  "'speed'?"},
        ErrorCase{"select carNumbr from DriverCarInfo",
                  "line 1 column 8: unknown field 'carNumbr' in DriverCarInfo; did you mean "
                  "'carNumber'?"},
        ErrorCase{"select area_numbr from DriverCarInfo",
                  "line 1 column 8: unknown field 'area_numbr' in DriverCarInfo; did you mean "
                  "'area_number'?"},
        ErrorCase{"select SPEED_PEDAL from DriverCarInfo",
                  "line 1 column 8: unknown field 'SPEED_PEDAL' in DriverCarInfo; did you mean "
                  "'speed_pedal'?"},
        ErrorCase{"select xyz from DriverCarInfo",
                  "line 1 column 8: unknown field 'xyz' in DriverCarInfo"},
        ErrorCase{"select speed from DriverCarInfo\nwhere avg(sped) > 1",
                  "line 2 column 7: aggregate function 'avg(sped)' is not allowed in the WHERE "
                  "clause"},
        ErrorCase{"select speed from DriverCarnfo",
                  "line 1 column 19: unknown event type 'DriverCarnfo'; did you mean "
                  "'DriverCarInfo'?"},
        ErrorCase{"select speed from Foo", "line 1 column 19: unknown event type 'Foo'"},
        ErrorCase{"select x.speed from DriverCarInfo as d",
                  "line 1 column 8: unknown stream 'x' in 'x.speed'; the statement selects from "
                  "DriverCarInfo as d"},
        ErrorCase{"select a.b.c from DriverCarInfo",
                  "line 1 column 8: nested property 'a.b.c' is not supported"},
        ErrorCase{"select speed from DriverCarInfo where speed",
                  "line 1 column 39: the WHERE clause needs a boolean condition, but 'speed' is "
                  "long"},
        ErrorCase{"select speed from DriverCarInfo(carNumber)",
                  "line 1 column 33: a stream filter needs a boolean condition, but 'carNumber' "
                  "is string"},
        ErrorCase{"select speed from DriverCarInfo(count(*) > 1)",
                  "line 1 column 33: aggregate function 'count(*)' is not allowed in a stream "
                  "filter"},
        ErrorCase{"select speed from DriverCarInfo group by count(*)",
                  "line 1 column 42: aggregate function 'count(*)' is not allowed in the GROUP "
                  "BY clause"},
        ErrorCase{"select speed from DriverCarInfo having speed + 1",
                  "line 1 column 40: the HAVING clause needs a boolean condition, but 'speed + "
                  "1' is long"},
        ErrorCase{"select avg(sum(speed)) from DriverCarInfo",
                  "line 1 column 12: aggregate function 'sum(speed)' cannot be nested inside "
                  "another aggregate"},
        ErrorCase{"select avg(carNumber) from DriverCarInfo",
                  "line 1 column 12: avg needs a numeric parameter, but 'carNumber' is string"},
        ErrorCase{"select sum(*) from DriverCarInfo",
                  "line 1 column 8: only count accepts '*', usage: sum(numeric expr)"},
        ErrorCase{"select avg(speed, 1) from DriverCarInfo",
                  "line 1 column 8: avg expects 1 parameter but got 2, usage: avg(numeric "
                  "expr)"},
        ErrorCase{"select last(distinct speed) from DriverCarInfo",
                  "line 1 column 8: DISTINCT is not supported in last(), usage: last(expr)"},
        ErrorCase{"select abs(distinct speed) from DriverCarInfo",
                  "line 1 column 8: DISTINCT is only allowed in aggregates"},
        ErrorCase{"select avgg(speed) from DriverCarInfo",
                  "line 1 column 8: unknown function 'avgg'; did you mean 'avg'?"},
        ErrorCase{"select frobnicate(speed) from DriverCarInfo",
                  "line 1 column 8: unknown function 'frobnicate'"},
        ErrorCase{"select abs(speed, 2) from DriverCarInfo",
                  "line 1 column 8: abs got 2 parameters, usage: abs(number)"},
        ErrorCase{"select abs(carNumber) from DriverCarInfo",
                  "line 1 column 8: abs does not accept (string), usage: abs(number)"},
        ErrorCase{"select upper(*) from DriverCarInfo",
                  "line 1 column 14: '*' is only allowed in count(*)"},
        ErrorCase{"select cast(speed, money) from DriverCarInfo",
                  "line 1 column 20: unknown type 'money' in cast; use int, long, double, "
                  "string or boolean"},
        ErrorCase{"select cast(speed) from DriverCarInfo",
                  "line 1 column 8: usage: cast(expr, type) with type one of int, long, double, "
                  "string, boolean"},
        ErrorCase{"select speed from DriverCarInfo where carNumber > 80",
                  "line 1 column 39: operator '>' cannot compare string 'carNumber' with long "
                  "'80'"},
        ErrorCase{"select speed + carNumber from DriverCarInfo",
                  "line 1 column 8: operator '+' cannot join long and string; use cast(x, "
                  "string)"},
        ErrorCase{"select speed * carNumber from DriverCarInfo",
                  "line 1 column 8: operator '*' needs numbers, but got long and string"},
        ErrorCase{"select -carNumber from DriverCarInfo",
                  "line 1 column 8: cannot negate 'carNumber' of type string"},
        ErrorCase{"select not speed from DriverCarInfo",
                  "line 1 column 12: the SELECT clause needs a boolean condition, but 'speed' is "
                  "long"},
        ErrorCase{"select speed and true from DriverCarInfo",
                  "line 1 column 8: the SELECT clause needs a boolean condition, but 'speed' is "
                  "long"},
        ErrorCase{"select speed from DriverCarInfo where speed between 'a' and 5",
                  "line 1 column 39: cannot compare long 'speed' with string ''a''"},
        ErrorCase{"select speed from DriverCarInfo where speed in (1, 'x')",
                  "line 1 column 39: cannot compare long 'speed' with string ''x''"},
        ErrorCase{"select speed from DriverCarInfo where speed like 'x%'",
                  "line 1 column 39: LIKE needs strings, but 'speed' is long"},
        ErrorCase{"select case when speed then 1 end from DriverCarInfo",
                  "line 1 column 18: the SELECT clause needs a boolean condition, but 'speed' is "
                  "long"},
        ErrorCase{"select case when speed > 1 then 1 else 'x' end from DriverCarInfo",
                  "line 1 column 40: CASE results mix long and string (''x'')"},
        ErrorCase{"select case speed when 'a' then 1 end from DriverCarInfo",
                  "line 1 column 8: CASE operand 'speed' cannot be compared with ''a''"},
        ErrorCase{"select count(*) from DriverCarInfo.win:lenght(5)",
                  "line 1 column 36: unknown view 'win:lenght', known views: win:time(period); "
                  "win:time_batch(period); win:ext_timed(timestamp field, period); "
                  "win:ext_timed_batch(timestamp field, period[, reference point msec]); "
                  "win:length(count); win:length_batch(count); win:keepall(); std:unique(field); "
                  "std:lastevent()"},
        ErrorCase{"select count(*) from DriverCarInfo.std:length(5)",
                  "line 1 column 36: unknown view 'std:length', known views: win:time(period); "
                  "win:time_batch(period); win:ext_timed(timestamp field, period); "
                  "win:ext_timed_batch(timestamp field, period[, reference point msec]); "
                  "win:length(count); win:length_batch(count); win:keepall(); std:unique(field); "
                  "std:lastevent()"},
        ErrorCase{"select count(*) from DriverCarInfo.win:length()",
                  "line 1 column 36: win:length expects 1 parameter but got 0, usage: "
                  "win:length(count)"},
        ErrorCase{"select count(*) from DriverCarInfo#length(0)",
                  "line 1 column 43: #length parameter 1 must be a positive integer count (at "
                  "most 100000000)"},
        ErrorCase{"select count(*) from DriverCarInfo.win:length(2.5)",
                  "line 1 column 47: win:length parameter 1 must be a positive integer count (at "
                  "most 100000000)"},
        ErrorCase{"select count(*) from DriverCarInfo.win:time('x')",
                  "line 1 column 45: win:time parameter 1 must be a time period such as 30 sec or "
                  "1 min 30 sec"},
        ErrorCase{"select count(*) from DriverCarInfo.win:time(0 sec)",
                  "line 1 column 45: win:time parameter 1 must be a time period of at least 1 "
                  "msec"},
        ErrorCase{"select count(*) from DriverCarInfo.win:time_batch(30 sec, 1)",
                  "line 1 column 36: win:time_batch expects 1 parameter but got 2, usage: "
                  "win:time_batch(period)"},
        ErrorCase{"select count(*) from DriverCarInfo.win:ext_timed_batch(dat, 30 sec)",
                  "line 1 column 56: unknown field 'dat' in DriverCarInfo; did you mean "
                  "'date'?"},
        ErrorCase{"select count(*) from DriverCarInfo.win:ext_timed_batch(carNumber, 30 sec)",
                  "line 1 column 56: win:ext_timed_batch needs a timestamp field (time or long), "
                  "but 'carNumber' is string"},
        ErrorCase{"select count(*) from DriverCarInfo.win:ext_timed(speed + 1, 30 sec)",
                  "line 1 column 50: win:ext_timed parameter 1 must be a field name of "
                  "DriverCarInfo"},
        ErrorCase{"select count(*) from DriverCarInfo.win:ext_timed_batch(date, 30 sec, 'x')",
                  "line 1 column 70: win:ext_timed_batch parameter 3 must be a reference point "
                  "in epoch msec"},
        ErrorCase{"select count(*) from DriverCarInfo.std:unique(nope)",
                  "line 1 column 47: unknown field 'nope' in DriverCarInfo"},
        ErrorCase{"select count(*) from DriverCarInfo.std:lastevent(1)",
                  "line 1 column 36: std:lastevent expects 0 parameters but got 1, usage: "
                  "std:lastevent()"},
        ErrorCase{"select count(*) from DriverCarInfo.std:unique(carNumber).win:length(2)",
                  "line 1 column 58: only one data window per stream is supported, got "
                  "win:length after std:unique"},
        ErrorCase{"select speed, speed from DriverCarInfo",
                  "line 1 column 15: duplicate column name 'speed'; use AS to rename it"},
        ErrorCase{"select * from DriverCarInfo output snapshot every 1 sec",
                  "line 1 column 29: OUTPUT SNAPSHOT is not supported; use OUTPUT ALL, FIRST or "
                  "LAST"},
        ErrorCase{"select * from DriverCarInfo output every 2.5 events",
                  "line 1 column 29: OUTPUT EVERY n EVENTS needs a positive whole number"},
        ErrorCase{"select * from DriverCarInfo output every 0 sec",
                  "line 1 column 29: OUTPUT EVERY needs a time period of at least 1 msec"},
        ErrorCase{"insert into DriverCarInfo select * from DriverCarInfo",
                  "line 1 column 13: statement inserts into 'DriverCarInfo', the stream it "
                  "selects from"},
        ErrorCase{"insert into S select speed from DriverCarInfo;\n"
                  "insert into S select carNumber from DriverCarInfo",
                  "line 2 column 13: stream 'S' is already defined with different columns"},
        ErrorCase{"@Name('a') select * from DriverCarInfo;\n@Name('a') select * from "
                  "DriverCarInfo",
                  "line 2 column 1: duplicate statement name 'a'"},
        ErrorCase{"@Nmae('a') select * from DriverCarInfo",
                  "line 1 column 1: unknown annotation '@Nmae'; known: @Name, @AllowedLateness, "
                  "@Description, @Tag, @Priority, @Hint, @Audit"},
        ErrorCase{"@Name('') select * from DriverCarInfo",
                  "line 1 column 1: @Name needs a non-empty name"},
        ErrorCase{"@AllowedLateness('soon') select * from DriverCarInfo",
                  "line 1 column 1: @AllowedLateness: 'soon' is not a time period such as 10 "
                  "sec or 1 min"},
        ErrorCase{"select count(*) from DriverCarInfo where *",
                  "Incorrect syntax near '*' at line 1 column 42: expected an expression"},
        ErrorCase{"-- nothing here\n", "the rule file has no statements"}));

}  // namespace
}  // namespace smartcar::cep
