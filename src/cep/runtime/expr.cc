// Eval: the compiled-expression interpreter, with SQL's three-valued logic (NULL propagates;
// AND / OR short-circuit), Esper's inclusive BETWEEN with bounds in either order, IN, LIKE, REGEXP.
#include "cep/runtime/expr.h"

#include <cmath>

#include "cep/functions/aggregate.h"
#include "cep/functions/regex_matcher.h"

namespace smartcar::cep {

namespace {

Value Arith(char op, const Value& a, const Value& b, Type result) {
  if (a.is_null() || b.is_null()) return Value();
  if (result == Type::kInt || result == Type::kTime) {
    int64_t r = 0;
    switch (op) {
      case '+':
        r = static_cast<int64_t>(static_cast<uint64_t>(a.i) + static_cast<uint64_t>(b.i));
        break;
      case '-':
        r = static_cast<int64_t>(static_cast<uint64_t>(a.i) - static_cast<uint64_t>(b.i));
        break;
      case '*':
        r = static_cast<int64_t>(static_cast<uint64_t>(a.i) * static_cast<uint64_t>(b.i));
        break;
      case '%':
        if (b.i == 0) return Value();
        if (b.i == -1) return Value::Int(0);
        r = a.i % b.i;
        break;
      default:
        return Value();
    }
    return result == Type::kTime ? Value::Time(r) : Value::Int(r);
  }
  const double x = a.AsDouble(), y = b.AsDouble();
  switch (op) {
    case '+':
      return Value::Double(x + y);
    case '-':
      return Value::Double(x - y);
    case '*':
      return Value::Double(x * y);
    case '/':
      if (y == 0) return Value();
      return Value::Double(x / y);
    case '%':
      if (y == 0) return Value();
      return Value::Double(std::fmod(x, y));
  }
  return Value();
}

Value Cmp(char op, const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value();
  const int c = Compare(a, b);
  switch (op) {
    case '=':
      return Value::Bool(c == 0);
    case '!':
      return Value::Bool(c != 0);
    case '<':
      return Value::Bool(c < 0);
    case 'l':
      return Value::Bool(c <= 0);
    case '>':
      return Value::Bool(c > 0);
    case 'g':
      return Value::Bool(c >= 0);
  }
  return Value();
}

Value Negate(const Value& v, bool negated) {
  if (v.is_null() || !negated) return v;
  return Value::Bool(!v.b);
}

}  // namespace

bool LikeMatch(std::string_view s, std::string_view p) {
  // Iterative wildcard match with backtracking to the last '%'.
  size_t si = 0, pi = 0, star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '\\' && pi + 1 < p.size()) {
      if (p[pi + 1] == s[si]) {
        pi += 2;
        ++si;
        continue;
      }
    } else if (pi < p.size() && (p[pi] == '_' || (p[pi] != '%' && p[pi] == s[si]))) {
      ++pi;
      ++si;
      continue;
    } else if (pi < p.size() && p[pi] == '%') {
      star_p = pi++;
      star_s = si;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

Value Eval(const CExpr& e, const EvalCtx& ctx) {
  switch (e.op) {
    case Op::kConst:
      return e.constant;
    case Op::kField:
      if (ctx.event == nullptr) return Value();
      return GetField(*ctx.event, e.index);
    case Op::kAgg:
    {
      const AggSpec& spec = ctx.specs[e.index];
      if (spec.slot < 0) {
        if (spec.kind == AggKind::kCountStar) return Value::Int(ctx.group_count);
        if (ctx.group_last == nullptr) return Value();
        return Eval(spec.arg, EvalCtx{ctx.group_last, nullptr, nullptr});
      }
      return AggResult(spec, ctx.aggs[spec.slot]);
    }
    case Op::kNeg: {
      Value v = Eval(e.kids[0], ctx);
      if (v.type == Type::kDouble) return Value::Double(-v.d);
      if (v.type == Type::kInt) {
        return Value::Int(static_cast<int64_t>(0 - static_cast<uint64_t>(v.i)));
      }
      return Value();
    }
    case Op::kNot: {
      Value v = Eval(e.kids[0], ctx);
      if (v.type != Type::kBool) return Value();
      return Value::Bool(!v.b);
    }
    case Op::kArith:
      return Arith(e.sub, Eval(e.kids[0], ctx), Eval(e.kids[1], ctx), e.type);
    case Op::kConcat: {
      Value a = Eval(e.kids[0], ctx), b = Eval(e.kids[1], ctx);
      if (a.is_null() || b.is_null()) return Value();
      return Value::String(a.s + b.s);
    }
    case Op::kCmp:
      return Cmp(e.sub, Eval(e.kids[0], ctx), Eval(e.kids[1], ctx));
    case Op::kAnd: {
      Value a = Eval(e.kids[0], ctx);
      if (a.type == Type::kBool && !a.b) return a;
      Value b = Eval(e.kids[1], ctx);
      if (b.type == Type::kBool && !b.b) return b;
      if (a.is_null() || b.is_null()) return Value();
      return Value::Bool(true);
    }
    case Op::kOr: {
      Value a = Eval(e.kids[0], ctx);
      if (a.type == Type::kBool && a.b) return a;
      Value b = Eval(e.kids[1], ctx);
      if (b.type == Type::kBool && b.b) return b;
      if (a.is_null() || b.is_null()) return Value();
      return Value::Bool(false);
    }
    case Op::kBetween: {
      Value v = Eval(e.kids[0], ctx), lo = Eval(e.kids[1], ctx), hi = Eval(e.kids[2], ctx);
      if (v.is_null() || lo.is_null() || hi.is_null()) return Value();
      // Esper: the range is inclusive and the bounds may come in either order.
      if (Compare(hi, lo) < 0) std::swap(lo, hi);
      return Negate(Value::Bool(Compare(v, lo) >= 0 && Compare(v, hi) <= 0), e.negated);
    }
    case Op::kIn: {
      Value v = Eval(e.kids[0], ctx);
      if (v.is_null()) return Value();
      bool saw_null = false;
      for (size_t i = 1; i < e.kids.size(); ++i) {
        Value item = Eval(e.kids[i], ctx);
        if (item.is_null()) {
          saw_null = true;
        } else if (Compare(v, item) == 0) {
          return Value::Bool(!e.negated);
        }
      }
      if (saw_null) return Value();
      return Value::Bool(e.negated);
    }
    case Op::kLike: {
      Value v = Eval(e.kids[0], ctx), p = Eval(e.kids[1], ctx);
      if (v.is_null() || p.is_null()) return Value();
      return Negate(Value::Bool(LikeMatch(v.s, p.s)), e.negated);
    }
    case Op::kRegexp: {
      Value v = Eval(e.kids[0], ctx);
      if (v.is_null()) return Value();
      if (e.regex) return Negate(Value::Bool(e.regex->Matches(v.s)), e.negated);
      Value p = Eval(e.kids[1], ctx);
      if (p.is_null()) return Value();
      Result<std::shared_ptr<const RegexMatcher>> re = RegexMatcher::Compile(p.s);
      if (!re) return Value();  // A bad pattern computed at run time matches nothing.
      return Negate(Value::Bool((*re)->Matches(v.s)), e.negated);
    }
    case Op::kIsNull:
      return Value::Bool(Eval(e.kids[0], ctx).is_null() != e.negated);
    case Op::kCase: {
      size_t i = 0;
      Value operand;
      if (e.has_operand) operand = Eval(e.kids[i++], ctx);
      const size_t pairs_end = e.kids.size() - (e.has_else ? 1 : 0);
      for (; i < pairs_end; i += 2) {
        Value w = Eval(e.kids[i], ctx);
        const bool hit = e.has_operand
                             ? (!operand.is_null() && !w.is_null() && Compare(operand, w) == 0)
                             : (w.type == Type::kBool && w.b);
        if (hit) {
          Value r = Eval(e.kids[i + 1], ctx);
          if (e.type == Type::kDouble && r.type == Type::kInt) return Value::Double(r.AsDouble());
          return r;
        }
      }
      if (e.has_else) {
        Value r = Eval(e.kids.back(), ctx);
        if (e.type == Type::kDouble && r.type == Type::kInt) return Value::Double(r.AsDouble());
        return r;
      }
      return Value();
    }
    case Op::kCall: {
      Value args[8];
      const size_t n = std::min<size_t>(e.kids.size(), 8);
      for (size_t i = 0; i < n; ++i) args[i] = Eval(e.kids[i], ctx);
      return e.fn(args, n, e.type);
    }
  }
  return Value();
}

bool EvalPredicate(const CExpr& e, const EvalCtx& ctx) {
  Value v = Eval(e, ctx);
  return v.type == Type::kBool && v.b;
}

}  // namespace smartcar::cep
