// InclusiveStopFilter('row'): ends a forward scan after the given row (inclusive).
#include "table/filter/filters.h"

namespace smartcar::table::filter {
namespace {

class InclusiveStopFilter final : public Filter {
 public:
  explicit InclusiveStopFilter(std::string stop) : stop_(std::move(stop)) {}
  bool FilterAllRemaining() override { return done_; }
  bool FilterRowKey(std::string_view row) override {
    if (row.compare(stop_) > 0) done_ = true;
    return done_;
  }
  ReturnCode FilterCell(std::string_view, const Cell&) override { return ReturnCode::kInclude; }

 private:
  std::string stop_;
  bool done_ = false;
};

}  // namespace

FilterResult MakeInclusiveStopFilter(const FilterCall& call) {
  if (call.args.size() != 1) return call.Usage("1 argument ('<stop row>')");
  if (call.args[0].kind != FilterArg::Kind::kString) return call.Expected(0, "a quoted row key");
  return std::make_unique<InclusiveStopFilter>(call.args[0].text);
}

}  // namespace smartcar::table::filter
