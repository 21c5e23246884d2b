// Wires the collector's KafkaSink/log sinks to the durable log. Until the durable log stage
// lands, no such sink can be built and the agent reports a configuration error naming the sink.
#include "cli/commands.h"

namespace smartcar::cli {

std::function<Result<std::unique_ptr<collect::Sink>>(const std::string&, collect::ComponentParams*)>
MakeCollectLogSinkFactory(const std::string& /*data_dir*/) {
  return {};
}

}  // namespace smartcar::cli
