// MakeRowKey / ParseRowKey: the driving table's reversed-time row key (row_key.h); parsing
// accepts only the canonical form MakeRowKey writes.
#include "core/row_key.h"

#include "core/escape.h"

#include <algorithm>
#include <cstring>

#include "core/line_codec.h"

namespace smartcar {

void MakeRowKey(EventTimeMs t, const CarNumber& car, char* out) {
  FormatTimestamp14(t, out);
  std::reverse(out, out + kTimestampDigits);
  out[kTimestampDigits] = kRowKeySeparator;
  std::memcpy(out + kTimestampDigits + 1, car.chars.data(), car.chars.size());
}

std::string MakeRowKey(EventTimeMs t, const CarNumber& car) {
  std::string key(kRowKeySize, '\0');
  MakeRowKey(t, car, key.data());
  return key;
}

Result<RowKeyParts> ParseRowKey(std::string_view key) {
  if (key.size() != kRowKeySize || key[kTimestampDigits] != kRowKeySeparator) {
    return Err(Status::InvalidArgument("'" + EscapeBytes(key.substr(0, 40)) +
                                       "' is not a driving row key (reversed time-car)"));
  }
  char digits[kTimestampDigits];
  std::reverse_copy(key.data(), key.data() + kTimestampDigits, digits);
  auto t = ParseTimestamp14(std::string_view(digits, kTimestampDigits));
  if (!t) return Err(t.error().WithPrefix("row key time: "));
  RowKeyParts parts;
  parts.time = *t;
  Status s = ParseCarNumber(key.substr(kTimestampDigits + 1), &parts.car_number);
  if (!s.ok()) return Err(s.WithPrefix("row key car: "));
  // Only the form MakeRowKey writes: a time like hour 24 parses but is stored as the next day.
  if (MakeRowKey(parts.time, parts.car_number) != key) {
    return Err(Status::InvalidArgument("'" + std::string(key) +
                                       "' is not a canonical row key (its time is written " +
                                       FormatTimestamp14(parts.time) + ")"));
  }
  return parts;
}

}  // namespace smartcar
