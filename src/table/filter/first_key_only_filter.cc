// FirstKeyOnlyFilter(): only the first cell of each row (what count uses).
#include "table/filter/filters.h"

namespace smartcar::table::filter {
namespace {

class FirstKeyOnlyFilter final : public Filter {
 public:
  void Reset() override { found_ = false; }
  ReturnCode FilterCell(std::string_view, const Cell&) override {
    if (found_) return ReturnCode::kNextRow;
    found_ = true;
    return ReturnCode::kInclude;
  }

 private:
  bool found_ = false;
};

}  // namespace

FilterResult MakeFirstKeyOnlyFilter(const FilterCall& call) {
  if (!call.args.empty()) return call.Usage("no arguments");
  return std::make_unique<FirstKeyOnlyFilter>();
}

}  // namespace smartcar::table::filter
