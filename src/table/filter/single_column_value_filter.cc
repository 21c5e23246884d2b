// SingleColumnValueFilter: HBase's cell-by-cell logic, and the argument parsing both it and the
// Exclude variant use.
#include "table/filter/single_column_value_filter.h"

namespace smartcar::table::filter {

SingleColumnValueFilter::SingleColumnValueFilter(std::string family, std::string qualifier,
                                                 CompareOp op, std::unique_ptr<Comparator> cmp,
                                                 bool filter_if_missing, bool latest_version_only)
    : family_(std::move(family)),
      qualifier_(std::move(qualifier)),
      op_(op),
      cmp_(std::move(cmp)),
      filter_if_missing_(filter_if_missing),
      latest_version_only_(latest_version_only) {}

void SingleColumnValueFilter::Reset() { found_column_ = matched_column_ = false; }

// HBase's logic, state by state.
ReturnCode SingleColumnValueFilter::FilterCell(std::string_view, const Cell& c) {
  if (matched_column_) return ReturnCode::kInclude;
  if (latest_version_only_ && found_column_) return ReturnCode::kNextRow;
  if (!Matches(c)) return ReturnCode::kInclude;
  found_column_ = true;
  if (CompareFiltersOut(op_, cmp_->CompareTo(c.value))) {
    return latest_version_only_ ? ReturnCode::kNextRow : ReturnCode::kInclude;
  }
  matched_column_ = true;
  return ReturnCode::kInclude;
}

bool SingleColumnValueFilter::FilterRow() {
  return found_column_ ? !matched_column_ : filter_if_missing_;
}

tl::expected<SingleColumnValueArgs, ArgError> ParseSingleColumnValueArgs(const FilterCall& call) {
  if (call.args.size() != 4 && call.args.size() != 6) {
    return call.Usage(
        "4 or 6 arguments ('<family>', '<qualifier>', <op>, '<comparator>'[, <filterIfMissing>, "
        "<latestVersionOnly>])");
  }
  SingleColumnValueArgs a;
  if (call.args[0].kind != FilterArg::Kind::kString) return call.Expected(0, "a quoted family");
  if (call.args[1].kind != FilterArg::Kind::kString) {
    return call.Expected(1, "a quoted qualifier");
  }
  a.family = call.args[0].text;
  a.qualifier = call.args[1].text;
  auto c = ComparatorArg(call, 2, 3);
  if (!c) return tl::unexpected<ArgError>(c.error());
  a.op = call.args[2].op;
  a.cmp = std::move(*c);
  if (call.args.size() == 6) {
    if (call.args[4].kind != FilterArg::Kind::kBoolean) return call.Expected(4, "true or false");
    if (call.args[5].kind != FilterArg::Kind::kBoolean) return call.Expected(5, "true or false");
    a.filter_if_missing = call.args[4].boolean;
    a.latest_version_only = call.args[5].boolean;
  }
  return a;
}

FilterResult MakeSingleColumnValueFilter(const FilterCall& call) {
  auto a = ParseSingleColumnValueArgs(call);
  if (!a) return tl::unexpected<ArgError>(a.error());
  return std::make_unique<SingleColumnValueFilter>(a->family, a->qualifier, a->op,
                                                   std::move(a->cmp), a->filter_if_missing,
                                                   a->latest_version_only);
}

}  // namespace smartcar::table::filter
