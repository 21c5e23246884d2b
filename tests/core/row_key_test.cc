#include "core/row_key.h"

#include <gtest/gtest.h>

#include "core/line_codec.h"

namespace smartcar {
namespace {

CarNumber Car(const char* s) {
  CarNumber c;
  EXPECT_TRUE(ParseCarNumber(s, &c).ok());
  return c;
}

TEST(RowKeyTest, MatchesThePilotsExample) {
  // SPEC §2: car O0010 at 20220426061000 has row key 00016062402202-O0010.
  EXPECT_EQ(MakeRowKey(*ParseTimestamp14("20220426061000"), Car("O0010")), "00016062402202-O0010");
}

TEST(RowKeyTest, RoundTrips) {
  const EventTimeMs t = *ParseTimestamp14("20231231235958");
  const std::string key = MakeRowKey(t, Car("Z9999"));
  EXPECT_EQ(key.size(), kRowKeySize);
  auto parts = ParseRowKey(key);
  ASSERT_TRUE(parts.has_value()) << parts.error().ToString();
  EXPECT_EQ(parts->time, t);
  EXPECT_EQ(parts->car_number.view(), "Z9999");
}

TEST(RowKeyTest, RejectsOtherKeys) {
  EXPECT_FALSE(ParseRowKey("row-key1").has_value());
  EXPECT_FALSE(ParseRowKey("00016062402202_O0010").has_value());
  EXPECT_FALSE(ParseRowKey("00016062402202-o0010").has_value());
  EXPECT_FALSE(ParseRowKey("99999999999999-O0010").has_value());
  // Hour 24 parses in a log line (the next day's midnight) but a row key has one spelling only.
  auto hour24 = ParseRowKey("00004250109116-N5555");
  ASSERT_FALSE(hour24.has_value());
  EXPECT_NE(hour24.error().message().find("not a canonical row key"), std::string::npos)
      << hour24.error().message();
  EXPECT_TRUE(ParseRowKey("00000060109116-N5555").has_value());
}

}  // namespace
}  // namespace smartcar
