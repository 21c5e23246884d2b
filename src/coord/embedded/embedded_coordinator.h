// The embedded coordination engine: the node tree as folders under DATA/coord/ (one `.node` file
// per node: a header line, then the data), for the processes of one machine.
#pragma once

#include <memory>

#include "coord/coordinator.h"

namespace smartcar::coord {

Result<std::unique_ptr<Coordinator>> OpenEmbeddedCoordinator(const CoordOptions& options);

// A `.node` file: "smartcar-coord 1 <version> <mtime_ms> <owner>\n<data>", where <owner> is "-"
// (persistent) or "<pid>:<process start time>" (ephemeral). Decode names `file` in errors
// (Corruption); exposed for the fuzzer.
std::string EncodeNodeFile(const Node& node, const std::string& owner);
Status DecodeNodeFile(const std::string& text, const std::string& file, Node* node,
                      std::string* owner);

}  // namespace smartcar::coord
