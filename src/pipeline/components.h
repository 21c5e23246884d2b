// The SmartCar topology's components (internal to src/pipeline/).
#pragma once

#include <memory>

#include "pipeline/smartcar_topology.h"
#include "topology/component.h"

namespace smartcar::pipeline {

// Stream carrying end-of-input from the spout through every bolt level (ALL grouping).
inline constexpr const char* kEndOfInputStream = "eos";

class CepProgress;

// `progress` (shared with the CEP bolts) decides what the spout commits; may be null.
std::unique_ptr<topology::Spout> MakeLogSpout(const PipelineOptions& options,
                                              std::shared_ptr<CepProgress> progress);
std::unique_ptr<topology::Bolt> MakeParseBolt(const PipelineOptions& options);
std::unique_ptr<topology::Bolt> MakeTableBolt(const PipelineOptions& options);
std::unique_ptr<topology::Bolt> MakeCepBolt(const PipelineOptions& options,
                                            std::shared_ptr<CepProgress> progress);
std::unique_ptr<topology::Bolt> MakeHotStoreBolt(const PipelineOptions& options);

}  // namespace smartcar::pipeline
