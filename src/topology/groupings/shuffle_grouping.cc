// SHUFFLE: spreads tuples evenly over the subscriber's tasks. Round-robin from a start that
// depends on the source task, so several sources do not all hit task 0 first; over n tuples each
// target gets n/k or n/k+1.
#include "topology/groupings/groupings.h"

namespace smartcar::topology::groupings {
namespace {

class ShuffleGrouping final : public Grouping {
 public:
  explicit ShuffleGrouping(const GroupingContext& ctx)
      : n_(ctx.target_tasks.size()), next_(n_ ? static_cast<size_t>(ctx.source_task) % n_ : 0) {}
  void ChooseTasks(const Values& /*values*/, std::vector<size_t>* out) override {
    if (n_ == 0) return;
    out->push_back(next_);
    next_ = next_ + 1 == n_ ? 0 : next_ + 1;
  }

 private:
  size_t n_;
  size_t next_;
};

}  // namespace

std::unique_ptr<Grouping> NewShuffle(const GroupingSpec& /*spec*/, const GroupingContext& ctx) {
  return std::make_unique<ShuffleGrouping>(ctx);
}

}  // namespace smartcar::topology::groupings
