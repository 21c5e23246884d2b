#include "rdbms/delimited.h"

#include <gtest/gtest.h>

#include "rdbms/sqoop.h"

namespace smartcar::rdbms {
namespace {

std::string Get(const ConnectParams& p, const std::string& key) {
  for (const auto& [k, v] : p) {
    if (k == key) return v;
  }
  return "<none>";
}

TEST(JdbcUrlTest, ThePilotsUrlNamesHostPortAndDatabase) {
  auto p = ParseJdbcUrl("jdbc:postgresql://127.0.0.1:7432/postgres");
  ASSERT_TRUE(p.has_value()) << p.error().message();
  EXPECT_EQ(Get(*p, "host"), "127.0.0.1");
  EXPECT_EQ(Get(*p, "port"), "7432");
  EXPECT_EQ(Get(*p, "dbname"), "postgres");
}

TEST(JdbcUrlTest, DefaultsSeveralHostsAndProperties) {
  auto p = ParseJdbcUrl(
      "jdbc:postgresql://db1,db2:6000,[::1]:7000/bank%20dw?currentSchema=warehouse&ssl=true&"
      "connectTimeout=3");
  ASSERT_TRUE(p.has_value()) << p.error().message();
  EXPECT_EQ(Get(*p, "host"), "db1,db2,::1");
  EXPECT_EQ(Get(*p, "port"), "5432,6000,7000");
  EXPECT_EQ(Get(*p, "dbname"), "bank dw");
  EXPECT_EQ(Get(*p, "options"), "-c search_path=warehouse");
  EXPECT_EQ(Get(*p, "sslmode"), "require");
  EXPECT_EQ(Get(*p, "connect_timeout"), "3");
  auto local = ParseJdbcUrl("jdbc:postgresql:smartcar");
  ASSERT_TRUE(local.has_value());
  EXPECT_EQ(Get(*local, "dbname"), "smartcar");
  EXPECT_EQ(Get(*local, "host"), "<none>");
}

TEST(JdbcUrlTest, OtherDriversAndBadPartsAreRefusedByName) {
  auto mysql = ParseJdbcUrl("jdbc:mysql://localhost/db");
  ASSERT_FALSE(mysql.has_value());
  EXPECT_NE(mysql.error().message().find("'mysql' JDBC driver is not supported"),
            std::string::npos);
  auto port = ParseJdbcUrl("jdbc:postgresql://h:70000/db");
  ASSERT_FALSE(port.has_value());
  EXPECT_NE(port.error().message().find("port '70000'"), std::string::npos);
  auto prop = ParseJdbcUrl("jdbc:postgresql://h/db?sslmdoe=require");
  ASSERT_FALSE(prop.has_value());
  EXPECT_NE(prop.error().message().find("'sslmdoe'"), std::string::npos);
  EXPECT_FALSE(ParseJdbcUrl("jdbc:postgresql://h/d%zz").has_value());
  EXPECT_FALSE(ParseJdbcUrl("jdbc:postgresql://h/d%4").has_value());
  EXPECT_FALSE(ParseJdbcUrl("//h/db").has_value());
  EXPECT_FALSE(ParseJdbcUrl("jdbc:postgresql://[::1/db").has_value());
}

TEST(DelimitedTest, SplitsPlainFieldsKeepingEmptyOnes) {
  TextFormat f;
  std::vector<std::string_view> fields;
  std::vector<bool> enclosed;
  std::string scratch;
  ASSERT_TRUE(SplitFields("A0001,,52.3,", f, &fields, &enclosed, &scratch));
  EXPECT_EQ(fields, (std::vector<std::string_view>{"A0001", "", "52.3", ""}));
  f.fields_terminated_by = '\t';
  ASSERT_TRUE(SplitFields("a,b\tc", f, &fields, &enclosed, &scratch));
  EXPECT_EQ(fields, (std::vector<std::string_view>{"a,b", "c"}));
}

TEST(DelimitedTest, EnclosedFieldsHoldDelimitersQuotesAndNewlines) {
  TextFormat f;
  f.enclosed_by = '"';
  f.escaped_by = '"';
  std::vector<std::string_view> fields;
  std::vector<bool> enclosed;
  std::string scratch;
  ASSERT_TRUE(SplitFields(R"("a,b","say ""hi""",null,"null")", f, &fields, &enclosed, &scratch));
  EXPECT_EQ(fields, (std::vector<std::string_view>{"a,b", "say \"hi\"", "null", "null"}));
  EXPECT_EQ(enclosed, (std::vector<bool>{true, true, false, true}));
  EXPECT_FALSE(
      SplitFields("x,\"first line", f, &fields, &enclosed, &scratch));  // Open: needs the next.
  ASSERT_TRUE(SplitFields("x,\"first line\nsecond\"", f, &fields, &enclosed, &scratch));
  EXPECT_EQ(fields[1], "first line\nsecond");
  TextFormat esc;
  esc.escaped_by = '\\';
  ASSERT_TRUE(SplitFields(R"(a\,b,c\\)", esc, &fields, &enclosed, &scratch));
  EXPECT_EQ(fields, (std::vector<std::string_view>{"a,b", "c\\"}));
}

TEST(DelimitedTest, CopyTextEscapesWhatCopyWouldMisread) {
  std::string out;
  AppendCopyText("plain", &out);
  AppendCopyText("a\tb\nc\\d\re", &out);
  EXPECT_EQ(out, "plaina\\tb\\nc\\\\d\\re");
}

TEST(DelimitedTest, DelimiterFlagsAcceptSqoopsEscapes) {
  EXPECT_EQ(ParseDelimiterFlag(",", "f").value(), ',');
  EXPECT_EQ(ParseDelimiterFlag("\\t", "f").value(), '\t');
  EXPECT_EQ(ParseDelimiterFlag("\\001", "f").value(), '\001');
  EXPECT_EQ(ParseDelimiterFlag("\\x01", "f").value(), '\001');
  EXPECT_EQ(ParseDelimiterFlag("\\u0001", "f").value(), '\001');
  EXPECT_EQ(ParseDelimiterFlag("\\0", "f").value(), '\0');
  auto bad = ParseDelimiterFlag("ab", "--input-fields-terminated-by");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("--input-fields-terminated-by 'ab'"), std::string::npos);
  EXPECT_FALSE(ParseDelimiterFlag("\\999", "f").has_value());
  EXPECT_FALSE(ParseDelimiterFlag("\\x", "f").has_value());
}

}  // namespace
}  // namespace smartcar::rdbms
