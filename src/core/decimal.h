// Integers as decimal text, written with std::to_chars into a caller's buffer: no std::string per
// number on the paths that format one per event (table cells, lines, JSON).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace smartcar {

// Room for any int64_t in decimal: 19 digits and a sign.
inline constexpr size_t kMaxDecimalChars = 20;

// `v` in decimal ("-12", "0", "42"), written into `buf`; the view points into `buf`.
inline std::string_view DecimalText(int64_t v, char (&buf)[kMaxDecimalChars]) {
  const auto r = std::to_chars(buf, buf + kMaxDecimalChars, v);
  return std::string_view(buf, static_cast<size_t>(r.ptr - buf));
}

// Appends `v` in decimal to `out`.
inline void AppendDecimal(int64_t v, std::string* out) {
  char buf[kMaxDecimalChars];
  out->append(DecimalText(v, buf));
}

}  // namespace smartcar
