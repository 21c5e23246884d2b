// QualifierFilter(op, 'comparator'): keeps cells whose qualifier compares as asked.
#include "table/filter/filters.h"

namespace smartcar::table::filter {
namespace {

class QualifierFilter final : public Filter {
 public:
  QualifierFilter(CompareOp op, std::unique_ptr<Comparator> c) : op_(op), cmp_(std::move(c)) {}
  ReturnCode FilterCell(std::string_view, const Cell& c) override {
    return CompareFiltersOut(op_, cmp_->CompareTo(c.qualifier)) ? ReturnCode::kSkip
                                                                : ReturnCode::kInclude;
  }

 private:
  CompareOp op_;
  std::unique_ptr<Comparator> cmp_;
};

}  // namespace

FilterResult MakeQualifierFilter(const FilterCall& call) {
  if (call.args.size() != 2) return call.Usage("2 arguments (<op>, '<comparator>')");
  auto c = ComparatorArg(call, 0, 1);
  if (!c) return tl::unexpected<ArgError>(c.error());
  return std::make_unique<QualifierFilter>(call.args[0].op, std::move(*c));
}

}  // namespace smartcar::table::filter
