// Cron expressions (Vixie cron's fields, names and steps) and civil time in a time zone.
#include "workflow/cron.h"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>
#include <strings.h>

#include <charconv>
#include <filesystem>
#include <vector>

#include "core/event_time.h"

namespace smartcar::workflow {
namespace {

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

Result<int> Number(std::string_view s, int lo, int hi, const char* const* names, int name_base,
                   const std::string& field) {
  if (names != nullptr && s.size() == 3) {
    for (int i = 0; names[i] != nullptr; ++i) {
      if (strncasecmp(s.data(), names[i], 3) == 0) return name_base + i;
    }
  }
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) {
    return Err(Status::InvalidArgument(field + " '" + std::string(s) + "' is not from " +
                                       std::to_string(lo) + " to " + std::to_string(hi)));
  }
  return v;
}

template <size_t N>
Status ParseField(std::string_view text, int lo, int hi, const char* const* names, int name_base,
                  const std::string& field, std::bitset<N>* bits, bool* star) {
  *star = text == "*" || text == "?";
  for (std::string_view part : Split(text, ',')) {
    int step = 1;
    if (const size_t slash = part.find('/'); slash != std::string_view::npos) {
      auto s = Number(part.substr(slash + 1), 1, hi, nullptr, 0, field + " step");
      if (!s) return s.error();
      step = *s;
      part = part.substr(0, slash);
    }
    int a = lo, b = hi;
    if (part != "*" && part != "?") {
      const size_t dash = part.find('-');
      auto first = Number(part.substr(0, dash), lo, hi, names, name_base, field);
      if (!first) return first.error();
      a = b = *first;
      if (dash != std::string_view::npos) {
        auto last = Number(part.substr(dash + 1), lo, hi, names, name_base, field);
        if (!last) return last.error();
        b = *last;
        if (b < a) {
          return Status::InvalidArgument(field + " range '" + std::string(part) +
                                         "' runs backwards");
        }
      } else if (step > 1) {
        b = hi;  // "5/15" = from 5 every 15.
      }
    }
    for (int v = a; v <= b; v += step) bits->set(static_cast<size_t>(v % static_cast<int>(N)));
  }
  return Status::OK();
}

const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",  "jul",
                               "aug", "sep", "oct", "nov", "dec", nullptr};
const char* const kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", nullptr};

// The zone's rules from /usr/share/zoneinfo (Abseil keeps loaded zones; thread-safe). UTC, or
// UTC for a name CheckTimeZone refused (callers check first).
absl::TimeZone Zone(const std::string& zone) {
  absl::TimeZone tz = absl::UTCTimeZone();
  if (zone != "UTC") (void)absl::LoadTimeZone(zone, &tz);
  return tz;
}

}  // namespace

Result<CronSpec> CronSpec::Parse(std::string_view text) {
  std::vector<std::string_view> f;
  for (std::string_view part : Split(text, ' ')) {
    if (!part.empty()) f.push_back(part);
  }
  if (f.size() != 5) {
    return Err(Status::InvalidArgument(
        "a cron expression has 5 fields (MIN HOUR DOM MON DOW), not " + std::to_string(f.size())));
  }
  CronSpec c;
  bool star = false;
  SMARTCAR_RETURN_IF_ERROR(ParseField(f[0], 0, 59, nullptr, 0, "minute", &c.minutes_, &star));
  SMARTCAR_RETURN_IF_ERROR(ParseField(f[1], 0, 23, nullptr, 0, "hour", &c.hours_, &star));
  SMARTCAR_RETURN_IF_ERROR(
      ParseField(f[2], 1, 31, nullptr, 0, "day of month", &c.days_, &c.dom_star_));
  SMARTCAR_RETURN_IF_ERROR(ParseField(f[3], 1, 12, kMonths, 1, "month", &c.months_, &star));
  SMARTCAR_RETURN_IF_ERROR(
      ParseField(f[4], 0, 7, kDays, 0, "day of week", &c.weekdays_, &c.dow_star_));
  return c;
}

bool CronSpec::MatchesDay(int year, int month, int day) const {
  if (!months_.test(static_cast<size_t>(month))) return false;
  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4).
  const bool dom = days_.test(static_cast<size_t>(day));
  const bool dow = weekdays_.test(static_cast<size_t>(weekday));
  if (dom_star_ || dow_star_) return dom && dow;
  return dom || dow;
}

bool CronSpec::MatchesTime(int hour, int minute) const {
  return hours_.test(static_cast<size_t>(hour)) && minutes_.test(static_cast<size_t>(minute));
}

Status CheckTimeZone(const std::string& zone) {
  if (zone == "UTC") return Status::OK();
  std::error_code ec;
  if (zone.empty() || zone.find("..") != std::string::npos || zone[0] == '/' ||
      !std::filesystem::is_regular_file("/usr/share/zoneinfo/" + zone, ec)) {
    return Status::InvalidArgument("time zone '" + zone +
                                   "' is unknown (an IANA name such as Asia/Seoul, from "
                                   "/usr/share/zoneinfo; or UTC)");
  }
  return Status::OK();
}

CivilMinute ToLocal(int64_t epoch_ms, const std::string& zone) {
  const absl::CivilSecond c =
      absl::ToCivilSecond(absl::FromUnixSeconds(epoch_ms / 1000), Zone(zone));
  return CivilMinute{static_cast<int>(c.year()), c.month(), c.day(), c.hour(), c.minute()};
}

int64_t FromLocal(const CivilMinute& local, const std::string& zone) {
  const absl::CivilSecond c(local.year, local.month, local.day, local.hour, local.minute, 0);
  // A time skipped by a DST change: `pre` (the offset before the change) lands after the gap,
  // as mktime does; a repeated time: the first of the two instants.
  return absl::ToUnixSeconds(Zone(zone).At(c).pre) * 1000;
}

}  // namespace smartcar::workflow
