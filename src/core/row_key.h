// The driving table's row key (SPEC §2, docs/formats/row_key.md):
//   reversed 14-digit event time + '-' + car number, e.g. "00016062402202-O0010"
// for car O0010 at 20220426061000. Reversing the digits puts the fastest-changing digit first,
// which spreads consecutive writes across regions (the pilot's choice).
#pragma once

#include <string>
#include <string_view>

#include "core/events.h"
#include "core/status.h"

namespace smartcar {

inline constexpr size_t kRowKeySize = kTimestampDigits + 1 + 5;  // 20 bytes.
inline constexpr char kRowKeySeparator = '-';

// The row key of `car` at time `t`.
std::string MakeRowKey(EventTimeMs t, const CarNumber& car);
// Writes the 20 key bytes to out[0..19].
void MakeRowKey(EventTimeMs t, const CarNumber& car, char* out);

// The parts of a row key.
struct RowKeyParts {
  EventTimeMs time;
  CarNumber car_number;
};
// Decodes a row key made by MakeRowKey. InvalidArgument if `key` is not one.
Result<RowKeyParts> ParseRowKey(std::string_view key);

}  // namespace smartcar
