// ColumnPrefixFilter('prefix'): keeps cells whose qualifier starts with the prefix.
#include "table/filter/filters.h"

namespace smartcar::table::filter {
namespace {

class ColumnPrefixFilter final : public Filter {
 public:
  explicit ColumnPrefixFilter(std::string p) : prefix_(std::move(p)) {}
  ReturnCode FilterCell(std::string_view, const Cell& c) override {
    return c.qualifier.starts_with(prefix_) ? ReturnCode::kInclude : ReturnCode::kNextCol;
  }

 private:
  std::string prefix_;
};

}  // namespace

FilterResult MakeColumnPrefixFilter(const FilterCall& call) {
  if (call.args.size() != 1) return call.Usage("1 argument ('<qualifier prefix>')");
  if (call.args[0].kind != FilterArg::Kind::kString) return call.Expected(0, "a quoted prefix");
  return std::make_unique<ColumnPrefixFilter>(call.args[0].text);
}

}  // namespace smartcar::table::filter
