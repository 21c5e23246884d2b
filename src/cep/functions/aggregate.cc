// The aggregate functions' lookup, result types and state updates: AggEnter / AggLeave as events
// enter and leave a window, and AggResult (sample stddev, median as the mean of the middle two).
#include "cep/functions/aggregate.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace smartcar::cep {

namespace {

constexpr AggregateInfo kAggregates[] = {
    {"count", AggKind::kCount, "count(*), count(expr) or count(distinct expr)"},
    {"sum", AggKind::kSum, "sum(numeric expr)"},
    {"avg", AggKind::kAvg, "avg(numeric expr)"},
    {"min", AggKind::kMin, "min(expr)"},
    {"max", AggKind::kMax, "max(expr)"},
    {"stddev", AggKind::kStddev, "stddev(numeric expr)"},
    {"avedev", AggKind::kAvedev, "avedev(numeric expr)"},
    {"median", AggKind::kMedian, "median(numeric expr)"},
    {"first", AggKind::kFirst, "first(expr)"},
    {"last", AggKind::kLast, "last(expr)"},
};

bool NeedsBag(AggKind k) {
  return k == AggKind::kCountDistinct || k == AggKind::kMin || k == AggKind::kMax ||
         k == AggKind::kAvedev || k == AggKind::kMedian;
}

// REQUIRES: UsesExtra(spec) for the aggregate of `s`.
AggExtra* Extra(AggState* s) {
  if (s->x == nullptr) s->x = new AggExtra();  // owned by the state's holder
  return s->x;
}

// Where the aggregate's sum is kept: in the state, or in its extra state (UsesExtra).
int64_t& ISum(const AggSpec& spec, AggState* s) {
  return UsesExtra(spec) ? Extra(s)->isum : s->isum;
}
double& DSum(const AggSpec& spec, AggState* s) { return UsesExtra(spec) ? Extra(s)->sum : s->sum; }
int64_t ISumOf(const AggSpec& spec, const AggState& s) {
  if (!UsesExtra(spec)) return s.isum;
  return s.x != nullptr ? s.x->isum : 0;
}
double DSumOf(const AggSpec& spec, const AggState& s) {
  if (!UsesExtra(spec)) return s.sum;
  return s.x != nullptr ? s.x->sum : 0;
}
// The sum as a double, whichever way it is kept.
double SumOf(const AggSpec& spec, const AggState& s) {
  return IntegerSum(spec) ? static_cast<double>(ISumOf(spec, s)) : DSumOf(spec, s);
}

// The sum of a non-null value: exact for integer arguments, a double otherwise; stddev also
// keeps the sum of squares. `sign` is +1 as a value enters, -1 as it leaves.
void AddToSum(const AggSpec& spec, AggState* s, const Value& v, int sign) {
  if (!IsNumeric(v.type)) return;
  if (IntegerSum(spec)) {
    const uint64_t i =
        static_cast<uint64_t>(v.type == Type::kDouble ? static_cast<int64_t>(v.d) : v.i);
    int64_t& sum = ISum(spec, s);
    sum = static_cast<int64_t>(sign > 0 ? static_cast<uint64_t>(sum) + i
                                        : static_cast<uint64_t>(sum) - i);
  } else {
    DSum(spec, s) += sign * v.AsDouble();
  }
  if (spec.kind == AggKind::kStddev) {
    const double d = v.AsDouble();
    Extra(s)->sumsq += sign * d * d;
  }
}

}  // namespace

const AggregateInfo* FindAggregate(std::string_view name) {
  for (const AggregateInfo& a : kAggregates) {
    if (a.name.size() != name.size()) continue;
    bool eq = true;
    for (size_t i = 0; i < name.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(name[i])) != a.name[i]) eq = false;
    }
    if (eq) return &a;
  }
  return nullptr;
}

Type AggResultType(AggKind kind, Type arg) {
  switch (kind) {
    case AggKind::kCountStar:
    case AggKind::kCount:
    case AggKind::kCountDistinct:
      return Type::kInt;
    case AggKind::kSum:
      if (arg == Type::kInt) return Type::kInt;
      return IsNumeric(arg) ? Type::kDouble : Type::kNull;
    case AggKind::kAvg:
    case AggKind::kStddev:
    case AggKind::kAvedev:
    case AggKind::kMedian:
      return IsNumeric(arg) ? Type::kDouble : Type::kNull;
    case AggKind::kMin:
    case AggKind::kMax:
    case AggKind::kFirst:
    case AggKind::kLast:
      return arg;
  }
  return Type::kNull;
}

void AggEnter(const AggSpec& spec, AggState* s, const Value& v) {
  if (spec.kind == AggKind::kCountStar) {
    ++s->n;
    return;
  }
  if (spec.ever) {
    // firstever/lastever: nulls are skipped and one value is kept.
    if (v.is_null()) return;
    std::deque<Value>& q = Extra(s)->seq;
    if (q.empty()) {
      q.push_back(v);
    } else if (spec.kind == AggKind::kLast) {
      q.back() = v;
    }
    ++s->n;
    return;
  }
  if (spec.kind == AggKind::kFirst || spec.kind == AggKind::kLast) {
    // Nulls are kept so first/last report the first/last event's value. An append-only
    // first(x) needs only its first value.
    if (!(spec.append_only && spec.kind == AggKind::kFirst && s->n > 0)) Extra(s)->seq.push_back(v);
    ++s->n;
    return;
  }
  if (v.is_null()) return;
  if (RunningExtreme(spec)) {
    const bool min = spec.kind == AggKind::kMin;
    if (spec.type == Type::kDouble) {
      const double d = v.AsDouble();
      if (s->n == 0 || (min ? d < s->sum : d > s->sum)) s->sum = d;
    } else if (s->n == 0 || (min ? v.i < s->isum : v.i > s->isum)) {
      s->isum = v.i;
    }
    ++s->n;
    return;
  }
  if (spec.distinct || NeedsBag(spec.kind)) {
    if (Extra(s)->bag[v]++ > 0 && spec.distinct) return;  // this value is already in
  }
  ++s->n;
  AddToSum(spec, s, v, 1);
}

