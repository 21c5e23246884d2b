// The strict parsers and the formatters of driving-log and status-log lines (line_codec.h), the
// field-name tables, and the SteerAngle / DirectLight names.
#include "core/line_codec.h"

#include "core/decimal.h"
#include "core/escape.h"

#include <cstring>

namespace smartcar {

const std::string_view kDriverFieldNames[kDriverFieldCount] = {
    "date",        "car_number",   "speed_pedal", "break_pedal",
    "steer_angle", "direct_light", "speed",       "area_number"};
const std::string_view kStatusFieldNames[kStatusFieldCount] = {
    "reg_date", "car_number", "tire_fl",  "tire_fr", "tire_bl", "tire_br", "light_fl",
    "light_fr", "light_bl",   "light_br", "engine",  "break",   "battery"};

std::string_view SteerAngleName(SteerAngle a) {
  static constexpr std::string_view kNames[] = {"F", "L1", "L2", "L3", "R1", "R2", "R3"};
  return kNames[static_cast<int>(a)];
}

std::string_view DirectLightName(DirectLight d) {
  static constexpr std::string_view kNames[] = {"N", "L", "R"};
  return kNames[static_cast<int>(d)];
}

namespace {

// Splits `line` on commas into at most `max` fields. Returns the number of fields found, or
// max + 1 if there are more.
template <int kMax>
int SplitFields(std::string_view line, std::string_view (&fields)[kMax]) {
  int n = 0;
  const char* p = line.data();
  const char* end = p + line.size();
  while (true) {
    const void* hit = std::memchr(p, ',', static_cast<size_t>(end - p));
    const char* comma = hit ? static_cast<const char*>(hit) : end;
    if (n == kMax) return kMax + 1;
    fields[n++] = std::string_view(p, static_cast<size_t>(comma - p));
    if (comma == end) return n;
    p = comma + 1;
  }
}

std::string_view StripCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

Status FieldError(const std::string_view* names, int index, std::string_view value,
                  std::string_view reason) {
  std::string msg =
      "field " + std::to_string(index + 1) + " (" + std::string(names[index]) + "): '";
  // Keep messages readable for binary garbage: show at most 40 bytes.
  msg += EscapeBytes(value.substr(0, 40));
  if (value.size() > 40) msg += "...";
  msg += "' ";
  msg += reason;
  return Status::InvalidArgument(msg);
}

Status CountError(int found, int expected) {
  return Status::InvalidArgument("expected " + std::to_string(expected) +
                                 " comma-separated fields, found " +
                                 (found > expected ? "more" : std::to_string(found)));
}

// Parses a non-negative decimal integer of at most 9 digits in [0, max].
bool ParseSmallInt(std::string_view s, int32_t max, int32_t* out, const char** reason) {
  if (s.empty() || s.size() > 9) {
    *reason = s.empty() ? "is empty; expected an integer" : "is not an integer in range";
    return false;
  }
  int32_t v = 0;
  for (char c : s) {
    const unsigned d = static_cast<unsigned char>(c) - '0';
    if (d > 9) {
      *reason = "is not an integer";
      return false;
    }
    v = v * 10 + static_cast<int32_t>(d);
  }
  if (v > max) {
    *reason = "is out of range";
    return false;
  }
  *out = v;
  return true;
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool ValidCar(std::string_view s) {
  return s.size() == 5 && IsUpper(s[0]) && IsDigit(s[1]) && IsDigit(s[2]) && IsDigit(s[3]) &&
         IsDigit(s[4]);
}

bool ParseSteer(std::string_view s, SteerAngle* out) {
  if (s.size() == 1 && s[0] == 'F') {
    *out = SteerAngle::kF;
    return true;
  }
  if (s.size() != 2 || s[1] < '1' || s[1] > '3') return false;
  const int step = s[1] - '1';
  if (s[0] == 'L') {
    *out = static_cast<SteerAngle>(static_cast<int>(SteerAngle::kL1) + step);
    return true;
  }
  if (s[0] == 'R') {
    *out = static_cast<SteerAngle>(static_cast<int>(SteerAngle::kR1) + step);
    return true;
  }
  return false;
}

bool ParseLight(std::string_view s, DirectLight* out) {
  if (s.size() != 1) return false;
  switch (s[0]) {
    case 'N':
      *out = DirectLight::kN;
      return true;
    case 'L':
      *out = DirectLight::kL;
      return true;
    case 'R':
      *out = DirectLight::kR;
      return true;
    default:
      return false;
  }
}

void AppendTime(EventTimeMs t, std::string* out) {
  char buf[kTimestampDigits];
  FormatTimestamp14(t, buf);
  out->append(buf, kTimestampDigits);
}

}  // namespace

Status ParseCarNumber(std::string_view text, CarNumber* out) {
  if (!ValidCar(text)) {
    return Status::InvalidArgument("'" + EscapeBytes(text.substr(0, 40)) +
                                   "' is not a car number (letter + 4 digits, e.g. O0010)");
  }
  std::memcpy(out->chars.data(), text.data(), 5);
  return Status::OK();
}

Result<LineKind> ParseDriverLine(std::string_view line, DriverEvent* out) {
  line = StripCr(line);
  std::string_view f[kDriverFieldCount];
  const int n = SplitFields(line, f);
  if (n != kDriverFieldCount) return Err(CountError(n, kDriverFieldCount));
  DriverEvent e;
  // The timestamp's first byte tells a header from a record cheaply.
  if (f[0].empty() || !IsDigit(f[0][0])) {
    if (line == kPilotDriverHeader || line == kDriverHeader) return LineKind::kHeader;
  }
  auto t = ParseTimestamp14(f[0]);
  if (!t) return Err(t.error().WithPrefix("field 1 (date): "));
  e.time = *t;
  if (!ValidCar(f[1])) {
    return Err(FieldError(kDriverFieldNames, 1, f[1], "is not a car number (letter + 4 digits)"));
  }
  std::memcpy(e.car_number.chars.data(), f[1].data(), 5);
  const char* reason = nullptr;
  int32_t v = 0;
  if (!ParseSmallInt(f[2], kMaxSpeedPedal, &v, &reason)) {
    return Err(FieldError(kDriverFieldNames, 2, f[2], std::string(reason) + " (expected 0-5)"));
  }
  e.speed_pedal = static_cast<uint8_t>(v);
  if (!ParseSmallInt(f[3], kMaxBreakPedal, &v, &reason)) {
    return Err(FieldError(kDriverFieldNames, 3, f[3], std::string(reason) + " (expected 0-3)"));
  }
  e.break_pedal = static_cast<uint8_t>(v);
  if (!ParseSteer(f[4], &e.steer_angle)) {
    return Err(FieldError(kDriverFieldNames, 4, f[4], "is not one of F, L1, L2, L3, R1, R2, R3"));
  }
  if (!ParseLight(f[5], &e.direct_light)) {
    return Err(FieldError(kDriverFieldNames, 5, f[5], "is not one of N, L, R"));
  }
  if (!ParseSmallInt(f[6], kMaxSpeedKmh, &v, &reason)) {
    return Err(
        FieldError(kDriverFieldNames, 6, f[6], std::string(reason) + " (expected 0-400 km/h)"));
  }
  e.speed = v;
  const std::string_view a = f[7];
  if (a.size() != 3 || a[0] < 'A' || a[0] > 'F' || !IsDigit(a[1]) || !IsDigit(a[2])) {
    return Err(FieldError(kDriverFieldNames, 7, a, "is not an area number (A-F + 2 digits)"));
  }
  std::memcpy(e.area_number.chars.data(), a.data(), 3);
  *out = e;
  return LineKind::kRecord;
}

Result<LineKind> ParseStatusLine(std::string_view line, StatusEvent* out) {
  line = StripCr(line);
  std::string_view f[kStatusFieldCount];
  const int n = SplitFields(line, f);
  if (n != kStatusFieldCount) return Err(CountError(n, kStatusFieldCount));
  if (f[0].empty() || !IsDigit(f[0][0])) {
    if (line == kPilotStatusHeader || line == kStatusHeader) return LineKind::kHeader;
  }
  StatusEvent e;
  auto t = ParseTimestamp14(f[0]);
  if (!t) return Err(t.error().WithPrefix("field 1 (reg_date): "));
  e.time = *t;
  if (!ValidCar(f[1])) {
    return Err(FieldError(kStatusFieldNames, 1, f[1], "is not a car number (letter + 4 digits)"));
  }
  std::memcpy(e.car_number.chars.data(), f[1].data(), 5);
  const char* reason = nullptr;
  int32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    if (!ParseSmallInt(f[2 + i], kMaxTirePressure, &v, &reason)) {
      return Err(FieldError(kStatusFieldNames, 2 + i, f[2 + i],
                            std::string(reason) + " (expected 0-200)"));
    }
    e.tire[i] = static_cast<int16_t>(v);
  }
  for (int i = 0; i < 4; ++i) {
    const std::string_view s = f[6 + i];
    if (s.size() != 1 || (s[0] != '1' && s[0] != '2')) {
      return Err(
          FieldError(kStatusFieldNames, 6 + i, s, "is not a lamp state (1 = ok, 2 = fault)"));
    }
    e.light[i] = s[0] == '1' ? LampState::kOk : LampState::kFault;
  }
  const std::string_view eng = f[10];
  if (eng.size() != 1 || eng[0] < 'A' || eng[0] > 'C') {
    return Err(FieldError(kStatusFieldNames, 10, eng, "is not an engine state (A, B or C)"));
  }
  e.engine = eng[0];
  const std::string_view brk = f[11];
  if (brk.size() != 1 || (brk[0] != 'A' && brk[0] != 'B')) {
    return Err(FieldError(kStatusFieldNames, 11, brk, "is not a brake state (A or B)"));
  }
  e.brake = brk[0];
  if (!ParseSmallInt(f[12], kMaxBattery, &v, &reason)) {
    return Err(FieldError(kStatusFieldNames, 12, f[12], std::string(reason) + " (expected 0-100)"));
  }
  e.battery = static_cast<int16_t>(v);
  *out = e;
  return LineKind::kRecord;
}

void AppendDriverLine(const DriverEvent& e, std::string* out) {
  AppendTime(e.time, out);
  out->push_back(',');
  out->append(e.car_number.view());
  out->push_back(',');
  out->push_back(static_cast<char>('0' + e.speed_pedal));
  out->push_back(',');
  out->push_back(static_cast<char>('0' + e.break_pedal));
  out->push_back(',');
  out->append(SteerAngleName(e.steer_angle));
  out->push_back(',');
  out->append(DirectLightName(e.direct_light));
  out->push_back(',');
  AppendDecimal(e.speed, out);
  out->push_back(',');
  out->append(e.area_number.view());
}

void AppendStatusLine(const StatusEvent& e, std::string* out) {
  AppendTime(e.time, out);
  out->push_back(',');
  out->append(e.car_number.view());
  for (int16_t p : e.tire) {
    out->push_back(',');
    AppendDecimal(p, out);
  }
  for (LampState l : e.light) {
    out->push_back(',');
    out->push_back(l == LampState::kOk ? '1' : '2');
  }
  out->push_back(',');
  out->push_back(e.engine);
  out->push_back(',');
  out->push_back(e.brake);
  out->push_back(',');
  AppendDecimal(e.battery, out);
}

std::string FormatDriverLine(const DriverEvent& e) {
  std::string s;
  AppendDriverLine(e, &s);
  return s;
}

std::string FormatStatusLine(const StatusEvent& e) {
  std::string s;
  AppendStatusLine(e, &s);
  return s;
}

Status AtLine(const Status& s, uint64_t line_number) {
  return s.WithPrefix("line " + std::to_string(line_number) + ", ");
}

}  // namespace smartcar
