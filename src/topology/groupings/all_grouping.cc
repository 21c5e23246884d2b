// ALL: every task of the subscriber gets a copy (e.g. configuration or rule updates).
#include "topology/groupings/groupings.h"

namespace smartcar::topology::groupings {
namespace {

class AllGrouping final : public Grouping {
 public:
  explicit AllGrouping(size_t n) : n_(n) {}
  void ChooseTasks(const Values& /*values*/, std::vector<size_t>* out) override {
    for (size_t i = 0; i < n_; ++i) out->push_back(i);
  }

 private:
  size_t n_;
};

}  // namespace

std::unique_ptr<Grouping> NewAll(const GroupingSpec& /*spec*/, const GroupingContext& ctx) {
  return std::make_unique<AllGrouping>(ctx.target_tasks.size());
}

}  // namespace smartcar::topology::groupings
