// Single-row functions: abs, round, floor, ceil, sqrt, pow, exp, ln, coalesce, substr, upper,
// lower, length, trim, concat, and min/max with two or more arguments (Esper's row min/max).
// cast(x, type) is handled by the analyzer on top of these.
#pragma once

#include <string_view>
#include <vector>

#include "cep/expr.h"

namespace smartcar::cep {

struct ScalarInfo {
  std::string_view name;
  int min_args;
  int max_args;  // At most 8.
  std::string_view usage;
  // Result type for the argument types, or kNull when they are not accepted.
  Type (*result)(const std::vector<Type>& args);
  ScalarFn fn;
};

// The function called `name` (any case), or nullptr.
const ScalarInfo* FindScalar(std::string_view name);

// cast(x, type): `type` is one of int, long, integer, double, float, string, boolean.
// Returns the target type or kNull for an unknown type name.
Type CastTargetType(std::string_view name);
Value CastValue(const Value* args, size_t n, Type result);

}  // namespace smartcar::cep
