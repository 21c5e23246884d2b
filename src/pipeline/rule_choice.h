// RuleChoice: which rules a topology runs when not the latest ones of its rule source
// (pipeline/rule_source.h); a replay's `--rules DIR` or `--rule-version NAME=N`.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "core/status.h"

namespace smartcar::pipeline {

// Rules other than the latest, for a replay (`smartcar replay --rules DIR | --rule-version`).
struct RuleChoice {
  // The folder's files only, the rule store ignored (an explicit `--rules DIR`).
  bool folder_only = false;
  // Rule name → the store version to run. When set, the store is read once: these versions and
  // the latest of every other stored rule run unchanged to the end (later deploys are not
  // followed, so the whole replay runs one set of rules).
  std::map<std::string, int64_t> versions;

  bool empty() const { return !folder_only && versions.empty(); }
  // "" (the latest), "folder" or "overspeed=1,other=3": what DATA/replay.json remembers.
  std::string Describe() const;
};

// One `--rule-version` value: "NAME=N" → {NAME, N}, "N" → {"", N}. InvalidArgument naming it.
Result<std::pair<std::string, int64_t>> ParseRuleVersion(const std::string& value);

}  // namespace smartcar::pipeline
