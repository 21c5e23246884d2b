// TimestampsFilter(t1, t2, ...): keeps cells whose timestamp is one of those given.
#include <algorithm>

#include "table/filter/filters.h"

namespace smartcar::table::filter {
namespace {

class TimestampsFilter final : public Filter {
 public:
  explicit TimestampsFilter(std::vector<int64_t> ts) : ts_(std::move(ts)) {
    std::sort(ts_.begin(), ts_.end());
  }
  ReturnCode FilterCell(std::string_view, const Cell& c) override {
    return std::binary_search(ts_.begin(), ts_.end(), c.timestamp) ? ReturnCode::kInclude
                                                                   : ReturnCode::kSkip;
  }

 private:
  std::vector<int64_t> ts_;
};

}  // namespace

FilterResult MakeTimestampsFilter(const FilterCall& call) {
  std::vector<int64_t> ts;
  for (size_t i = 0; i < call.args.size(); ++i) {
    if (call.args[i].kind != FilterArg::Kind::kInteger || call.args[i].integer < 0) {
      return call.Expected(i, "a non-negative integer timestamp");
    }
    ts.push_back(call.args[i].integer);
  }
  return std::make_unique<TimestampsFilter>(std::move(ts));
}

}  // namespace smartcar::table::filter
