// The embedded coordination engine: the node tree as folders under DATA/coord/ (one `.node` file
// per node: a header line, then the data), for the processes of one machine.
#pragma once

#include <memory>

#include "coord/coordinator.h"

namespace smartcar::coord {

Result<std::unique_ptr<Coordinator>> OpenEmbeddedCoordinator(const CoordOptions& options);

}  // namespace smartcar::coord
