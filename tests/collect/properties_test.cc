#include "collect/properties.h"

#include <gtest/gtest.h>

namespace smartcar::collect {
namespace {

TEST(PropertiesTest, FlumeSyntax) {
  auto p = ParseProperties(
      "# comment\n"
      "! also a comment\n"
      "a.b = 1\n"
      "  spaced.key   =   value with spaces   \n"
      "colon:x\n"
      "ws y\n"
      "regex = ^\\\\d{14}\n"
      "cont = one \\\n"
      "       two\n"
      "uni = \\u00e9\\t!\n"
      "empty =\n"
      "a.b = 2\n");
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  EXPECT_EQ(p->at("a.b").value, "2");
  EXPECT_EQ(p->at("a.b").line, 12);
  EXPECT_EQ(p->at("spaced.key").value, "value with spaces");
  EXPECT_EQ(p->at("colon").value, "x");
  EXPECT_EQ(p->at("ws").value, "y");
  EXPECT_EQ(p->at("regex").value, "^\\d{14}");
  EXPECT_EQ(p->at("cont").value, "one two");
  EXPECT_EQ(p->at("cont").line, 8);
  EXPECT_EQ(p->at("uni").value, "\xc3\xa9\t!");
  EXPECT_EQ(p->at("empty").value, "");
  EXPECT_EQ(p->size(), 8u);
}

TEST(PropertiesTest, MalformedUnicodeEscapeNamesTheLine) {
  auto p = ParseProperties("a = 1\nb = \\u12\n");
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().message(), "line 2: malformed \\uXXXX escape");
}

TEST(PropertiesTest, MissingFileIsNotFound) {
  auto p = LoadProperties("/nonexistent/agent.properties");
  ASSERT_FALSE(p.has_value());
  EXPECT_TRUE(p.error().IsNotFound());
  EXPECT_NE(p.error().message().find("/nonexistent/agent.properties"), std::string::npos);
}

}  // namespace
}  // namespace smartcar::collect
