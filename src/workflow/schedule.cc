// When schedules fire and which working days are due.
#include <algorithm>

#include "core/event_time.h"
#include "workflow/cron.h"
#include "workflow/workflow.h"

namespace smartcar::workflow {
namespace {

constexpr int kSearchDays = 366 * 8 + 2;  // Covers "29 Feb on a Monday" style rarities.
constexpr int64_t kMaxCatchupDays = 3660;

// The first fire time on local date `days` (days since the epoch), or -1 if none.
int64_t FirstFireOn(const CronSpec& spec, const Schedule& s, int64_t days) {
  const CivilDate d = CivilFromDays(days);
  if (!spec.MatchesDay(d.year, static_cast<int>(d.month), static_cast<int>(d.day))) return -1;
  for (int h = 0; h < 24; ++h) {
    for (int m = 0; m < 60; ++m) {
      if (!spec.MatchesTime(h, m)) continue;
      const CivilMinute local{d.year, static_cast<int>(d.month), static_cast<int>(d.day), h, m};
      const int64_t t = FromLocal(local, s.timezone);
      const CivilMinute back = ToLocal(t, s.timezone);
      if (back.year == d.year && back.month == static_cast<int>(d.month) &&
          back.day == static_cast<int>(d.day)) {
        return t;
      }
    }
  }
  return -1;
}

}  // namespace

Result<int64_t> NextFireMs(const Schedule& s, int64_t after_ms) {
  auto spec = CronSpec::Parse(s.cron);
  if (!spec) return Err(spec.error());
  const CivilMinute l = ToLocal(after_ms, s.timezone);
  const int64_t day0 =
      DaysFromCivil(l.year, static_cast<unsigned>(l.month), static_cast<unsigned>(l.day));
  for (int k = 0; k < kSearchDays; ++k) {
    const CivilDate d = CivilFromDays(day0 + k);
    if (!spec->MatchesDay(d.year, static_cast<int>(d.month), static_cast<int>(d.day))) continue;
    for (int h = 0; h < 24; ++h) {
      for (int m = 0; m < 60; ++m) {
        if (!spec->MatchesTime(h, m)) continue;
        const int64_t t =
            FromLocal(CivilMinute{d.year, static_cast<int>(d.month), static_cast<int>(d.day), h, m},
                      s.timezone);
        if (t > after_ms) return t;
      }
    }
  }
  return Err(Status::NotFound("schedule '" + s.cron + "' never fires"));
}

Result<std::vector<std::string>> DueDays(const Schedule& s, int64_t now_ms,
                                         const std::function<bool(const std::string&)>& done) {
  auto spec = CronSpec::Parse(s.cron);
  if (!spec) return Err(spec.error());
  const CivilMinute today = ToLocal(now_ms, s.timezone);
  const int64_t today_days = DaysFromCivil(today.year, static_cast<unsigned>(today.month),
                                           static_cast<unsigned>(today.day));
  // The latest working day whose fire time has passed.
  int64_t last = -1;
  for (int64_t fire_day = today_days; fire_day > today_days - kSearchDays; --fire_day) {
    const int64_t t = FirstFireOn(*spec, s, fire_day);
    if (t >= 0 && t <= now_ms) {
      last = fire_day - s.lag_days;
      break;
    }
  }
  std::vector<std::string> due;
  if (last < 0) return due;
  int64_t first = last;
  if (s.catchup && !s.start.empty()) {
    auto start = ParseDate8(s.start);
    if (!start) return Err(start.error());
    first = std::max(*start, last - kMaxCatchupDays);
  }
  for (int64_t w = first; w <= last; ++w) {
    if (w != last && FirstFireOn(*spec, s, w + s.lag_days) < 0) continue;  // Not a fire day.
    const std::string day = FormatDate8FromDays(w);
    if (!done(day)) due.push_back(day);
  }
  return due;
}

}  // namespace smartcar::workflow
