// Aggregate functions: count, sum, avg, min, max, stddev, avedev, median, first, last and
// count(distinct). State is updated incrementally as events enter and leave a window:
// count/sum/avg/stddev in O(1); min/max of numbers where events never leave (batch windows)
// keep a running extreme, O(1) time and memory; otherwise min/max/median/avedev/distinct keep
// an ordered multiset (O(log n)); first/last keep arrival order.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string_view>

#include "cep/expr.h"
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
  // Events never leave the state (batch windows: each batch starts a new state), so AggLeave
  // is never called: min/max of a number keep a running extreme instead of a multiset.
  bool append_only = false;
  // first/last over a stream with no data window: Esper's firstever/lastever, the first/last
  // non-null value since deployment (with a window: the value on the first/last event).
  bool ever = false;
  // sum/avg/min/max/stddev/avedev/median(distinct x): each distinct value counts once (the
  // values' multiplicities are kept in AggExtra::bag). count(distinct x) is kCountDistinct.
  bool distinct = false;
  // Index of this aggregate's AggState in its group's state array, or -1 when it keeps none
  // (see StatelessAggregate).
  int slot = 0;
};

// last(x) read from the group's newest event (append-only state: a batch window).
inline bool LastFromGroup(const AggSpec& spec) {
  return spec.append_only && spec.kind == AggKind::kLast;
}
// Aggregates the group already holds: count(*) is the group's event count, and last(x) over a
// batch is x of the group's newest event.
inline bool StatelessAggregate(const AggSpec& spec) {
  return spec.kind == AggKind::kCountStar || LastFromGroup(spec);
}
// Sums of an integer (or time) argument are kept exactly in AggState::isum, others in ::sum.
inline bool IntegerSum(const AggSpec& spec) {
  return spec.arg.type == Type::kInt || spec.arg.type == Type::kTime;
}

// min/max kept as a running extreme (in AggState::isum, or ::sum for doubles).
inline bool RunningExtreme(const AggSpec& spec) {
  return spec.append_only && (spec.kind == AggKind::kMin || spec.kind == AggKind::kMax) &&
         (spec.type == Type::kInt || spec.type == Type::kTime || spec.type == Type::kDouble);
}

// Whether the aggregate keeps more than a count and a sum: a bag of values (distinct, median,
// avedev, min/max where events leave), an arrival sequence (first/last) or a sum of squares
// (stddev). Its whole state, sums included, is then in an AggExtra (AggState::x).
inline bool UsesExtra(const AggSpec& spec) {
  switch (spec.kind) {
    case AggKind::kCountStar:
      return false;
    case AggKind::kFirst:
    case AggKind::kLast:
    case AggKind::kCountDistinct:
    case AggKind::kStddev:
    case AggKind::kAvedev:
    case AggKind::kMedian:
      return true;
    case AggKind::kMin:
    case AggKind::kMax:
      return !RunningExtreme(spec);
    default:
      return spec.distinct;
  }
}

struct AggExtra {
  std::map<Value, int64_t> bag;  // value → multiplicity
  std::deque<Value> seq;         // arrival order (first/last)
  int64_t isum = 0;              // the sum (IntegerSum), or
  double sum = 0;                // the sum (otherwise)
  double sumsq = 0;              // stddev
};

// 16 bytes: a group's state for one aggregate — the count of non-null values and the sum (or
// running extreme), an integer for integer arguments (IntegerSum) and a double otherwise. An
// aggregate that UsesExtra keeps its state in `x` instead, allocated by AggEnter on first use
// and owned by the state's holder (GroupTable frees it); a zeroed state is an empty one.
struct AggState {
  int64_t n = 0;  // non-null values
  union {
    int64_t isum = 0;
    double sum;
    AggExtra* x;  // UsesExtra(spec)
  };
};
static_assert(sizeof(AggState) == 16);

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
  if (spec.distinct) return false;
  switch (spec.kind) {
    case AggKind::kCount:
    case AggKind::kSum:
    case AggKind::kAvg: {
      if (!IntegerSum(spec)) return false;
      ++s->n;
      s->isum = static_cast<int64_t>(static_cast<uint64_t>(s->isum) + static_cast<uint64_t>(v));
      return true;
    }
    case AggKind::kMin:
    case AggKind::kMax:
      if (!RunningExtreme(spec) || spec.type == Type::kDouble) return false;
      if (s->n == 0 || (spec.kind == AggKind::kMin ? v < s->isum : v > s->isum)) s->isum = v;
      ++s->n;
      return true;
    default:
      return false;
  }
}
void AggLeave(const AggSpec& spec, AggState* s, const Value& v);
Value AggResult(const AggSpec& spec, const AggState& s);
// Frees what the state of an aggregate that UsesExtra holds, leaving it empty (for holders other
// than GroupTable, which frees its groups' states itself).
void AggFree(const AggSpec& spec, AggState* s);
// Approximate heap bytes held by an aggregate's extra state (0 for null).
size_t AggExtraBytes(const AggExtra* x);

}  // namespace smartcar::cep
