// RowFilter(op, 'comparator'): keeps rows whose key compares as asked.
#include "table/filter/filters.h"

namespace smartcar::table::filter {
namespace {

class RowFilter final : public Filter {
 public:
  RowFilter(CompareOp op, std::unique_ptr<Comparator> c) : op_(op), cmp_(std::move(c)) {}
  bool FilterRowKey(std::string_view row) override {
    return CompareFiltersOut(op_, cmp_->CompareTo(row));
  }
  ReturnCode FilterCell(std::string_view, const Cell&) override { return ReturnCode::kInclude; }

 private:
  CompareOp op_;
  std::unique_ptr<Comparator> cmp_;
};

}  // namespace

FilterResult MakeRowFilter(const FilterCall& call) {
  if (call.args.size() != 2) return call.Usage("2 arguments (<op>, '<comparator>')");
  auto c = ComparatorArg(call, 0, 1);
  if (!c) return tl::unexpected<ArgError>(c.error());
  return std::make_unique<RowFilter>(call.args[0].op, std::move(*c));
}

}  // namespace smartcar::table::filter
