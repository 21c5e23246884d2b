// SingleColumnValueExcludeFilter: SingleColumnValueFilter that leaves the tested column out.
#include <algorithm>

#include "table/filter/single_column_value_filter.h"

namespace smartcar::table::filter {
namespace {

class SingleColumnValueExcludeFilter final : public SingleColumnValueFilter {
 public:
  using SingleColumnValueFilter::SingleColumnValueFilter;
  void FilterRowCells(std::vector<Cell>* cells) override {
    cells->erase(
        std::remove_if(cells->begin(), cells->end(), [this](const Cell& c) { return Matches(c); }),
        cells->end());
  }
};

}  // namespace

FilterResult MakeSingleColumnValueExcludeFilter(const FilterCall& call) {
  auto a = ParseSingleColumnValueArgs(call);
  if (!a) return tl::unexpected<ArgError>(a.error());
  return std::make_unique<SingleColumnValueExcludeFilter>(a->family, a->qualifier, a->op,
                                                          std::move(a->cmp), a->filter_if_missing,
                                                          a->latest_version_only);
}

}  // namespace smartcar::table::filter