void AggLeave(const AggSpec& spec, AggState* s, const Value& v) {
  if (spec.kind == AggKind::kCountStar) {
    --s->n;
    return;
  }
  if (spec.kind == AggKind::kFirst || spec.kind == AggKind::kLast) {
    std::deque<Value>& q = Extra(s)->seq;
    // Windows remove in arrival order, so this is almost always the front.
    for (auto it = q.begin(); it != q.end(); ++it) {
      if (it->type == v.type && Equal(*it, v)) {
        q.erase(it);
        break;
      }
    }
    --s->n;
    return;
  }
  if (v.is_null()) return;
  if (spec.distinct || NeedsBag(spec.kind)) {
    auto& bag = Extra(s)->bag;
    auto it = bag.find(v);
    const bool last_copy = it != bag.end() && --it->second == 0;
    if (last_copy) bag.erase(it);
    if (spec.distinct && !last_copy) return;  // other events still hold this value
  }
  --s->n;
  AddToSum(spec, s, v, -1);
  if (s->n == 0) {
    // Reset accumulated rounding error when the window empties.
    if (UsesExtra(spec)) {
      AggExtra* x = Extra(s);
      x->isum = 0;
      x->sum = 0;
      x->sumsq = 0;
    } else {
      s->isum = 0;
    }
  }
}

Value AggResult(const AggSpec& spec, const AggState& s) {
  switch (spec.kind) {
    case AggKind::kCountStar:
    case AggKind::kCount:
      return Value::Int(s.n);
    case AggKind::kCountDistinct:
      return Value::Int(s.x ? static_cast<int64_t>(s.x->bag.size()) : 0);
    case AggKind::kSum:
      if (s.n == 0) return Value();
      if (!IntegerSum(spec)) return Value::Double(DSumOf(spec, s));
      return spec.type == Type::kInt ? Value::Int(ISumOf(spec, s)) : Value::Double(SumOf(spec, s));
    case AggKind::kAvg:
      if (s.n == 0) return Value();
      return Value::Double(SumOf(spec, s) / static_cast<double>(s.n));
    case AggKind::kStddev: {
      if (s.n < 2) return Value();
      const double n = static_cast<double>(s.n);
      const double mean = SumOf(spec, s) / n;
      const double sumsq = s.x != nullptr ? s.x->sumsq : 0;
      const double var = std::max(0.0, (sumsq - n * mean * mean) / (n - 1));
      return Value::Double(std::sqrt(var));
    }
    case AggKind::kAvedev: {
      if (s.n == 0 || !s.x) return Value();
      const double mean = SumOf(spec, s) / static_cast<double>(s.n);
      double dev = 0;
      for (const auto& [v, c] : s.x->bag) {
        dev += std::fabs(v.AsDouble() - mean) * static_cast<double>(spec.distinct ? 1 : c);
      }
      return Value::Double(dev / static_cast<double>(s.n));
    }
    case AggKind::kMedian: {
      if (s.n == 0 || !s.x) return Value();
      const int64_t lo = (s.n - 1) / 2, hi = s.n / 2;
      int64_t seen = 0;
      double a = 0, b = 0;
      bool have_a = false;
      for (const auto& [v, count] : s.x->bag) {
        const int64_t c = spec.distinct ? 1 : count;
        if (!have_a && seen + c > lo) {
          a = v.AsDouble();
          have_a = true;
        }
        if (seen + c > hi) {
          b = v.AsDouble();
          break;
        }
        seen += c;
      }
      return Value::Double((a + b) / 2);
    }
    case AggKind::kMin:
    case AggKind::kMax:
      if (RunningExtreme(spec)) {
        if (s.n == 0) return Value();
        if (spec.type == Type::kDouble) return Value::Double(s.sum);
        return spec.type == Type::kTime ? Value::Time(s.isum) : Value::Int(s.isum);
      }
      if (!s.x || s.x->bag.empty()) return Value();
      if (spec.kind == AggKind::kMin) return s.x->bag.begin()->first;
      return s.x->bag.rbegin()->first;
    case AggKind::kFirst:
      if (!s.x || s.x->seq.empty()) return Value();
      return s.x->seq.front();
    case AggKind::kLast:
      if (!s.x || s.x->seq.empty()) return Value();
      return s.x->seq.back();
  }
  return Value();
}

void AggFree(const AggSpec& spec, AggState* s) {
  if (!UsesExtra(spec)) return;
  delete s->x;
  *s = AggState{};
}

size_t AggExtraBytes(const AggExtra* x) {
  if (x == nullptr) return 0;
  // A red-black tree node holds the pair plus 32 bytes of links; deque blocks hold Values.
  return sizeof(AggExtra) + x->bag.size() * (sizeof(Value) + 8 + 32) +
         x->seq.size() * sizeof(Value);
}

}  // namespace smartcar::cep
