// Event time: the pilot's 14-digit `yyyyMMddHHmmss` stamps and epoch milliseconds.
//
// The pilot's times are local wall-clock times with no zone. We treat them as "civil time":
// the arithmetic is UTC's (no time zone, no DST, no locale), so a stamp maps to exactly one
// number of milliseconds and back. Hour 24 is accepted only as 24:00:00 and means 00:00:00 of
// the next day (ISO 8601's "end of day"); formatting never produces hour 24.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace smartcar {

// Milliseconds since 1970-01-01T00:00:00 civil time. A strong type so it is not mixed up with
// durations, offsets or counts.
struct EventTimeMs {
  int64_t value = 0;
  friend auto operator<=>(const EventTimeMs&, const EventTimeMs&) = default;
};

inline constexpr int64_t kMsPerSecond = 1000;
inline constexpr int64_t kMsPerDay = 86'400'000;
inline constexpr size_t kTimestampDigits = 14;

// Days since 1970-01-01 for a proleptic Gregorian date (any year, month 1-12, day 1-31).
int64_t DaysFromCivil(int year, unsigned month, unsigned day);

// A calendar date (no time of day).
struct CivilDate {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;
  friend bool operator==(const CivilDate&, const CivilDate&) = default;
};
CivilDate CivilFromDays(int64_t days);

// True if y-m-d names a real day (leap years included).
bool IsValidDate(int year, unsigned month, unsigned day);

// Parses exactly 14 digits `yyyyMMddHHmmss`. On error, the message says why without a field
// prefix (e.g. "'20221301000000' has month 13"); callers add where.
Result<EventTimeMs> ParseTimestamp14(std::string_view digits);

// Parses an 8-digit `yyyyMMdd` day and returns days since the epoch.
Result<int64_t> ParseDate8(std::string_view digits);

// A bound of an event-time range given as a day `yyyyMMdd` or a second `yyyyMMddHHmmss`, in ms:
// the day's (second's) first ms, or with `end` the next day's (second's), so that [from, to) of
// two inclusive bounds covers both. InvalidArgument ("'x' is not yyyyMMdd or yyyyMMddHHmmss", or
// why the date is wrong) without a field prefix.
Result<int64_t> ParseTimeBound(std::string_view text, bool end);

// Writes the 14 digits of `t` to out[0..13]. REQUIRES: t is in years 0000-9999.
void FormatTimestamp14(EventTimeMs t, char* out);
std::string FormatTimestamp14(EventTimeMs t);
// `yyyyMMdd` of the day `t` falls in.
std::string FormatDate8(EventTimeMs t);
std::string FormatDate8FromDays(int64_t days);
// ISO 8601 in UTC to the second, "2026-12-02T17:30:00Z", for wall-clock moments in messages.
std::string FormatIsoUtc(EventTimeMs t);

}  // namespace smartcar
