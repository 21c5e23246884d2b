// LOCAL_OR_SHUFFLE: Storm sends to tasks in the same worker process when there are any, else
// shuffles. A topology here runs in one process, so every task is local and this is SHUFFLE.
// (Across processes, the durable log splits partitions; tuples never cross processes.)
#include "topology/groupings/groupings.h"

namespace smartcar::topology::groupings {

std::unique_ptr<Grouping> NewLocalOrShuffle(const GroupingSpec& spec, const GroupingContext& ctx) {
  return NewShuffle(spec, ctx);
}

}  // namespace smartcar::topology::groupings
