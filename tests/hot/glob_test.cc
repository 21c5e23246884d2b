#include "hot/glob.h"

#include <gtest/gtest.h>

namespace smartcar::hot {
namespace {

TEST(GlobTest, MatchesLikeRedis) {
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("*", "anything"));
  EXPECT_TRUE(GlobMatch("2022042?", "20220426"));
  EXPECT_FALSE(GlobMatch("2022042?", "202204261"));
  EXPECT_TRUE(GlobMatch("h*llo", "heeello"));
  EXPECT_TRUE(GlobMatch("h*llo", "hllo"));
  EXPECT_FALSE(GlobMatch("h*llo", "hlo"));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo"));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_TRUE(GlobMatch("h[b-a]llo", "hallo"));  // Reversed ranges work, as in Redis.
  EXPECT_TRUE(GlobMatch("a\\*b", "a*b"));
  EXPECT_FALSE(GlobMatch("a\\*b", "axb"));
  EXPECT_TRUE(GlobMatch("*:*", "20220426:O0010"));
  EXPECT_FALSE(GlobMatch("*:*", "20220426"));
  EXPECT_TRUE(GlobMatch("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "aXbYbZ"));
}

TEST(GlobTest, MalformedPatternsNeverFail) {
  EXPECT_TRUE(GlobMatch("a[bc", "ab"));  // Unclosed class runs to the end.
  EXPECT_FALSE(GlobMatch("a\\", "ab"));
  EXPECT_TRUE(GlobMatch("a\\", "a\\"));  // A trailing backslash is literal.
  EXPECT_FALSE(GlobMatch("[", ""));
}

TEST(GlobTest, EscapeMatchesOnlyItself) {
  const std::string odd = "a*b?[c]\\d";
  EXPECT_TRUE(GlobMatch(GlobEscape(odd), odd));
  EXPECT_FALSE(GlobMatch(GlobEscape(odd), "aXb?[c]\\d"));
  EXPECT_TRUE(GlobMatch(GlobEscape("overspeed:") + "*", "overspeed:20220426"));
}

TEST(GlobTest, LiteralPrefix) {
  EXPECT_EQ(GlobLiteralPrefix("20220426:*"), "20220426:");
  EXPECT_EQ(GlobLiteralPrefix("*"), "");
  EXPECT_EQ(GlobLiteralPrefix("ab?c"), "ab");
  EXPECT_EQ(GlobLiteralPrefix("a\\*b*"), "a*b");
  EXPECT_EQ(GlobLiteralPrefix("plain"), "plain");
}

}  // namespace
}  // namespace smartcar::hot
