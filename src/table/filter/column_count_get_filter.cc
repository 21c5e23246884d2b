// ColumnCountGetFilter(n): the first n columns of each row (newest version of each).
#include "table/filter/filters.h"

namespace smartcar::table::filter {
namespace {

class ColumnCountGetFilter final : public Filter {
 public:
  explicit ColumnCountGetFilter(int64_t n) : limit_(n) {}
  void Reset() override { count_ = 0; }
  ReturnCode FilterCell(std::string_view, const Cell&) override {
    return ++count_ > limit_ ? ReturnCode::kNextRow : ReturnCode::kIncludeAndNextCol;
  }

 private:
  int64_t limit_;
  int64_t count_ = 0;
};

}  // namespace

FilterResult MakeColumnCountGetFilter(const FilterCall& call) {
  if (call.args.size() != 1) return call.Usage("1 argument (<limit>)");
  if (call.args[0].kind != FilterArg::Kind::kInteger || call.args[0].integer < 0) {
    return call.Expected(0, "a non-negative integer");
  }
  return std::make_unique<ColumnCountGetFilter>(call.args[0].integer);
}

}  // namespace smartcar::table::filter
