// Shared pieces of the compare filters and of argument checking.
#include "table/filter/filters.h"

namespace smartcar::table::filter {

tl::unexpected<ArgError> FilterCall::Usage(const std::string& usage) const {
  return tl::unexpected<ArgError>(ArgError{column, name + " takes " + usage + ", got " +
                                                       std::to_string(args.size()) + " argument" +
                                                       (args.size() == 1 ? "" : "s")});
}

tl::unexpected<ArgError> FilterCall::Expected(size_t i, const std::string& what) const {
  return tl::unexpected<ArgError>(
      ArgError{args[i].column, name + " argument " + std::to_string(i + 1) + ": expected " + what +
                                   ", found " + args[i].text});
}

tl::expected<std::unique_ptr<Comparator>, ArgError> ComparatorArg(const FilterCall& call,
                                                                  size_t op_index,
                                                                  size_t cmp_index) {
  const FilterArg& op = call.args[op_index];
  if (op.kind != FilterArg::Kind::kOperator) {
    return call.Expected(op_index, "a comparison operator (<, <=, =, !=, >, >=)");
  }
  const FilterArg& cmp = call.args[cmp_index];
  if (cmp.kind != FilterArg::Kind::kString) {
    return call.Expected(cmp_index, "a quoted comparator like 'binary:abc'");
  }
  auto c = MakeComparator(cmp.text);
  if (!c) return tl::unexpected<ArgError>(ArgError{cmp.column, c.error().message()});
  const auto kind = (*c)->kind();
  if ((kind == Comparator::Kind::kRegexString || kind == Comparator::Kind::kSubstring) &&
      op.op != CompareOp::kEqual && op.op != CompareOp::kNotEqual) {
    return tl::unexpected<ArgError>(
        ArgError{op.column,
                 "A regexstring comparator and substring comparator can only be used with EQUAL "
                 "and NOT_EQUAL"});
  }
  return std::move(*c);
}

}  // namespace smartcar::table::filter
