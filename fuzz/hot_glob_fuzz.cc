// Fuzzes the Redis-style glob matcher: input = pattern '\0' text. Never crashes or hangs, and an
// escaped literal always matches itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hot/glob.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t cut = in.find('\0');
  const std::string_view pattern = in.substr(0, cut);
  const std::string_view text = cut == std::string_view::npos ? in : in.substr(cut + 1);
  (void)smartcar::hot::GlobMatch(pattern, text);
  (void)smartcar::hot::GlobLiteralPrefix(pattern);
  if (!smartcar::hot::GlobMatch(smartcar::hot::GlobEscape(text), text)) std::abort();
  return 0;
}
