#include "core/event_time.h"

#include <gtest/gtest.h>

namespace smartcar {
namespace {

TEST(EventTimeTest, EpochAndKnownDates) {
  EXPECT_EQ(ParseTimestamp14("19700101000000")->value, 0);
  EXPECT_EQ(ParseTimestamp14("19700101000001")->value, 1000);
  // 2022-04-26 is day 19108 since the epoch.
  EXPECT_EQ(DaysFromCivil(2022, 4, 26), 19108);
  EXPECT_EQ(ParseTimestamp14("20220426061000")->value,
            (19108LL * 86400 + 6 * 3600 + 10 * 60) * 1000);
}

TEST(EventTimeTest, FormatRoundTripsOverManyDays) {
  for (int64_t day = -800; day < 800000; day += 997) {
    for (int64_t sec : {0, 1, 59, 3599, 43210, 86399}) {
      const EventTimeMs t{(day * 86400 + sec) * 1000};
      const std::string s = FormatTimestamp14(t);
      if (s[0] == '-') continue;
      auto back = ParseTimestamp14(s);
      ASSERT_TRUE(back.has_value()) << s << ": " << back.error().ToString();
      EXPECT_EQ(back->value, t.value) << s;
    }
  }
}

TEST(EventTimeTest, LeapDays) {
  EXPECT_TRUE(ParseTimestamp14("20240229120000").has_value());
  EXPECT_TRUE(ParseTimestamp14("20000229120000").has_value());
  EXPECT_FALSE(ParseTimestamp14("20230229120000").has_value());
  EXPECT_FALSE(ParseTimestamp14("19000229120000").has_value());
  EXPECT_EQ(FormatTimestamp14(*ParseTimestamp14("20240229235959")), "20240229235959");
}

TEST(EventTimeTest, Hour24IsStartOfNextDay) {
  auto end = ParseTimestamp14("20220426240000");
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(end->value, ParseTimestamp14("20220427000000")->value);
  EXPECT_EQ(FormatTimestamp14(*end), "20220427000000");
  // Year end and month end roll over too.
  EXPECT_EQ(FormatTimestamp14(*ParseTimestamp14("20221231240000")), "20230101000000");
  // Only 24:00:00 is allowed.
  EXPECT_FALSE(ParseTimestamp14("20220426240001").has_value());
  EXPECT_FALSE(ParseTimestamp14("20220426241000").has_value());
  EXPECT_FALSE(ParseTimestamp14("20220426250000").has_value());
}

TEST(EventTimeTest, RejectsMalformedStamps) {
  for (const char* bad : {"", "2022042606100", "202204260610000", "2022042606100x",
                          "20221301000000", "20220001000000", "20220400000000", "20220431000000",
                          "20220426066000", "20220426060060", " 0220426061000", "-0220426061000"}) {
    auto r = ParseTimestamp14(bad);
    EXPECT_FALSE(r.has_value()) << bad;
    if (!r) {
      EXPECT_NE(r.error().message().find('\''), std::string::npos) << r.error().message();
    }
  }
}

TEST(EventTimeTest, Date8) {
  EXPECT_EQ(*ParseDate8("20220426"), 19108);
  EXPECT_EQ(FormatDate8FromDays(19108), "20220426");
  EXPECT_FALSE(ParseDate8("2022042").has_value());
  EXPECT_FALSE(ParseDate8("20221326").has_value());
  EXPECT_FALSE(ParseDate8("2022-04-").has_value());
  EXPECT_EQ(CivilFromDays(19108), (CivilDate{2022, 4, 26}));
}

}  // namespace
}  // namespace smartcar

namespace smartcar {
namespace {

TEST(FormatIsoUtcTest, SecondsInUtc) {
  EXPECT_EQ(FormatIsoUtc(EventTimeMs{1650931200000 + 61'999}), "2022-04-26T00:01:01Z");
  EXPECT_EQ(FormatIsoUtc(EventTimeMs{0}), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace smartcar
