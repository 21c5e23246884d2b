// The pilot's SmartCar_Drive_Info (a Hive table over the HBase table DriverCarInfo) as a read-only
// SQL view in the warehouse: `smartcar sql -e "SELECT count(*) FROM DriverCarInfo"`.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace smartcar::pipeline {

// The view's columns, in order: row_key, then the 8 cf1 qualifiers with the pilot's names
// (date, car_number, speed_pedal, break_pedal, steer_angle, direct_light, speed, area_number).
// Every column is VARCHAR (cells are bytes); a missing cell is NULL.
const std::vector<std::string>& DriveInfoColumns();

// Exports DriverCarInfo of the table store in `data_dir` to the warehouse snapshot
// (<data_dir>/warehouse/_snapshots/DriverCarInfo/) and returns how many rows it wrote. The store is
// opened read-only, so this works while `smartcar run` writes; the export is one point in time.
// NotFound when there is no DriverCarInfo yet.
Result<uint64_t> ExportDriveInfo(const std::string& data_dir);

// Registers the warehouse view provider that re-exports DriverCarInfo before each statement
// (absent table = no view). Call once, before a Warehouse runs queries.
void RegisterDriveInfoView();

}  // namespace smartcar::pipeline
