// Civil-time arithmetic (Howard Hinnant's days_from_civil / civil_from_days), parsing of the
// pilot's 14-digit stamps and 8-digit days, and their formatting (also as ISO 8601 UTC).
#include "core/event_time.h"

#include <cstdio>

namespace smartcar {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms).
constexpr int64_t FloorDiv(int64_t a, int64_t b) { return (a >= 0 ? a : a - b + 1) / b; }

bool ParseDigits(std::string_view s, size_t pos, size_t n, unsigned* out) {
  unsigned v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

void Put2(char* out, unsigned v) {
  out[0] = static_cast<char>('0' + v / 10);
  out[1] = static_cast<char>('0' + v % 10);
}

}  // namespace

int64_t DaysFromCivil(int year, unsigned month, unsigned day) {
  const int64_t y = static_cast<int64_t>(year) - (month <= 2);
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t mp = (month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const unsigned d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const unsigned m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return CivilDate{static_cast<int>(yoe + era * 400 + (m <= 2)), m, d};
}

bool IsValidDate(int year, unsigned month, unsigned day) {
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  unsigned max = kDays[month - 1];
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && leap) max = 29;
  return day <= max;
}

Result<EventTimeMs> ParseTimestamp14(std::string_view s) {
  if (s.size() != kTimestampDigits) {
    return Err(Status::InvalidArgument("'" + std::string(s) + "' is not 14 digits yyyyMMddHHmmss"));
  }
  unsigned y, mo, d, h, mi, se;
  if (!ParseDigits(s, 0, 4, &y) || !ParseDigits(s, 4, 2, &mo) || !ParseDigits(s, 6, 2, &d) ||
      !ParseDigits(s, 8, 2, &h) || !ParseDigits(s, 10, 2, &mi) || !ParseDigits(s, 12, 2, &se)) {
    return Err(Status::InvalidArgument("'" + std::string(s) + "' is not 14 digits yyyyMMddHHmmss"));
  }
  if (!IsValidDate(static_cast<int>(y), mo, d)) {
    return Err(Status::InvalidArgument("'" + std::string(s) + "' is not a valid date"));
  }
  const bool end_of_day = h == 24 && mi == 0 && se == 0;
  if ((h > 23 && !end_of_day) || mi > 59 || se > 59) {
    return Err(Status::InvalidArgument("'" + std::string(s) + "' is not a valid time of day"));
  }
  const int64_t days = DaysFromCivil(static_cast<int>(y), mo, d);
  const int64_t secs = days * 86400 + h * 3600 + mi * 60 + se;
  return EventTimeMs{secs * kMsPerSecond};
}

Result<int64_t> ParseDate8(std::string_view s) {
  unsigned y, mo, d;
  if (s.size() != 8 || !ParseDigits(s, 0, 4, &y) || !ParseDigits(s, 4, 2, &mo) ||
      !ParseDigits(s, 6, 2, &d)) {
    return Err(Status::InvalidArgument("'" + std::string(s) + "' is not a date yyyyMMdd"));
  }
  if (!IsValidDate(static_cast<int>(y), mo, d)) {
    return Err(Status::InvalidArgument("'" + std::string(s) + "' is not a valid date"));
  }
  return DaysFromCivil(static_cast<int>(y), mo, d);
}

void FormatTimestamp14(EventTimeMs t, char* out) {
  const int64_t secs = FloorDiv(t.value, kMsPerSecond);
  const int64_t days = FloorDiv(secs, 86400);
  const int64_t sod = secs - days * 86400;
  const CivilDate date = CivilFromDays(days);
  const unsigned y = static_cast<unsigned>(date.year);
  Put2(out, y / 100);
  Put2(out + 2, y % 100);
  Put2(out + 4, date.month);
  Put2(out + 6, date.day);
  Put2(out + 8, static_cast<unsigned>(sod / 3600));
  Put2(out + 10, static_cast<unsigned>(sod / 60 % 60));
  Put2(out + 12, static_cast<unsigned>(sod % 60));
}

std::string FormatTimestamp14(EventTimeMs t) {
  std::string s(kTimestampDigits, '0');
  FormatTimestamp14(t, s.data());
  return s;
}

std::string FormatDate8(EventTimeMs t) { return FormatTimestamp14(t).substr(0, 8); }

std::string FormatDate8FromDays(int64_t days) {
  return FormatTimestamp14(EventTimeMs{days * kMsPerDay}).substr(0, 8);
}

std::string FormatIsoUtc(EventTimeMs t) {
  char digits[kTimestampDigits];
  FormatTimestamp14(t, digits);  // yyyyMMddHHmmss
  const std::string_view d(digits, kTimestampDigits);
  std::string out;
  out.reserve(20);
  out.append(d.substr(0, 4)).append("-").append(d.substr(4, 2)).append("-");
  out.append(d.substr(6, 2)).append("T").append(d.substr(8, 2)).append(":");
  out.append(d.substr(10, 2)).append(":").append(d.substr(12, 2)).append("Z");
  return out;
}

Result<int64_t> ParseTimeBound(std::string_view text, bool end) {
  if (text.size() == 8) {
    auto days = ParseDate8(text);
    if (!days) return Err(days.error());
    return (*days + (end ? 1 : 0)) * kMsPerDay;
  }
  if (text.size() == 14) {
    auto t = ParseTimestamp14(text);
    if (!t) return Err(t.error());
    return t->value + (end ? kMsPerSecond : 0);
  }
  return Err(
      Status::InvalidArgument("'" + std::string(text) + "' is not yyyyMMdd or yyyyMMddHHmmss"));
}

}  // namespace smartcar
