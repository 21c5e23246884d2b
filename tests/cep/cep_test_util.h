// Helpers for CEP tests: run a rule over inline input the way `smartcar rules run` does.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cep/engine.h"
#include "cep/rule_runner.h"

namespace smartcar::cep::testing {

struct RunOutput {
  Status status;
  std::vector<std::string> lines;     // JSON lines
  std::vector<std::string> warnings;  // bad input lines
  RunStats stats;
};

// Compiles `epl` and runs it over `input` (one line per '\n') through RunRules.
inline RunOutput RunEpl(const std::string& epl, const std::string& input,
                        const RunOptions& options = {}) {
  RunOutput out;
  Result<CompiledRule> rule = Compile(epl);
  if (!rule) {
    out.status = rule.error();
    return out;
  }
  std::istringstream in(input);
  std::string line;
  Result<RunStats> stats = RunRules(
      *rule, options,
      [&](std::string_view* l) {
        if (!std::getline(in, line)) return false;
        *l = line;
        return true;
      },
      [&](std::string_view json) { out.lines.emplace_back(json); },
      [&](std::string_view w) { out.warnings.emplace_back(w); });
  if (!stats) {
    out.status = stats.error();
  } else {
    out.stats = *stats;
  }
  return out;
}

// The message of Compile(epl)'s error, or "OK".
inline std::string CompileError(const std::string& epl) {
  Result<CompiledRule> rule = Compile(epl);
  return rule ? "OK" : rule.error().message();
}

}  // namespace smartcar::cep::testing
