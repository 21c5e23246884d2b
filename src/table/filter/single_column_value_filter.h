// SingleColumnValueFilter('family', 'qualifier', op, 'comparator'[, filterIfMissing,
// latestVersionOnly]): keeps rows whose column compares as asked. A row without the column is
// kept unless filterIfMissing (default false); only the newest version is tested unless
// latestVersionOnly is false (default true). The Exclude variant also drops the tested column.
#pragma once

#include "table/filter/filters.h"

namespace smartcar::table::filter {

class SingleColumnValueFilter : public Filter {
 public:
  SingleColumnValueFilter(std::string family, std::string qualifier, CompareOp op,
                          std::unique_ptr<Comparator> cmp, bool filter_if_missing,
                          bool latest_version_only);
  void Reset() override;
  ReturnCode FilterCell(std::string_view row, const Cell& c) override;
  bool FilterRow() override;

 protected:
  bool Matches(const Cell& c) const { return c.family == family_ && c.qualifier == qualifier_; }

 private:
  std::string family_, qualifier_;
  CompareOp op_;
  std::unique_ptr<Comparator> cmp_;
  bool filter_if_missing_, latest_version_only_;
  bool found_column_ = false, matched_column_ = false;
};

// Parses the 4 or 6 arguments of both variants.
struct SingleColumnValueArgs {
  std::string family, qualifier;
  CompareOp op = CompareOp::kEqual;
  std::unique_ptr<Comparator> cmp;
  bool filter_if_missing = false, latest_version_only = true;
};
tl::expected<SingleColumnValueArgs, ArgError> ParseSingleColumnValueArgs(const FilterCall& call);

}  // namespace smartcar::table::filter
