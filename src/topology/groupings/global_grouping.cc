// GLOBAL: the whole stream goes to the subscriber's task with the lowest id.
#include "topology/groupings/groupings.h"

namespace smartcar::topology::groupings {
namespace {

class GlobalGrouping final : public Grouping {
 public:
  explicit GlobalGrouping(bool any) : any_(any) {}
  void ChooseTasks(const Values& /*values*/, std::vector<size_t>* out) override {
    if (any_) out->push_back(0);  // target_tasks is ascending.
  }

 private:
  bool any_;
};

}  // namespace

std::unique_ptr<Grouping> NewGlobal(const GroupingSpec& /*spec*/, const GroupingContext& ctx) {
  return std::make_unique<GlobalGrouping>(!ctx.target_tasks.empty());
}

}  // namespace smartcar::topology::groupings
