// DriverCarInfo, the pilot's table of every driving event: its name, its family, its qualifiers
// and the event → row mapping, in one place for the pipeline's TableBolt, `smartcar table load`
// and the SQL view (drive_info_view.cc), so all three write and read the same rows.
#pragma once

#include <array>
#include <string_view>

#include "core/events.h"
#include "table/table.h"

namespace smartcar::pipeline {

inline constexpr const char* kDriverTable = "DriverCarInfo";
inline constexpr const char* kDriverFamily = "cf1";

// The 8 qualifiers of a row, in the driving log's field order (core/line_codec.h).
inline constexpr std::array<std::string_view, 8> kDriverQualifiers = {
    "date",        "car_number",   "speed_pedal", "break_pedal",
    "steer_angle", "direct_light", "speed",       "area_number"};

// The row of `e` in `family`: key = reversed 14-digit event time + '-' + car number
// (core/row_key.h); each field in the codec's canonical text; every cell stamped with the event
// time, so a replayed event rewrites identical cells (idempotent).
table::Put DriverRow(const DriverEvent& e, std::string_view family = kDriverFamily);
// The same row written into *put, reusing its strings' and cells' buffers (the table bolt keeps
// its puts from batch to batch: no allocation per row once warm).
void FillDriverRow(const DriverEvent& e, std::string_view family, table::Put* put);

}  // namespace smartcar::pipeline
