// Topologies defined in YAML, in the shape of Storm Flux:
//
//   name: smartcar-driver
//   config:
//     topology.max.spout.pending: 5000
//     topology.message.timeout.secs: 30
//   spouts:
//     - id: log
//       className: LogSpout          # A type registered in the ComponentRegistry.
//       parallelism: 1
//       config: {topic: SmartCar-Topic}
//   bolts:
//     - id: cep
//       className: CepBolt
//       parallelism: 4
//   streams:
//     - from: log
//       to: cep
//       grouping: {type: FIELDS, args: [car_number], streamId: default}
//
// Config keys: topology.max.spout.pending, topology.message.timeout.secs (or .ms),
// topology.executor.receive.buffer.size, topology.max.batch, topology.tick.tuple.freq.secs
// (or .ms). Errors name the place: "<source>:<line>:<column>: <what is wrong>".
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "topology/registry.h"
#include "topology/topology.h"

namespace smartcar::topology {

struct FluxOptions {
  // Names the text in error messages, e.g. the file path.
  std::string source_name = "<yaml>";
  // Defaults for settings the YAML does not give.
  TopologyConfig defaults;
};

// Parses `yaml`, checks it against `registry` and builds the topology (not yet submitted).
// InvalidArgument with line and column for any mistake: YAML syntax, unknown keys, unknown
// className (listing the registered ones), duplicate ids, a stream naming an unknown component or
// undeclared stream, a bad grouping type or FIELDS args, cycles, and component config errors.
Result<std::unique_ptr<Topology>> LoadFluxTopology(std::string_view yaml,
                                                   const ComponentRegistry& registry,
                                                   const FluxOptions& options = {});
// Reads `path` and calls LoadFluxTopology (source_name = path). IOError if unreadable.
Result<std::unique_ptr<Topology>> LoadFluxTopologyFile(const std::string& path,
                                                       const ComponentRegistry& registry,
                                                       FluxOptions options = {});

}  // namespace smartcar::topology
