// The single-row functions of scalar.h with their result-type rules (a NULL argument gives NULL
// except in coalesce; round is half away from zero, Esper's default), and cast()'s conversions.
#include "cep/functions/scalar.h"
#include "core/coding.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace smartcar::cep {

namespace {

bool AllNumeric(const std::vector<Type>& a) {
  return std::all_of(a.begin(), a.end(), [](Type t) { return IsNumeric(t) || t == Type::kNull; });
}

Type SameAsFirstNumeric(const std::vector<Type>& a) {
  if (!AllNumeric(a)) return Type::kNull;
  return a[0] == Type::kDouble ? Type::kDouble : Type::kInt;
}
Type DoubleIfNumeric(const std::vector<Type>& a) {
  return AllNumeric(a) ? Type::kDouble : Type::kNull;
}
Type RoundType(const std::vector<Type>& a) {
  if (!AllNumeric(a)) return Type::kNull;
  if (a.size() == 2 && a[1] != Type::kInt) return Type::kNull;
  return a[0] == Type::kDouble ? Type::kDouble : Type::kInt;
}
Type StringIfStrings(const std::vector<Type>& a) {
  for (Type t : a) {
    if (t != Type::kString && t != Type::kNull) return Type::kNull;
  }
  return Type::kString;
}
Type IntIfString(const std::vector<Type>& a) {
  return a[0] == Type::kString || a[0] == Type::kNull ? Type::kInt : Type::kNull;
}
Type SubstrType(const std::vector<Type>& a) {
  if (a[0] != Type::kString && a[0] != Type::kNull) return Type::kNull;
  for (size_t i = 1; i < a.size(); ++i) {
    if (a[i] != Type::kInt) return Type::kNull;
  }
  return Type::kString;
}
Type CommonType(const std::vector<Type>& a) {
  Type t = Type::kNull;
  for (Type x : a) {
    if (x == Type::kNull) continue;
    if (t == Type::kNull) {
      t = x;
    } else if (t != x) {
      if (IsNumeric(t) && IsNumeric(x)) {
        t = Type::kDouble;
      } else {
        return Type::kNull;
      }
    }
  }
  return t == Type::kNull ? Type::kString : t;
}
Type MinMaxType(const std::vector<Type>& a) {
  Type t = CommonType(a);
  return t == Type::kBool ? Type::kNull : t;
}

Value Num(double d, Type result) {
  if (std::isnan(d)) return Value();
  if (result == Type::kInt) {
    if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) return Value();
    return Value::Int(static_cast<int64_t>(d));
  }
  return Value::Double(d);
}
bool AnyNull(const Value* a, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i].is_null()) return true;
  }
  return false;
}
Value Coerce(const Value& v, Type t) {
  if (t == Type::kDouble && (v.type == Type::kInt || v.type == Type::kTime)) {
    return Value::Double(v.AsDouble());
  }
  return v;
}

