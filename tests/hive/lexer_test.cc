#include "hive/lexer.h"

#include <gtest/gtest.h>

namespace smartcar::hive {
namespace {

TEST(HiveLexerTest, TokensCarryLineAndColumn) {
  auto t = Tokenize("select a,\n  `my col` from t -- note\nwhere x >= 1.5e3", 5);
  ASSERT_TRUE(t) << t.error().message();
  ASSERT_EQ(t->size(), 11u);
  EXPECT_TRUE((*t)[0].IsWord("SELECT"));
  EXPECT_EQ((*t)[3].kind, TokenKind::kQuotedIdent);
  EXPECT_EQ((*t)[3].text, "my col");
  EXPECT_EQ((*t)[3].line, 6);
  EXPECT_EQ((*t)[3].column, 3);
  EXPECT_TRUE((*t)[6].IsWord("where"));
  EXPECT_EQ((*t)[6].line, 7);
  EXPECT_TRUE((*t)[8].IsSymbol(">="));
  EXPECT_EQ((*t)[9].kind, TokenKind::kNumber);
  EXPECT_EQ((*t)[9].text, "1.5e3");
  EXPECT_EQ(t->back().kind, TokenKind::kEnd);
}

TEST(HiveLexerTest, StringsDecodeHiveEscapesInBothQuotes) {
  auto t = Tokenize(R"('\001' "a\"b" 'it''s' '\t\\' ",")");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ((*t)[0].text, std::string("\x01"));
  EXPECT_EQ((*t)[1].text, "a\"b");
  EXPECT_EQ((*t)[1].quote, '"');
  // Hive joins adjacent literals: 'it''s' is "its".
  EXPECT_EQ((*t)[2].text, "its");
  EXPECT_EQ((*t)[3].text, "\t\\");
  EXPECT_EQ((*t)[4].text, ",");
}

TEST(HiveLexerTest, UnterminatedStringSaysWhere) {
  auto t = Tokenize("select\n  'abc from t");
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message().find("line 2:3"), std::string::npos) << t.error().message();
  EXPECT_NE(t.error().message().find("unterminated"), std::string::npos);
}

}  // namespace
}  // namespace smartcar::hive
