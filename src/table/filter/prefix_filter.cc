// PrefixFilter('prefix'): keeps rows whose key starts with the prefix.
#include "table/filter/filters.h"

namespace smartcar::table::filter {
namespace {

class PrefixFilter final : public Filter {
 public:
  explicit PrefixFilter(std::string p) : prefix_(std::move(p)) {}
  bool FilterRowKey(std::string_view row) override { return !row.starts_with(prefix_); }
  ReturnCode FilterCell(std::string_view, const Cell&) override { return ReturnCode::kInclude; }

 private:
  std::string prefix_;
};

}  // namespace

FilterResult MakePrefixFilter(const FilterCall& call) {
  if (call.args.size() != 1) return call.Usage("1 argument ('<row prefix>')");
  if (call.args[0].kind != FilterArg::Kind::kString) return call.Expected(0, "a quoted prefix");
  return std::make_unique<PrefixFilter>(call.args[0].text);
}

}  // namespace smartcar::table::filter
