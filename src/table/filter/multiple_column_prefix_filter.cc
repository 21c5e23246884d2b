// MultipleColumnPrefixFilter('a', 'b', ...): keeps cells whose qualifier starts with any prefix.
#include "table/filter/filters.h"

namespace smartcar::table::filter {
namespace {

class MultipleColumnPrefixFilter final : public Filter {
 public:
  explicit MultipleColumnPrefixFilter(std::vector<std::string> p) : prefixes_(std::move(p)) {}
  ReturnCode FilterCell(std::string_view, const Cell& c) override {
    for (const auto& p : prefixes_) {
      if (c.qualifier.starts_with(p)) return ReturnCode::kInclude;
    }
    return ReturnCode::kNextCol;
  }

 private:
  std::vector<std::string> prefixes_;
};

}  // namespace

FilterResult MakeMultipleColumnPrefixFilter(const FilterCall& call) {
  if (call.args.empty()) return call.Usage("1 or more arguments ('<prefix>', ...)");
  std::vector<std::string> prefixes;
  for (size_t i = 0; i < call.args.size(); ++i) {
    if (call.args[i].kind != FilterArg::Kind::kString) return call.Expected(i, "a quoted prefix");
    prefixes.push_back(call.args[i].text);
  }
  return std::make_unique<MultipleColumnPrefixFilter>(std::move(prefixes));
}

}  // namespace smartcar::table::filter
