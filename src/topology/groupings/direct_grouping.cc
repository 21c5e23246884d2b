// DIRECT: the emitter picks the task (EmitDirect). A plain Emit delivers nothing to a DIRECT
// subscriber; the runtime routes EmitDirect itself after checking the task subscribes.
#include "topology/groupings/groupings.h"

namespace smartcar::topology::groupings {
namespace {

class DirectGrouping final : public Grouping {
 public:
  void ChooseTasks(const Values& /*values*/, std::vector<size_t>* /*out*/) override {}
};

}  // namespace

std::unique_ptr<Grouping> NewDirect(const GroupingSpec& /*spec*/, const GroupingContext& /*ctx*/) {
  return std::make_unique<DirectGrouping>();
}

}  // namespace smartcar::topology::groupings
