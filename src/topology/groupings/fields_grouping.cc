// FIELDS: tuples with equal values of the named fields go to the same task, on every run (the
// hash is StableHash, not std::hash). Grouping by car_number pins a car to one task, so per-car
// state lives on one thread.
#include <string>

#include "topology/groupings/groupings.h"

namespace smartcar::topology::groupings {
namespace {

class FieldsGrouping final : public Grouping {
 public:
  FieldsGrouping(std::vector<size_t> indices, size_t n) : indices_(std::move(indices)), n_(n) {}
  void ChooseTasks(const Values& values, std::vector<size_t>* out) override {
    if (n_ == 0) return;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i : indices_) h = StableHash(values[i], h);
    // Final avalanche so that modulo small n uses all bits.
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    out->push_back(static_cast<size_t>(h % n_));
  }

 private:
  std::vector<size_t> indices_;
  size_t n_;
};

}  // namespace

Status ValidateFields(const GroupingSpec& spec, const Fields& source_fields) {
  if (spec.args.empty()) {
    return Status::InvalidArgument(
        "FIELDS grouping needs at least one field name in args; stream fields are " +
        source_fields.ToString());
  }
  for (const std::string& f : spec.args) {
    if (!source_fields.IndexOf(f)) {
      return Status::InvalidArgument("FIELDS grouping on unknown field '" + f +
                                     "'; stream fields are " + source_fields.ToString());
    }
  }
  return Status::OK();
}

std::unique_ptr<Grouping> NewFields(const GroupingSpec& spec, const GroupingContext& ctx) {
  std::vector<size_t> indices;
  for (const std::string& f : spec.args) indices.push_back(*ctx.source_fields.IndexOf(f));
  return std::make_unique<FieldsGrouping>(std::move(indices), ctx.target_tasks.size());
}

}  // namespace smartcar::topology::groupings
