// HiveQL scripts: splitting, substitution, lexing and statement parsing must never crash, and a
// parsed statement's texts stay inside the input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hive/lexer.h"
#include "hive/script.h"
#include "hive/statement.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  smartcar::hive::Variables vars;
  vars.hivevar["working_day"] = "20220426";
  auto statements = smartcar::hive::SplitStatements(text);
  if (!statements) return 0;
  for (const auto& st : *statements) {
    const std::string substituted = smartcar::hive::Substitute(st.text, vars);
    auto parsed = smartcar::hive::ParseStatement(substituted, st.line);
    if (parsed && std::holds_alternative<smartcar::hive::InsertStmt>(*parsed)) {
      const auto& insert = std::get<smartcar::hive::InsertStmt>(*parsed);
      if (insert.select_offset > substituted.size()) __builtin_trap();
    }
  }
  return 0;
}
