// DriverRow and FillDriverRow: a driving event as a DriverCarInfo row (see driver_table.h).
#include "pipeline/driver_table.h"

#include <algorithm>
#include <string>

#include "core/decimal.h"
#include "core/line_codec.h"
#include "core/row_key.h"

namespace smartcar::pipeline {

void FillDriverRow(const DriverEvent& e, std::string_view family, table::Put* put) {
  put->row.resize(kRowKeySize);
  MakeRowKey(e.time, e.car_number, put->row.data());
  put->cells.resize(kDriverQualifiers.size());
  const int64_t ts = e.time.value;
  size_t next = 0;
  auto set = [&](size_t qualifier, std::string_view value) {
    table::Cell& c = put->cells[next++];
    c.family.assign(family);
    c.qualifier.assign(kDriverQualifiers[qualifier]);
    c.timestamp = ts;
    c.value.assign(value);
  };
  char digits[kMaxDecimalChars];
  // The row key starts with the event time's 14 digits reversed: the date cell is them in order.
  char date[kTimestampDigits];
  std::reverse_copy(put->row.data(), put->row.data() + kTimestampDigits, date);
  // In qualifier order, the order a row's cells are stored in: the table's sort of a put's cells
  // then only confirms it (7 comparisons instead of ~20, each a memcmp).
  set(7, e.area_number.view());
  set(3, DecimalText(e.break_pedal, digits));
  set(1, e.car_number.view());
  set(0, std::string_view(date, sizeof(date)));
  set(5, DirectLightName(e.direct_light));
  set(6, DecimalText(e.speed, digits));
  set(2, DecimalText(e.speed_pedal, digits));
  set(4, SteerAngleName(e.steer_angle));
}

table::Put DriverRow(const DriverEvent& e, std::string_view family) {
  table::Put put{std::string()};
  FillDriverRow(e, family, &put);
  return put;
}

}  // namespace smartcar::pipeline
