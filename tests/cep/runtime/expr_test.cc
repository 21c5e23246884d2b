// Expression semantics through whole statements (no window: one row per matching event).
#include <gtest/gtest.h>

#include "cep/cep_test_util.h"
#include "cep/runtime/expr.h"

namespace smartcar::cep {
namespace {

constexpr char kLine[] = "20220426000002,W0003,3,0,L1,N,25,B09\n";

// The single row `select <exprs> from DriverCarInfo` produces for kLine.
std::string Row(const std::string& exprs) {
  testing::RunOutput out = testing::RunEpl("select " + exprs + " from DriverCarInfo", kLine);
  EXPECT_TRUE(out.status.ok()) << out.status.ToString();
  if (out.lines.size() != 1) return "<" + std::to_string(out.lines.size()) + " rows>";
  const std::string& l = out.lines[0];
  const size_t p = l.find("\"row\":") + 6;
  return l.substr(p, l.size() - p - 1);
}

TEST(ExprTest, FieldsInBothSpellings) {
  EXPECT_EQ(Row("date, carNumber, car_number, speedPedal, breakPedal, steerAngle, directLight, "
                "speed, areaNumber"),
            "{\"date\":\"20220426000002\",\"carNumber\":\"W0003\",\"car_number\":\"W0003\","
            "\"speedPedal\":3,\"breakPedal\":0,\"steerAngle\":\"L1\",\"directLight\":\"N\","
            "\"speed\":25,\"areaNumber\":\"B09\"}");
}

TEST(ExprTest, Arithmetic) {
  EXPECT_EQ(Row("speed + 1 as a, speed - 30 as b, speed * 2 as c, speed / 2 as d, speed % 7 as "
                "e, -speed as f, speed * 1.5 as g, speed / 0 as h, speed % 0 as i"),
            "{\"a\":26,\"b\":-5,\"c\":50,\"d\":12.5,\"e\":4,\"f\":-25,\"g\":37.5,\"h\":null,"
            "\"i\":null}");
  EXPECT_EQ(Row("date + 1000 as t, date - date as z"), "{\"t\":\"20220426000003\",\"z\":0}");
}

TEST(ExprTest, DateComparesWithFourteenDigitStrings) {
  EXPECT_EQ(Row("date >= '20220426000002' as a, date < '20220426000001' as b, date between "
                "'20220426000000' and '20220426000010' as c, date in ('20220426000002') as d, "
                "'20220426000003' > date as e"),
            "{\"a\":true,\"b\":false,\"c\":true,\"d\":true,\"e\":true}");
}

TEST(ExprTest, ComparisonsAndLogicWithNull) {
  EXPECT_EQ(Row("speed > 20 as a, speed <= 20 as b, speed = 25 as c, speed != 25 as d, "
                "speed <> 25 as e, null = 1 as f, true and null as g, false and null as h, "
                "true or null as i, not (speed > 1) as j"),
            "{\"a\":true,\"b\":false,\"c\":true,\"d\":false,\"e\":false,\"f\":null,\"g\":null,"
            "\"h\":false,\"i\":true,\"j\":false}");
}

TEST(ExprTest, BetweenInLikeRegexpIsNull) {
  EXPECT_EQ(Row("speed between 20 and 30 as a, speed between 30 and 20 as b, speed not between "
                "1 and 5 as c, carNumber in ('W0003', 'O0012') as d, speed not in (1, 2) as e, "
                "speed in (1, null) as f, areaNumber like 'B%' as g, areaNumber like '_0_' as h, "
                "carNumber like 'W%3' as i, carNumber regexp '[A-Z][0-9]{4}' as j, areaNumber "
                "not regexp 'B.*' as k, speed is null as l, speed is not null as m"),
            "{\"a\":true,\"b\":true,\"c\":true,\"d\":true,\"e\":true,\"f\":null,\"g\":true,"
            "\"h\":true,\"i\":true,\"j\":true,\"k\":false,\"l\":false,\"m\":true}");
}

TEST(ExprTest, CaseForms) {
  EXPECT_EQ(Row("case when speed > 100 then 'fast' when speed > 20 then 'ok' else 'slow' end as "
                "a, case steerAngle when 'F' then 0 when 'L1' then 1 end as b, case when speed > "
                "100 then 1 end as c, case when speed > 1 then 1 else 2.5 end as d"),
            "{\"a\":\"ok\",\"b\":1,\"c\":null,\"d\":1.0}");
}

TEST(ExprTest, Functions) {
  EXPECT_EQ(Row("abs(-speed) as a, round(2.5) as b, round(2.345, 2) as c, floor(2.7) as d, "
                "ceil(2.1) as e, sqrt(16) as f, pow(2, 10) as g, coalesce(null, speed) as h, "
                "substr(carNumber, 2) as i, substr(carNumber, 2, 2) as j, upper('ab') as k, "
                "lower(carNumber) as l, length(carNumber) as m, trim('  x ') as n, "
                "concat(carNumber, '-', areaNumber) as o, max(speed, 30, 7) as p, min(speed, "
                "3.5) as q, carNumber || areaNumber as r"),
            "{\"a\":25,\"b\":3.0,\"c\":2.35,\"d\":2.0,\"e\":3.0,\"f\":4.0,\"g\":1024.0,\"h\":25,"
            "\"i\":\"0003\",\"j\":\"00\",\"k\":\"AB\",\"l\":\"w0003\",\"m\":5,\"n\":\"x\","
            "\"o\":\"W0003-B09\",\"p\":30,\"q\":3.5,\"r\":\"W0003B09\"}");
}

TEST(ExprTest, Casts) {
  EXPECT_EQ(Row("cast(speed, double) as a, cast(speed as string) as b, cast('42', int) as c, "
                "cast('x', int) as d, cast(2.9, long) as e, cast(date, string) as f, "
                "cast('true', boolean) as g, cast('1.5', double) as h"),
            "{\"a\":25.0,\"b\":\"25\",\"c\":42,\"d\":null,\"e\":2,\"f\":\"20220426000002\","
            "\"g\":true,\"h\":1.5}");
}

TEST(ExprTest, JsonEscaping) {
  EXPECT_EQ(Row("'a\"b\\\\c' as s, 'tab\\there' as t"),
            "{\"s\":\"a\\\"b\\\\c\",\"t\":\"tab\\there\"}");
}

TEST(ExprTest, LikeMatcher) {
  EXPECT_TRUE(LikeMatch("", "%"));
  EXPECT_TRUE(LikeMatch("abc", "a%c"));
  EXPECT_TRUE(LikeMatch("abc", "%%c"));
  EXPECT_FALSE(LikeMatch("abc", "a_"));
  EXPECT_TRUE(LikeMatch("a%c", "a\\%c"));
  EXPECT_FALSE(LikeMatch("abc", "a\\%c"));
  EXPECT_TRUE(LikeMatch("aaab", "%ab"));
}

}  // namespace
}  // namespace smartcar::cep
