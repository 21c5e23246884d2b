// CExpr: a checked, compiled expression (fields resolved to indexes, aggregates to slots,
// functions to pointers), as the analyzer builds it and the plan holds it. Data only: evaluation
// is runtime/expr.h's Eval, so functions/, windows/ and planner/ can hold expressions without
// depending on the runtime.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "cep/value.h"

namespace smartcar::cep {

class RegexMatcher;  // functions/regex_matcher.h

enum class Op : uint8_t {
  kConst,
  kField,  // index: field of the current event
  kAgg,    // index: aggregate slot
  kNeg,
  kNot,
  kArith,   // sub: + - * / %
  kConcat,  // ||
  kCmp,     // sub: = ! < l > g  (!= <= >=)
  kAnd,
  kOr,
  kBetween,
  kIn,
  kLike,
  kRegexp,
  kIsNull,
  kCase,
  kCall,
};

using ScalarFn = Value (*)(const Value* args, size_t n, Type result);

struct CExpr {
  Op op = Op::kConst;
  Type type = Type::kNull;
  char sub = 0;
  int index = -1;
  bool negated = false;
  bool has_operand = false;
  bool has_else = false;
  Value constant;
  std::vector<CExpr> kids;
  ScalarFn fn = nullptr;
  std::shared_ptr<const RegexMatcher> regex;  // Constant REGEXP pattern.
};

}  // namespace smartcar::cep
