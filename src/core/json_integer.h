// Integers out of parsed JSON without undefined behaviour. nlohmann-json's get<int64_t>() turns a
// floating-point value into an integer with a plain C++ cast, so a state file or an HTTP body
// that says 1e300 where a count belongs is undefined behaviour rather than an error (the stats
// JSON fuzzer found it). JsonInteger accepts only an integral JSON number that fits T. Header
// only and generic over the JSON type, so core/ does not depend on nlohmann-json.
#pragma once

#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace smartcar {

// The value of `v` as T, or nullopt when it is not an integer or does not fit T.
template <class T, class Json>
std::optional<T> JsonInteger(const Json& v) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  using Max = unsigned long long;
  if (v.is_number_unsigned()) {
    const auto u = v.template get<Max>();
    if (u > static_cast<Max>(std::numeric_limits<T>::max())) return std::nullopt;
    return static_cast<T>(u);
  }
  if (v.is_number_integer()) {
    const auto i = v.template get<long long>();
    if constexpr (std::is_unsigned_v<T>) {
      if (i < 0 || static_cast<Max>(i) > static_cast<Max>(std::numeric_limits<T>::max())) {
        return std::nullopt;
      }
    } else {
      if (i < static_cast<long long>(std::numeric_limits<T>::min()) ||
          i > static_cast<long long>(std::numeric_limits<T>::max())) {
        return std::nullopt;
      }
    }
    return static_cast<T>(i);
  }
  return std::nullopt;
}

// The same for code that already turns exceptions into a Status: throws std::invalid_argument
// naming `key` when the value is not an integer that fits T.
template <class T, class Json>
T JsonIntegerOrThrow(const Json& v, std::string_view key) {
  if (auto x = JsonInteger<T>(v)) return *x;
  throw std::invalid_argument("'" + std::string(key) + "' is not an integer number in range (" +
                              v.dump() + ")");
}

}  // namespace smartcar
