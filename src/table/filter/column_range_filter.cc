// ColumnRangeFilter('min', minInclusive, 'max', maxInclusive): keeps cells whose qualifier is in
// the range; an empty bound is open.
#include "table/filter/filters.h"

namespace smartcar::table::filter {
namespace {

class ColumnRangeFilter final : public Filter {
 public:
  ColumnRangeFilter(std::string min, bool min_inc, std::string max, bool max_inc)
      : min_(std::move(min)), max_(std::move(max)), min_inc_(min_inc), max_inc_(max_inc) {}
  ReturnCode FilterCell(std::string_view, const Cell& c) override {
    if (!min_.empty()) {
      const int r = c.qualifier.compare(min_);
      if (r < 0 || (r == 0 && !min_inc_)) return ReturnCode::kNextCol;
    }
    if (!max_.empty()) {
      const int r = c.qualifier.compare(max_);
      if (r > 0 || (r == 0 && !max_inc_)) return ReturnCode::kNextCol;
    }
    return ReturnCode::kInclude;
  }

 private:
  std::string min_, max_;
  bool min_inc_, max_inc_;
};

}  // namespace

FilterResult MakeColumnRangeFilter(const FilterCall& call) {
  if (call.args.size() != 4) {
    return call.Usage("4 arguments ('<min>', <minInclusive>, '<max>', <maxInclusive>)");
  }
  if (call.args[0].kind != FilterArg::Kind::kString) return call.Expected(0, "a quoted qualifier");
  if (call.args[1].kind != FilterArg::Kind::kBoolean) return call.Expected(1, "true or false");
  if (call.args[2].kind != FilterArg::Kind::kString) return call.Expected(2, "a quoted qualifier");
  if (call.args[3].kind != FilterArg::Kind::kBoolean) return call.Expected(3, "true or false");
  return std::make_unique<ColumnRangeFilter>(call.args[0].text, call.args[1].boolean,
                                             call.args[2].text, call.args[3].boolean);
}

}  // namespace smartcar::table::filter
