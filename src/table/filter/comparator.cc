// The four comparators of the filter language. RE2 stays inside this file.
#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "core/ascii.h"
#include "table/filter/filter.h"

namespace smartcar::table::filter {
namespace {

int CompareBytes(std::string_view a, std::string_view b) {
  const int c = a.compare(b);  // std::char_traits<char>::compare is memcmp: unsigned bytes.
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

class BinaryComparator final : public Comparator {
 public:
  explicit BinaryComparator(std::string v) : value_(std::move(v)) {}
  Kind kind() const override { return Kind::kBinary; }
  int CompareTo(std::string_view cell) const override { return CompareBytes(value_, cell); }

 private:
  std::string value_;
};

class BinaryPrefixComparator final : public Comparator {
 public:
  explicit BinaryPrefixComparator(std::string v) : value_(std::move(v)) {}
  Kind kind() const override { return Kind::kBinaryPrefix; }
  int CompareTo(std::string_view cell) const override {
    return CompareBytes(value_, cell.substr(0, std::min(cell.size(), value_.size())));
  }

 private:
  std::string value_;
};

class RegexStringComparator final : public Comparator {
 public:
  explicit RegexStringComparator(std::unique_ptr<RE2> re) : re_(std::move(re)) {}
  Kind kind() const override { return Kind::kRegexString; }
  // Java's Matcher.find(): a match anywhere in the value.
  int CompareTo(std::string_view cell) const override {
    return RE2::PartialMatch(re2::StringPiece(cell.data(), cell.size()), *re_) ? 0 : 1;
  }

 private:
  std::unique_ptr<RE2> re_;
};

class SubstringComparator final : public Comparator {
 public:
  explicit SubstringComparator(std::string v) : value_(AsciiLower(v)) {}
  Kind kind() const override { return Kind::kSubstring; }
  // Case-insensitive containment, as HBase's SubstringComparator.
  int CompareTo(std::string_view cell) const override {
    return AsciiLower(cell).find(value_) != std::string::npos ? 0 : 1;
  }

 private:
  std::string value_;
};

}  // namespace

Result<std::unique_ptr<Comparator>> MakeComparator(std::string_view spec) {
  const size_t colon = spec.find(':');
  if (colon == std::string_view::npos) {
    return Err(Status::InvalidArgument(
        "comparator '" + std::string(spec) +
        "' has no type: expected binary:, binaryprefix:, regexstring: or substring:"));
  }
  const std::string_view type = spec.substr(0, colon);
  const std::string value(spec.substr(colon + 1));
  if (type == "binary") return std::make_unique<BinaryComparator>(value);
  if (type == "binaryprefix") return std::make_unique<BinaryPrefixComparator>(value);
  if (type == "substring") return std::make_unique<SubstringComparator>(value);
  if (type == "regexstring") {
    RE2::Options opts;
    opts.set_dot_nl(true);  // HBase compiles with Pattern.DOTALL.
    opts.set_log_errors(false);
    auto re = std::make_unique<RE2>(value, opts);
    if (!re->ok()) {
      return Err(Status::InvalidArgument("bad regular expression '" + value + "': " + re->error()));
    }
    return std::make_unique<RegexStringComparator>(std::move(re));
  }
  return Err(Status::InvalidArgument("unknown comparator type '" + std::string(type) +
                                     "': expected binary, binaryprefix, regexstring or substring"));
}

bool CompareFiltersOut(CompareOp op, int r) {
  switch (op) {
    case CompareOp::kLess:
      return r <= 0;
    case CompareOp::kLessOrEqual:
      return r < 0;
    case CompareOp::kEqual:
      return r != 0;
    case CompareOp::kNotEqual:
      return r == 0;
    case CompareOp::kGreaterOrEqual:
      return r > 0;
    case CompareOp::kGreater:
      return r >= 0;
  }
  return true;
}

}  // namespace smartcar::table::filter
