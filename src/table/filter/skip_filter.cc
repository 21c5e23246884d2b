// SKIP f: drops a whole row if f drops any of its cells.
#include "table/filter/filters.h"

namespace smartcar::table::filter {
namespace {

class SkipFilter final : public Filter {
 public:
  explicit SkipFilter(std::unique_ptr<Filter> f) : f_(std::move(f)) {}
  void Reset() override {
    f_->Reset();
    filter_row_ = false;
  }
  bool FilterAllRemaining() override { return f_->FilterAllRemaining(); }
  ReturnCode FilterCell(std::string_view row, const Cell& c) override {
    const ReturnCode rc = f_->FilterCell(row, c);
    filter_row_ |= rc != ReturnCode::kInclude;
    return rc;
  }
  void TransformCell(Cell* c) override { f_->TransformCell(c); }
  bool FilterRow() override { return filter_row_; }

 private:
  std::unique_ptr<Filter> f_;
  bool filter_row_ = false;
};

}  // namespace

std::unique_ptr<Filter> MakeSkipFilter(std::unique_ptr<Filter> f) {
  return std::make_unique<SkipFilter>(std::move(f));
}

}  // namespace smartcar::table::filter
