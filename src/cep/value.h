// Value: one typed value of the rule language (a field, a literal, an aggregate result).
//
// Types follow Esper's boxed types, reduced to what the pilot's events need: boolean, long
// (64-bit integer), double, string, and time (event time in epoch milliseconds, shown as the
// pilot's 14-digit stamp). NULL is its own type so that three-valued logic works as in SQL.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace smartcar::cep {

enum class Type : uint8_t { kNull, kBool, kInt, kDouble, kString, kTime };

// "null", "boolean", "long", "double", "string", "time".
std::string_view TypeName(Type t);
inline bool IsNumeric(Type t) { return t == Type::kInt || t == Type::kDouble || t == Type::kTime; }

struct Value {
  Type type = Type::kNull;
  union {
    bool b;
    int64_t i;
    double d;
  };
  std::string s;  // kString only.

  Value() : i(0) {}
  static Value Null() { return Value(); }
  static Value Bool(bool v) {
    Value x;
    x.type = Type::kBool;
    x.b = v;
    return x;
  }
  static Value Int(int64_t v) {
    Value x;
    x.type = Type::kInt;
    x.i = v;
    return x;
  }
  static Value Double(double v) {
    Value x;
    x.type = Type::kDouble;
    x.d = v;
    return x;
  }
  static Value Time(int64_t ms) {
    Value x;
    x.type = Type::kTime;
    x.i = ms;
    return x;
  }
  static Value String(std::string_view v) {
    Value x;
    x.type = Type::kString;
    x.s.assign(v.data(), v.size());
    return x;
  }

  bool is_null() const { return type == Type::kNull; }
  // The numeric value as a double. REQUIRES: IsNumeric(type).
  double AsDouble() const { return type == Type::kDouble ? d : static_cast<double>(i); }
};

// Total order used by min/max/median and sort: NULL < booleans < numbers < strings; numbers
// (long, double, time) compare by value.
int Compare(const Value& a, const Value& b);
inline bool operator<(const Value& a, const Value& b) { return Compare(a, b) < 0; }
bool Equal(const Value& a, const Value& b);

// Appends `v` as a JSON value: numbers as numbers (a double always has a '.' or exponent, NaN
// and infinities become null), time as its 14-digit string, strings escaped.
void AppendJson(const Value& v, std::string* out);
// Appends `s` as a quoted, escaped JSON string.
void AppendJsonString(std::string_view s, std::string* out);
// A short human form for messages and tests: 80, 80.5, 'F06', null, true.
std::string ToDisplay(const Value& v);

// Appends a binary encoding of `v` that is equal for equal values (used for group keys).
void AppendKey(const Value& v, std::string* out);

}  // namespace smartcar::cep
