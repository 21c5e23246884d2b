#include "hive/script.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace smartcar::hive {
namespace {

TEST(HiveScriptTest, SplitsAtSemicolonsOutsideQuotesAndComments) {
  auto s = SplitStatements(
      "set a=1;  \n-- a comment; still a comment\nselect ';' , \"x;y\", `c;d` from t;\n\n"
      "select 2\n;  -- trailing\n");
  ASSERT_TRUE(s) << s.error().message();
  ASSERT_EQ(s->size(), 3u);
  EXPECT_EQ((*s)[0].text, "set a=1");
  EXPECT_EQ((*s)[0].line, 1);
  EXPECT_NE((*s)[1].text.find("select ';' , \"x;y\", `c;d` from t"), std::string::npos);
  // The text begins right after the first ';' (line 1); the select itself is on line 3.
  EXPECT_EQ((*s)[1].line, 1);
  EXPECT_NE((*s)[2].text.find("select 2"), std::string::npos);
  EXPECT_EQ((*s)[2].line, 3);
}

TEST(HiveScriptTest, AnOpenQuoteIsAnErrorNamingItsLine) {
  auto s = SplitStatements("select 1;\nselect 'abc;\n");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("line 2"), std::string::npos) << s.error().message();
}

TEST(HiveScriptTest, SubstitutesHiveVariables) {
  Variables v;
  v.hivevar["working_day"] = "20220426";
  v.hiveconf["hive.x"] = "on";
  ::setenv("SMARTCAR_HIVE_TEST_VAR", "env-value", 1);
  EXPECT_EQ(Substitute("wrk_date='${working_day}' and '${hivevar:working_day}'", v),
            "wrk_date='20220426' and '20220426'");
  EXPECT_EQ(Substitute("${hiveconf:hive.x} ${env:SMARTCAR_HIVE_TEST_VAR}", v), "on env-value");
  // Undefined references stay as written, as in Hive.
  EXPECT_EQ(Substitute("${nope} ${hivevar:nope} $x {y}", v), "${nope} ${hivevar:nope} $x {y}");
}

}  // namespace
}  // namespace smartcar::hive
