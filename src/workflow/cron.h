// Cron expressions and time zones for workflow schedules (internal to workflow/; exposed for
// tests and the fuzz target).
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace smartcar::workflow {

// A local civil time, to the minute.
struct CivilMinute {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
  int hour = 0;
  int minute = 0;
};

// Five-field cron: "MIN HOUR DOM MON DOW", each `*`, a number, a range `a-b`, a step `*/n` or
// `a-b/n`, or a comma list of these; months and weekdays also by English three-letter names;
// weekday 0 and 7 are Sunday. As Vixie cron: when both DOM and DOW are restricted, a day
// matching either fires.
class CronSpec {
 public:
  // InvalidArgument saying which field is wrong and why.
  static Result<CronSpec> Parse(std::string_view text);
  bool MatchesDay(int year, int month, int day) const;
  bool MatchesTime(int hour, int minute) const;

 private:
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1-31
  std::bitset<13> months_;   // 1-12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool dom_star_ = true;
  bool dow_star_ = true;
};

// OK for "UTC" and for names with a zoneinfo file (Asia/Seoul); InvalidArgument otherwise.
Status CheckTimeZone(const std::string& zone);
// Epoch ms → local civil time in `zone`, and back (the first matching instant; a time skipped by
// a DST change moves forward as mktime does).
CivilMinute ToLocal(int64_t epoch_ms, const std::string& zone);
int64_t FromLocal(const CivilMinute& local, const std::string& zone);

}  // namespace smartcar::workflow
