// FilterList: `a AND b` (MUST_PASS_ALL) and `a OR b` (MUST_PASS_ONE), with HBase's merging of
// return codes.
#include "table/filter/filters.h"

namespace smartcar::table::filter {
namespace {

bool IsInclude(ReturnCode rc) {
  return rc == ReturnCode::kInclude || rc == ReturnCode::kIncludeAndNextCol;
}

class FilterList final : public Filter {
 public:
  FilterList(ListOperator op, std::vector<std::unique_ptr<Filter>> fs)
      : op_(op),
        filters_(std::move(fs)),
        row_filtered_(filters_.size()),
        included_(filters_.size()) {}

  void Reset() override {
    for (size_t i = 0; i < filters_.size(); ++i) {
      filters_[i]->Reset();
      row_filtered_[i] = false;
    }
  }

  bool FilterAllRemaining() override {
    if (op_ == ListOperator::kMustPassAll) {
      for (auto& f : filters_) {
        if (f->FilterAllRemaining()) return true;
      }
      return false;
    }
    for (auto& f : filters_) {
      if (!f->FilterAllRemaining()) return false;
    }
    return !filters_.empty();
  }

  bool FilterRowKey(std::string_view row) override {
    bool any = false, all = true;
    for (size_t i = 0; i < filters_.size(); ++i) {
      row_filtered_[i] = filters_[i]->FilterRowKey(row);
      any |= row_filtered_[i];
      all &= row_filtered_[i];
    }
    return op_ == ListOperator::kMustPassAll ? any : all;
  }

  ReturnCode FilterCell(std::string_view row, const Cell& c) override {
    return op_ == ListOperator::kMustPassAll ? AllCell(row, c) : OneCell(row, c);
  }

  void TransformCell(Cell* c) override {
    for (size_t i = 0; i < filters_.size(); ++i) {
      if (included_[i]) filters_[i]->TransformCell(c);
    }
  }

  void FilterRowCells(std::vector<Cell>* cells) override {
    for (auto& f : filters_) f->FilterRowCells(cells);
  }

  bool FilterRow() override {
    bool any = false, all = true;
    for (size_t i = 0; i < filters_.size(); ++i) {
      const bool out = filters_[i]->FilterRow() || row_filtered_[i];
      any |= out;
      all &= out;
    }
    return op_ == ListOperator::kMustPassAll ? any : all;
  }

 private:
  ReturnCode AllCell(std::string_view row, const Cell& c) {
    bool all_include = true, next_col = false;
    for (size_t i = 0; i < filters_.size(); ++i) included_[i] = false;
    for (size_t i = 0; i < filters_.size(); ++i) {
      if (filters_[i]->FilterAllRemaining()) return ReturnCode::kNextRow;
      const ReturnCode rc = filters_[i]->FilterCell(row, c);
      if (rc == ReturnCode::kNextRow) return rc;
      included_[i] = IsInclude(rc);
      all_include &= included_[i];
      next_col |= rc == ReturnCode::kIncludeAndNextCol || rc == ReturnCode::kNextCol;
    }
    if (all_include) return next_col ? ReturnCode::kIncludeAndNextCol : ReturnCode::kInclude;
    return next_col ? ReturnCode::kNextCol : ReturnCode::kSkip;
  }

  ReturnCode OneCell(std::string_view row, const Cell& c) {
    bool any_include = false, all_next_col = true, all_next_row = true;
    bool any_consulted = false;
    for (size_t i = 0; i < filters_.size(); ++i) {
      included_[i] = false;
      if (row_filtered_[i] || filters_[i]->FilterAllRemaining()) continue;
      any_consulted = true;
      const ReturnCode rc = filters_[i]->FilterCell(row, c);
      included_[i] = IsInclude(rc);
      any_include |= included_[i];
      all_next_col &= rc == ReturnCode::kIncludeAndNextCol || rc == ReturnCode::kNextCol ||
                      rc == ReturnCode::kNextRow;
      all_next_row &= rc == ReturnCode::kNextRow;
    }
    if (!any_consulted) return ReturnCode::kNextRow;
    if (any_include) return all_next_col ? ReturnCode::kIncludeAndNextCol : ReturnCode::kInclude;
    if (all_next_row) return ReturnCode::kNextRow;
    return all_next_col ? ReturnCode::kNextCol : ReturnCode::kSkip;
  }

  ListOperator op_;
  std::vector<std::unique_ptr<Filter>> filters_;
  std::vector<bool> row_filtered_;  // Filter i dropped the current row key.
  std::vector<bool> included_;      // Filter i included the last cell (it may transform it).
};

}  // namespace

std::unique_ptr<Filter> MakeFilterList(ListOperator op, std::vector<std::unique_ptr<Filter>> fs) {
  return std::make_unique<FilterList>(op, std::move(fs));
}

}  // namespace smartcar::table::filter
