// RuleChoice's text form and `--rule-version` values (pipeline/rule_choice.h).
#include "pipeline/rule_choice.h"

#include <charconv>

namespace smartcar::pipeline {

std::string RuleChoice::Describe() const {
  if (folder_only) return "folder";
  std::string out;
  for (const auto& [name, version] : versions) {
    out += (out.empty() ? "" : ",") + name + "=" + std::to_string(version);
  }
  return out;
}

Result<std::pair<std::string, int64_t>> ParseRuleVersion(const std::string& value) {
  const size_t eq = value.find('=');
  std::string name = eq == std::string::npos ? "" : value.substr(0, eq);
  const std::string number = eq == std::string::npos ? value : value.substr(eq + 1);
  int64_t version = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), version);
  if (ec != std::errc() || end != number.data() + number.size() || version <= 0 ||
      (eq != std::string::npos && name.empty())) {
    return Err(Status::InvalidArgument("--rule-version '" + value +
                                       "': expected N or NAME=N, N a version number (1, 2, ...)"));
  }
  return std::pair<std::string, int64_t>(std::move(name), version);
}

}  // namespace smartcar::pipeline
