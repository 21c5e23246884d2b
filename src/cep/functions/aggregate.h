// Aggregate functions: count, sum, avg, min, max, stddev, avedev, median, first, last and
// count(distinct). State is updated incrementally as events enter and leave a window:
// count/sum/avg/stddev in O(1); min/max/median/avedev/distinct keep an ordered multiset
// (O(log n)); first/last keep arrival order.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string_view>

#include "cep/runtime/expr.h"
#include "cep/value.h"

namespace smartcar::cep {

enum class AggKind : uint8_t {
  kCountStar,
  kCount,
  kCountDistinct,
  kSum,
  kAvg,
  kMin,
  kMax,
  kStddev,
  kAvedev,
  kMedian,
  kFirst,
  kLast,
};

struct AggSpec {
  AggKind kind = AggKind::kCountStar;
  CExpr arg;                // Unused for count(*).
  Type type = Type::kNull;  // Result type.
};

struct AggExtra {
  std::map<Value, int64_t> bag;  // value → multiplicity
  std::deque<Value> seq;         // arrival order (first/last)
};

struct AggState {
  int64_t n = 0;  // non-null values
  int64_t isum = 0;
  double sum = 0;
  double sumsq = 0;
  std::unique_ptr<AggExtra> x;
};

struct AggregateInfo {
  std::string_view name;
  AggKind kind;
  std::string_view usage;
};
// The aggregate called `name` (any case), or nullptr.
const AggregateInfo* FindAggregate(std::string_view name);

// The result type for an argument of type `arg`, or kNull if the argument type is not allowed.
Type AggResultType(AggKind kind, Type arg);

void AggEnter(const AggSpec& spec, AggState* s, const Value& v);
// AggEnter for a non-null integer, without building a Value (count, sum, avg, stddev only).
inline bool AggEnterIntFast(const AggSpec& spec, AggState* s, int64_t v) {
  switch (spec.kind) {
    case AggKind::kCount:
    case AggKind::kSum:
    case AggKind::kAvg:
    case AggKind::kStddev: {
      ++s->n;
      s->isum = static_cast<int64_t>(static_cast<uint64_t>(s->isum) + static_cast<uint64_t>(v));
      const double d = static_cast<double>(v);
      s->sum += d;
      s->sumsq += d * d;
      return true;
    }
    default:
      return false;
  }
}
void AggLeave(const AggSpec& spec, AggState* s, const Value& v);
Value AggResult(const AggSpec& spec, const AggState& s);
// Approximate heap bytes held by `s` beyond sizeof(AggState).
size_t AggExtraBytes(const AggState& s);

}  // namespace smartcar::cep
