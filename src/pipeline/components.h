// The SmartCar topology's components (internal to src/pipeline/).
#pragma once

#include <memory>
#include <string>

#include "core/events.h"

#include "pipeline/smartcar_topology.h"
#include "topology/component.h"

namespace smartcar {

// How a DriverEvent carried in a tuple (topology::Object) prints in messages and tests.
inline std::string TupleDebugString(const DriverEvent& e) {
  return "DriverEvent(" + std::string(e.car_number.view()) + " @" + std::to_string(e.time.value) +
         ")";
}

}  // namespace smartcar

namespace smartcar::pipeline {

// Stream carrying end-of-input from the spout through every bolt level (ALL grouping).
inline constexpr const char* kEndOfInputStream = "eos";
// Stream carrying the spout's marks through every bolt level (ALL grouping): each task passes a
// mark on and acks it once everything before it is done there (see log_spout.cc).
inline constexpr const char* kMarkStream = "mark";

// The topology's components (smartcar_topology.cc wires them; `topology stats` shows them).
namespace component {
inline constexpr const char* kLog = "log";
inline constexpr const char* kTable = "table";
inline constexpr const char* kCep = "cep";
inline constexpr const char* kHot = "hot";
}  // namespace component

// The fields of the topology's streams, one name each:
//   log   → [car_number, event (DriverEvent), epoch, partition, offset] (parsed in the spout)
//   cep   → [date, car_number, detection (hot::Detection)]
//   eos   → [from, epoch] on every level
//   mark  → [epoch] on every level
namespace field {
inline constexpr const char* kPartition = "partition";
inline constexpr const char* kOffset = "offset";
inline constexpr const char* kEpoch = "epoch";
inline constexpr const char* kCarNumber = "car_number";
inline constexpr const char* kEvent = "event";
inline constexpr const char* kDate = "date";
inline constexpr const char* kDetection = "detection";
inline constexpr const char* kFrom = "from";
}  // namespace field

class CepProgress;

// `progress` (shared with the CEP bolts) decides what the spout commits; may be null.
std::unique_ptr<topology::Spout> MakeLogSpout(const PipelineOptions& options,
                                              std::shared_ptr<CepProgress> progress);
std::unique_ptr<topology::Bolt> MakeTableBolt(const PipelineOptions& options);
std::unique_ptr<topology::Bolt> MakeCepBolt(const PipelineOptions& options,
                                            std::shared_ptr<CepProgress> progress);
std::unique_ptr<topology::Bolt> MakeHotStoreBolt(const PipelineOptions& options);

}  // namespace smartcar::pipeline
