#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "core/event_time.h"
#include "workflow/cron.h"
#include "workflow/workflow.h"

namespace smartcar::workflow {
namespace {

int64_t Utc(int y, unsigned mo, unsigned d, int h, int mi) {
  return (DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60) * 1000;
}

TEST(CronTest, FieldsStepsRangesListsAndNames) {
  auto c = CronSpec::Parse("*/15 9-17/4 * jan-mar,dec mon-fri");
  ASSERT_TRUE(c.has_value()) << c.error().message();
  EXPECT_TRUE(c->MatchesTime(9, 0));
  EXPECT_TRUE(c->MatchesTime(13, 45));
  EXPECT_FALSE(c->MatchesTime(10, 0));
  EXPECT_FALSE(c->MatchesTime(9, 10));
  EXPECT_TRUE(c->MatchesDay(2020, 3, 23));   // A Monday in March.
  EXPECT_FALSE(c->MatchesDay(2020, 3, 22));  // A Sunday.
  EXPECT_FALSE(c->MatchesDay(2020, 4, 20));  // April.
  // Day of month and day of week both restricted: either matches (Vixie cron).
  auto either = CronSpec::Parse("0 0 1 * 0");
  ASSERT_TRUE(either.has_value());
  EXPECT_TRUE(either->MatchesDay(2020, 3, 1));                         // The 1st (a Sunday too).
  EXPECT_TRUE(either->MatchesDay(2020, 3, 8));                         // A Sunday.
  EXPECT_TRUE(either->MatchesDay(2020, 4, 1));                         // The 1st, a Wednesday.
  EXPECT_FALSE(either->MatchesDay(2020, 4, 2));                        // Neither.
  EXPECT_TRUE(CronSpec::Parse("0 0 * * 7")->MatchesDay(2020, 3, 22));  // 7 = Sunday.
  EXPECT_EQ(CronSpec::Parse("* * *").error().message(),
            "a cron expression has 5 fields (MIN HOUR DOM MON DOW), not 3");
  EXPECT_EQ(CronSpec::Parse("0 0 5-1 * *").error().message(),
            "day of month range '5-1' runs backwards");
}

TEST(ScheduleTest, DailyInSeoulFiresAtTheLocalTime) {
  Schedule s;
  s.enabled = true;
  s.cron = "30 1 * * *";
  s.timezone = "Asia/Seoul";  // UTC+9, no DST.
  // 2020-03-22 00:00 UTC is 09:00 in Seoul: the next 01:30 Seoul is 2020-03-22 16:30 UTC.
  EXPECT_EQ(NextFireMs(s, Utc(2020, 3, 22, 0, 0)).value(), Utc(2020, 3, 22, 16, 30));
  s.timezone = "UTC";
  EXPECT_EQ(NextFireMs(s, Utc(2020, 3, 22, 0, 0)).value(), Utc(2020, 3, 22, 1, 30));
  EXPECT_EQ(NextFireMs(s, Utc(2020, 3, 22, 1, 30)).value(), Utc(2020, 3, 23, 1, 30));
}

// Daylight saving in New York (2021): 02:30 on March 14 does not exist (fires after the gap, at
// 03:30 EDT); 01:30 on November 7 happens twice (its first instant, EDT). Zones are read per call,
// so threads asking for different zones at once get their own answers.
TEST(ScheduleTest, DaylightSavingGapsAndRepeatsAndThreads) {
  const std::string ny = "America/New_York";
  EXPECT_EQ(FromLocal(CivilMinute{2021, 3, 14, 2, 30}, ny), Utc(2021, 3, 14, 7, 30));
  EXPECT_EQ(FromLocal(CivilMinute{2021, 11, 7, 1, 30}, ny), Utc(2021, 11, 7, 5, 30));
  const CivilMinute back = ToLocal(Utc(2021, 11, 7, 6, 30), ny);  // The second 01:30 (EST).
  EXPECT_EQ(back.hour, 1);
  EXPECT_EQ(back.minute, 30);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (const char* zone : {"Asia/Seoul", "America/New_York", "UTC", "Europe/Berlin"}) {
    threads.emplace_back([zone, &wrong] {
      const int64_t t = Utc(2022, 4, 26, 12, 0);
      const CivilMinute want = ToLocal(t, zone);
      for (int i = 0; i < 2000; ++i) {
        const CivilMinute got = ToLocal(t, zone);
        if (got.hour != want.hour || got.day != want.day) ++wrong;
        if (FromLocal(got, zone) != t) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(ToLocal(Utc(2022, 4, 26, 12, 0), "Asia/Seoul").hour, 21);
}

TEST(ScheduleTest, DueDaysCatchUpFromStartAndSkipWhatIsDone) {
  Schedule s;
  s.enabled = true;
  s.cron = "30 1 * * *";
  s.timezone = "UTC";
  s.start = "20200318";
  s.lag_days = 1;
  auto none_done = [](const std::string&) { return false; };
  // 2020-03-22 01:00: today's fire (01:30) has not come: the last working day is 03-20.
  auto due = DueDays(s, Utc(2020, 3, 22, 1, 0), none_done);
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(*due, (std::vector<std::string>{"20200318", "20200319", "20200320"}));
  // After 01:30 the 21st is due too; the done days are skipped.
  due = DueDays(s, Utc(2020, 3, 22, 2, 0),
                [](const std::string& d) { return d == "20200318" || d == "20200320"; });
  EXPECT_EQ(*due, (std::vector<std::string>{"20200319", "20200321"}));
  // Without catch-up only the latest.
  s.catchup = false;
  EXPECT_EQ(DueDays(s, Utc(2020, 3, 22, 2, 0), none_done).value(),
            (std::vector<std::string>{"20200321"}));
  // Weekly (Mondays, for the week before): only Mondays' working days.
  Schedule weekly;
  weekly.enabled = true;
  weekly.cron = "0 6 * * mon";
  weekly.timezone = "UTC";
  weekly.start = "20200301";
  weekly.lag_days = 0;
  EXPECT_EQ(DueDays(weekly, Utc(2020, 3, 17, 0, 0), none_done).value(),
            (std::vector<std::string>{"20200302", "20200309", "20200316"}));
}

}  // namespace
}  // namespace smartcar::workflow
