// libFuzzer target for Flume .properties files (collect/properties.h): any input parses or fails
// with an InvalidArgument naming a line; parsed entries keep a line inside the text.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collect/properties.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = smartcar::collect::ParseProperties(text);
  if (!p) {
    if (!p.error().IsInvalidArgument() || p.error().message().find("line ") == std::string::npos) {
      __builtin_trap();
    }
    return 0;
  }
  const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n')) +
                    static_cast<int>(std::count(text.begin(), text.end(), '\r'));
  for (const auto& [key, value] : *p) {
    if (value.line < 1 || value.line > lines) __builtin_trap();
  }
  return 0;
}
