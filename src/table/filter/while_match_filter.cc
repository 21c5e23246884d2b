// WHILE f: ends the scan at the first row or cell that f drops.
#include "table/filter/filters.h"

namespace smartcar::table::filter {
namespace {

class WhileMatchFilter final : public Filter {
 public:
  explicit WhileMatchFilter(std::unique_ptr<Filter> f) : f_(std::move(f)) {}
  void Reset() override { f_->Reset(); }
  bool FilterAllRemaining() override { return done_ || f_->FilterAllRemaining(); }
  bool FilterRowKey(std::string_view row) override {
    const bool v = f_->FilterRowKey(row);
    done_ |= v;
    return v;
  }
  ReturnCode FilterCell(std::string_view row, const Cell& c) override {
    const ReturnCode rc = f_->FilterCell(row, c);
    done_ |= rc != ReturnCode::kInclude;
    return rc;
  }
  void TransformCell(Cell* c) override { f_->TransformCell(c); }
  void FilterRowCells(std::vector<Cell>* cells) override { f_->FilterRowCells(cells); }
  bool FilterRow() override {
    const bool v = f_->FilterRow();
    done_ |= v;
    return v;
  }

 private:
  std::unique_ptr<Filter> f_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<Filter> MakeWhileMatchFilter(std::unique_ptr<Filter> f) {
  return std::make_unique<WhileMatchFilter>(std::move(f));
}

}  // namespace smartcar::table::filter