Value FAbs(const Value* a, size_t n, Type r) {
  if (AnyNull(a, n)) return Value();
  if (a[0].type == Type::kInt) {
    const uint64_t u = static_cast<uint64_t>(a[0].i);
    return Value::Int(static_cast<int64_t>(a[0].i < 0 ? 0 - u : u));
  }
  return Num(std::fabs(a[0].AsDouble()), r);
}
Value FRound(const Value* a, size_t n, Type r) {
  if (AnyNull(a, n)) return Value();
  if (a[0].type == Type::kInt && n == 1) return a[0];
  const double digits = n == 2 ? static_cast<double>(a[1].i) : 0;
  const double scale = std::pow(10.0, digits);
  // Half away from zero (Java's HALF_UP, Esper's default).
  const double v = std::round(a[0].AsDouble() * scale) / scale;
  return Num(v, r);
}
Value FFloor(const Value* a, size_t n, Type r) {
  if (AnyNull(a, n)) return Value();
  return Num(std::floor(a[0].AsDouble()), r);
}
Value FCeil(const Value* a, size_t n, Type r) {
  if (AnyNull(a, n)) return Value();
  return Num(std::ceil(a[0].AsDouble()), r);
}
Value FSqrt(const Value* a, size_t n, Type) {
  if (AnyNull(a, n) || a[0].AsDouble() < 0) return Value();
  return Value::Double(std::sqrt(a[0].AsDouble()));
}
Value FPow(const Value* a, size_t n, Type) {
  if (AnyNull(a, n)) return Value();
  return Num(std::pow(a[0].AsDouble(), a[1].AsDouble()), Type::kDouble);
}
Value FExp(const Value* a, size_t n, Type) {
  if (AnyNull(a, n)) return Value();
  return Num(std::exp(a[0].AsDouble()), Type::kDouble);
}
Value FLn(const Value* a, size_t n, Type) {
  if (AnyNull(a, n) || a[0].AsDouble() <= 0) return Value();
  return Value::Double(std::log(a[0].AsDouble()));
}
Value FCoalesce(const Value* a, size_t n, Type r) {
  for (size_t i = 0; i < n; ++i) {
    if (!a[i].is_null()) return Coerce(a[i], r);
  }
  return Value();
}
Value FSubstr(const Value* a, size_t n, Type) {
  if (AnyNull(a, n)) return Value();
  // SQL style: 1-based start; a start below 1 counts from 1.
  const std::string& s = a[0].s;
  int64_t start = std::max<int64_t>(a[1].i, 1) - 1;
  if (start >= static_cast<int64_t>(s.size())) return Value::String("");
  int64_t len = n == 3 ? a[2].i : static_cast<int64_t>(s.size());
  if (len < 0) len = 0;
  return Value::String(
      std::string_view(s).substr(static_cast<size_t>(start), static_cast<size_t>(len)));
}
Value FUpper(const Value* a, size_t n, Type) {
  if (AnyNull(a, n)) return Value();
  Value v = a[0];
  for (char& c : v.s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return v;
}
Value FLower(const Value* a, size_t n, Type) {
  if (AnyNull(a, n)) return Value();
  Value v = a[0];
  for (char& c : v.s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v;
}
Value FLength(const Value* a, size_t n, Type) {
  if (AnyNull(a, n)) return Value();
  return Value::Int(static_cast<int64_t>(a[0].s.size()));
}
Value FTrim(const Value* a, size_t n, Type) {
  if (AnyNull(a, n)) return Value();
  std::string_view s = a[0].s;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return Value::String(s);
}
Value FConcat(const Value* a, size_t n, Type) {
  if (AnyNull(a, n)) return Value();
  std::string out;
  for (size_t i = 0; i < n; ++i) out += a[i].s;
  return Value::String(out);
}
Value FMin(const Value* a, size_t n, Type r) {
  if (AnyNull(a, n)) return Value();
  size_t best = 0;
  for (size_t i = 1; i < n; ++i) {
    if (Compare(a[i], a[best]) < 0) best = i;
  }
  return Coerce(a[best], r);
}
Value FMax(const Value* a, size_t n, Type r) {
  if (AnyNull(a, n)) return Value();
  size_t best = 0;
  for (size_t i = 1; i < n; ++i) {
    if (Compare(a[i], a[best]) > 0) best = i;
  }
  return Coerce(a[best], r);
}

const ScalarInfo kScalars[] = {
    {"abs", 1, 1, "abs(number)", SameAsFirstNumeric, FAbs},
    {"round", 1, 2, "round(number[, digits])", RoundType, FRound},
    {"floor", 1, 1, "floor(number)", SameAsFirstNumeric, FFloor},
    {"ceil", 1, 1, "ceil(number)", SameAsFirstNumeric, FCeil},
    {"sqrt", 1, 1, "sqrt(number)", DoubleIfNumeric, FSqrt},
    {"pow", 2, 2, "pow(base, exponent)", DoubleIfNumeric, FPow},
    {"exp", 1, 1, "exp(number)", DoubleIfNumeric, FExp},
    {"ln", 1, 1, "ln(number)", DoubleIfNumeric, FLn},
    {"coalesce", 2, 8, "coalesce(expr, expr[, ...])", CommonType, FCoalesce},
    {"substr", 2, 3, "substr(string, start[, length])", SubstrType, FSubstr},
    {"substring", 2, 3, "substring(string, start[, length])", SubstrType, FSubstr},
    {"upper", 1, 1, "upper(string)", StringIfStrings, FUpper},
    {"lower", 1, 1, "lower(string)", StringIfStrings, FLower},
    {"length", 1, 1, "length(string)", IntIfString, FLength},
    {"trim", 1, 1, "trim(string)", StringIfStrings, FTrim},
    {"concat", 1, 8, "concat(string, ...)", StringIfStrings, FConcat},
    {"min", 2, 8, "min(expr, expr[, ...])", MinMaxType, FMin},
    {"max", 2, 8, "max(expr, expr[, ...])", MinMaxType, FMax},
};

}  // namespace

const ScalarInfo* FindScalar(std::string_view name) {
  for (const ScalarInfo& f : kScalars) {
    if (EqualsIgnoreCase(f.name, name)) return &f;
  }
  return nullptr;
}

Type CastTargetType(std::string_view name) {
  if (EqualsIgnoreCase(name, "int") || EqualsIgnoreCase(name, "integer") ||
      EqualsIgnoreCase(name, "long") || EqualsIgnoreCase(name, "short")) {
    return Type::kInt;
  }
  if (EqualsIgnoreCase(name, "double") || EqualsIgnoreCase(name, "float") ||
      EqualsIgnoreCase(name, "decimal"))
    return Type::kDouble;
  if (EqualsIgnoreCase(name, "string")) return Type::kString;
  if (EqualsIgnoreCase(name, "boolean") || EqualsIgnoreCase(name, "bool")) return Type::kBool;
  return Type::kNull;
}

Value CastValue(const Value* a, size_t, Type r) {
  const Value& v = a[0];
  if (v.is_null()) return Value();
  switch (r) {
    case Type::kInt:
      if (v.type == Type::kInt || v.type == Type::kTime) return Value::Int(v.i);
      if (v.type == Type::kDouble) {
        if (!std::isfinite(v.d) || std::fabs(v.d) > 9.2e18) return Value();
        return Value::Int(static_cast<int64_t>(v.d));
      }
      if (v.type == Type::kString) {
        int64_t x = 0;
        auto [p, ec] = std::from_chars(v.s.data(), v.s.data() + v.s.size(), x);
        if (ec != std::errc() || p != v.s.data() + v.s.size()) return Value();
        return Value::Int(x);
      }
      if (v.type == Type::kBool) return Value::Int(v.b ? 1 : 0);
      return Value();
    case Type::kDouble:
      if (IsNumeric(v.type)) return Value::Double(v.AsDouble());
      if (v.type == Type::kString) {
        char* end = nullptr;
        const double d = std::strtod(v.s.c_str(), &end);
        if (v.s.empty() || end != v.s.c_str() + v.s.size()) return Value();
        return Value::Double(d);
      }
      return Value();
    case Type::kString: {
      if (v.type == Type::kString) return v;
      std::string out;
      AppendJson(v, &out);
      if (v.type == Type::kTime && out.size() > 1 && out.front() == '"') {
        out = out.substr(1, out.size() - 2);
      }
      return Value::String(out);
    }
    case Type::kBool:
      if (v.type == Type::kBool) return v;
      if (v.type == Type::kString) {
        if (EqualsIgnoreCase(v.s, "true")) return Value::Bool(true);
        if (EqualsIgnoreCase(v.s, "false")) return Value::Bool(false);
      }
      return Value();
    default:
      return Value();
  }
}

}  // namespace smartcar::cep
