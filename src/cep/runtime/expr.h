// CExpr: a checked, compiled expression (fields resolved to indexes, aggregates to slots,
// functions to pointers). Evaluated by a switch, without name lookups or string maps.
#pragma once

#include <memory>
#include <vector>

#include "cep/runtime/event.h"
#include "cep/runtime/regex_matcher.h"
#include "cep/value.h"

namespace smartcar::cep {

struct AggSpec;
struct AggState;

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

struct EvalCtx {
  const StoredEvent* event = nullptr;  // May be null when only aggregates are read.
  const AggState* aggs = nullptr;
  const AggSpec* specs = nullptr;
};

Value Eval(const CExpr& e, const EvalCtx& ctx);
// True only for a boolean true (NULL and false both reject, as in SQL WHERE).
bool EvalPredicate(const CExpr& e, const EvalCtx& ctx);

// SQL LIKE with % and _ (and '\' escaping the next character).
bool LikeMatch(std::string_view s, std::string_view pattern);

}  // namespace smartcar::cep
