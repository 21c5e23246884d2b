// DriverRow: a driving event as a DriverCarInfo row (see driver_table.h).
#include "pipeline/driver_table.h"

#include <string>

#include "core/line_codec.h"
#include "core/row_key.h"

namespace smartcar::pipeline {

table::Put DriverRow(const DriverEvent& e, std::string_view family) {
  table::Put put(MakeRowKey(e.time, e.car_number));
  put.cells.reserve(kDriverQualifiers.size());
  const int64_t ts = e.time.value;
  const std::string f(family);
  // In qualifier order, the order a row's cells are stored in: the table's sort of a put's cells
  // then only confirms it (7 comparisons instead of ~20, each a memcmp).
  put.Add(f, std::string(kDriverQualifiers[7]), std::string(e.area_number.view()), ts);
  put.Add(f, std::string(kDriverQualifiers[3]), std::to_string(e.break_pedal), ts);
  put.Add(f, std::string(kDriverQualifiers[1]), std::string(e.car_number.view()), ts);
  put.Add(f, std::string(kDriverQualifiers[0]), FormatTimestamp14(e.time), ts);
  put.Add(f, std::string(kDriverQualifiers[5]), std::string(DirectLightName(e.direct_light)), ts);
  put.Add(f, std::string(kDriverQualifiers[6]), std::to_string(e.speed), ts);
  put.Add(f, std::string(kDriverQualifiers[2]), std::to_string(e.speed_pedal), ts);
  put.Add(f, std::string(kDriverQualifiers[4]), std::string(SteerAngleName(e.steer_angle)), ts);
  return put;
}

}  // namespace smartcar::pipeline
