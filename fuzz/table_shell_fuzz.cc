// libFuzzer target for the HBase shell statement parser and splitter
// (table/shell/command_parser.h): never crashes; errors carry a column and a caret line.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "table/shell/command_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace smartcar::table::shell;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static_cast<void>(IsStatementComplete(text));
  for (const auto& statement : SplitStatements(text)) {
    auto c = ParseCommand(statement);
    if (!c && !c.error().IsInvalidArgument()) __builtin_trap();
  }
  auto c = ParseCommand(text);
  if (!c && c.error().message().find('^') == std::string::npos) __builtin_trap();
  return 0;
}
