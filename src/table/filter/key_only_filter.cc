// KeyOnlyFilter([lenAsVal]): returns cells without their values (or with the value's length as
// a 4-byte big-endian integer when lenAsVal is true).
#include "table/filter/filters.h"

#include "core/coding.h"

namespace smartcar::table::filter {
namespace {

class KeyOnlyFilter final : public Filter {
 public:
  explicit KeyOnlyFilter(bool len_as_val) : len_as_val_(len_as_val) {}
  ReturnCode FilterCell(std::string_view, const Cell&) override { return ReturnCode::kInclude; }
  void TransformCell(Cell* c) override {
    if (!len_as_val_) {
      c->value.clear();
      return;
    }
    const auto n = static_cast<uint32_t>(c->value.size());
    c->value.clear();
    PutFixed32BE(&c->value, n);
  }

 private:
  bool len_as_val_;
};

}  // namespace

FilterResult MakeKeyOnlyFilter(const FilterCall& call) {
  if (call.args.size() > 1) return call.Usage("0 or 1 argument ([<lenAsVal>])");
  if (call.args.size() == 1 && call.args[0].kind != FilterArg::Kind::kBoolean) {
    return call.Expected(0, "true or false");
  }
  return std::make_unique<KeyOnlyFilter>(!call.args.empty() && call.args[0].boolean);
}

}  // namespace smartcar::table::filter
