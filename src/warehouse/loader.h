// Loader: one log file into one day partition (internal to warehouse/).
#pragma once

#include "core/status.h"
#include "warehouse/duck.h"
#include "warehouse/partition_store.h"
#include "warehouse/warehouse.h"

namespace smartcar::warehouse {

// Parses `spec.path` as a status log, stages the rows as Parquet and commits the partition.
// REQUIRES: spec.table is SmartCar_Status_Info and spec.date is valid; the table lock is held.
Result<LoadReport> LoadStatusLog(duck::Session* session, PartitionStore* store,
                                 const LoadSpec& spec);

}  // namespace smartcar::warehouse
