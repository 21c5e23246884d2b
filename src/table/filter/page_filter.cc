// PageFilter(n): at most n rows (per scan; with other filters, counts rows that passed them
// when placed last in an AND list, as in HBase).
#include "table/filter/filters.h"

namespace smartcar::table::filter {
namespace {

class PageFilter final : public Filter {
 public:
  explicit PageFilter(int64_t n) : page_size_(n) {}
  bool FilterAllRemaining() override { return accepted_ >= page_size_; }
  ReturnCode FilterCell(std::string_view, const Cell&) override { return ReturnCode::kInclude; }
  bool FilterRow() override { return ++accepted_ > page_size_; }

 private:
  int64_t page_size_;
  int64_t accepted_ = 0;
};

}  // namespace

FilterResult MakePageFilter(const FilterCall& call) {
  if (call.args.size() != 1) return call.Usage("1 argument (<page size>)");
  if (call.args[0].kind != FilterArg::Kind::kInteger || call.args[0].integer < 0) {
    return call.Expected(0, "a non-negative integer");
  }
  return std::make_unique<PageFilter>(call.args[0].integer);
}

}  // namespace smartcar::table::filter
