// Factories of every filter of the filter language, one per file (row_filter.cc, ...), and the
// argument helpers they share. Used by parse_filter.cc; tests use them through ParseFilter.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "table/filter/filter.h"

namespace smartcar::table::filter {

// One parsed argument of `Name(arg, ...)`, with its 1-based column in the filter text.
struct FilterArg {
  enum class Kind { kString, kInteger, kBoolean, kOperator };
  Kind kind = Kind::kString;
  size_t column = 0;
  std::string text;  // kString: the unquoted value; otherwise the token as written.
  int64_t integer = 0;
  bool boolean = false;
  CompareOp op = CompareOp::kEqual;
};

// A factory's error: where (column of the argument or the filter name) and why.
struct ArgError {
  size_t column = 0;
  std::string message;
};
using FilterResult = tl::expected<std::unique_ptr<Filter>, ArgError>;

// What a factory gets: the filter's name, its column, and its arguments.
struct FilterCall {
  std::string name;
  size_t column = 0;
  std::vector<FilterArg> args;
  // An ArgError at the name: "<Name> takes <usage>, got N argument(s)".
  tl::unexpected<ArgError> Usage(const std::string& usage) const;
  // Checks args[i] has `kind`; on error names the argument and what was expected.
  tl::unexpected<ArgError> Expected(size_t i, const std::string& what) const;
};

// Helpers for the compare filters: `CompareOp` argument i and comparator argument j.
// InvalidArgument-like ArgError if the comparator is bad or regexstring/substring is used with
// anything but = and != (HBase's rule).
tl::expected<std::unique_ptr<Comparator>, ArgError> ComparatorArg(const FilterCall& call,
                                                                  size_t op_index,
                                                                  size_t cmp_index);

FilterResult MakeRowFilter(const FilterCall& call);
FilterResult MakeFamilyFilter(const FilterCall& call);
FilterResult MakeQualifierFilter(const FilterCall& call);
FilterResult MakeValueFilter(const FilterCall& call);
FilterResult MakeSingleColumnValueFilter(const FilterCall& call);
FilterResult MakeSingleColumnValueExcludeFilter(const FilterCall& call);
FilterResult MakePrefixFilter(const FilterCall& call);
FilterResult MakeColumnPrefixFilter(const FilterCall& call);
FilterResult MakeMultipleColumnPrefixFilter(const FilterCall& call);
FilterResult MakeColumnRangeFilter(const FilterCall& call);
FilterResult MakePageFilter(const FilterCall& call);
FilterResult MakeKeyOnlyFilter(const FilterCall& call);
FilterResult MakeFirstKeyOnlyFilter(const FilterCall& call);
FilterResult MakeInclusiveStopFilter(const FilterCall& call);
FilterResult MakeTimestampsFilter(const FilterCall& call);
FilterResult MakeColumnCountGetFilter(const FilterCall& call);

// Combinators (filter_list.cc, skip_filter.cc, while_match_filter.cc).
enum class ListOperator { kMustPassAll, kMustPassOne };
std::unique_ptr<Filter> MakeFilterList(ListOperator op, std::vector<std::unique_ptr<Filter>> fs);
std::unique_ptr<Filter> MakeSkipFilter(std::unique_ptr<Filter> f);
std::unique_ptr<Filter> MakeWhileMatchFilter(std::unique_ptr<Filter> f);

}  // namespace smartcar::table::filter
