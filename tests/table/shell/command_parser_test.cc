// The HBase shell statement parser: values, hashes, arrays, escapes, splitting and errors.
#include "table/shell/command_parser.h"

#include <gtest/gtest.h>

namespace smartcar::table::shell {
namespace {

TEST(CommandParserTest, ParsesTheSeedsScan) {
  auto c = ParseCommand(
      "scan 'DriverCarInfo', {COLUMNS=>['cf1:car_number','cf1:area_number'],\n"
      "         FILTER=>\"RowFilter(=,'regexstring:62402202') AND "
      "SingleColumnValueFilter('cf1','area_number',=,'regexstring:F06')\"}");
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->name, "scan");
  ASSERT_EQ(c->args.size(), 2u);
  EXPECT_EQ(c->args[0].text, "DriverCarInfo");
  const Value* cols = c->args[1].Find("COLUMNS");
  ASSERT_NE(cols, nullptr);
  ASSERT_EQ(cols->array.size(), 2u);
  EXPECT_EQ(cols->array[1].text, "cf1:area_number");
  EXPECT_EQ(c->args[1].Find("FILTER")->text,
            "RowFilter(=,'regexstring:62402202') AND "
            "SingleColumnValueFilter('cf1','area_number',=,'regexstring:F06')");
}

TEST(CommandParserTest, ValuesAndTrailingHash) {
  auto c = ParseCommand("create 't1', {NAME => 'f1', VERSIONS => 3}, SPLITS => ['10', '20']");
  ASSERT_TRUE(c.has_value());
  ASSERT_EQ(c->args.size(), 3u);
  EXPECT_EQ(c->args[1].Find("VERSIONS")->integer, 3);
  EXPECT_EQ(c->args[2].Find("SPLITS")->array.size(), 2u);
  auto e = ParseCommand(R"(put 't', "a\x00b\n", 'it\'s', 1_000, true)");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->args[1].text, std::string("a\0b\n", 4));
  EXPECT_EQ(e->args[2].text, "it's");
  EXPECT_EQ(e->args[3].integer, 1000);
  EXPECT_EQ(e->args[4].kind, Value::Kind::kWord);
  EXPECT_EQ(ParseCommand("list")->args.size(), 0u);
}

TEST(CommandParserTest, ErrorsHaveColumnAndCaret) {
  EXPECT_EQ(ParseCommand("scan 't' {LIMIT=>1}").error().message(),
            "column 10: expected ',' between arguments\nscan 't' {LIMIT=>1}\n         ^");
  EXPECT_EQ(ParseCommand("get 't', 'r").error().message(),
            "column 10: unterminated string\nget 't', 'r\n         ^");
  EXPECT_EQ(ParseCommand("scan 't', {A=>1,\nB 2}").error().message(),
            "line 2, column 3: expected '=>' after hash key 'B'\nB 2}\n  ^");
  EXPECT_FALSE(ParseCommand("scan 't', [1, 2").has_value());
  EXPECT_FALSE(ParseCommand("scan 't', {[1] => 2}").has_value());
  EXPECT_FALSE(ParseCommand("put 't', 99999999999999999999").has_value());
  EXPECT_FALSE(ParseCommand("put 't', k => 1, 'x'").has_value());
  EXPECT_FALSE(ParseCommand("").has_value());
  EXPECT_FALSE(ParseCommand("put 't',").has_value());
  EXPECT_FALSE(ParseCommand("put \"\\x\"").has_value());
  EXPECT_NE(ParseCommand("put " + std::string(5000, '[')).error().message().find("too deeply"),
            std::string::npos);
}

TEST(CommandParserTest, SplitsStatements) {
  EXPECT_EQ(SplitStatements("list; exists 't'\n\n# comment\nscan 't', {LIMIT => 1,\n STOPROW => "
                            "'a;b'}\ncount 't' # trailing\n"),
            (std::vector<std::string>{"list", "exists 't'",
                                      "scan 't', {LIMIT => 1,\n STOPROW => 'a;b'}", "count 't'"}));
  EXPECT_FALSE(IsStatementComplete("scan 't', {LIMIT => 1,"));
  EXPECT_FALSE(IsStatementComplete("scan 't',"));
  EXPECT_FALSE(IsStatementComplete("put 't', 'a"));
  EXPECT_TRUE(IsStatementComplete("scan 't'"));
}

}  // namespace
}  // namespace smartcar::table::shell
