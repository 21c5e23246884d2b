// RuleSource: where the CEP bolt's rules come from. Without a coordinator, the rules folder
// (cep::RuleFolder: files hot-reloaded when they change). With one, its rule store
// (coord/rule_store.h) as soon as it holds any rule — every instance attached to the same
// coordinator then runs the same versions, swapped in when `smartcar rules deploy` stores a new
// one — and the folder while the store is empty, so a fresh install runs `rules/` unchanged.
//
// A rule of the store named "overspeed" is deployed as "overspeed.epl", the name its file gave
// it, so moving a running rule from the folder to the store (same text) keeps its windows.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cep/rule_folder.h"
#include "coord/coordinator.h"
#include "pipeline/rule_choice.h"

namespace smartcar::pipeline {

// Parses `--rule-version` values: "NAME=N" or a bare "N" (the only rule the store holds).
// InvalidArgument naming the value; NotFound when the store lacks the rule or version.
Result<std::map<std::string, int64_t>> ResolveRuleVersions(const std::vector<std::string>& values,
                                                           coord::Coordinator* coordinator);

class RuleSource {
 public:
  // `coordinator` may be null (folder only); not owned, must outlive this object.
  RuleSource(std::string folder, coord::Coordinator* coordinator, RuleChoice choice = {});
  ~RuleSource();

  // The rules that appeared, changed or went away since the last Poll (all of them on the
  // first). The first Poll fails when there is no rule anywhere; later an unreachable store
  // is reported once and retried, and the running rules stay.
  Result<std::vector<cep::RuleFolder::Change>> Poll();

  // "rules folder 'rules'" or "rule store (zookeeper 127.0.0.1:2181/smartcar)".
  std::string Describe() const;
  // What runs (or was wanted) for deployment `name`: "v3" (store) or "folder".
  std::string TagOf(const std::string& name) const {
    auto it = running_.find(name);
    return it == running_.end() ? "folder" : it->second;
  }
  // The store version of each deployment name running from the store (empty in folder mode).
  const std::map<std::string, int64_t>& store_versions() const { return store_versions_; }

 private:
  Result<std::vector<cep::RuleFolder::Change>> PollFolder();

  Result<std::vector<cep::RuleFolder::Change>> PollPinned();

  std::string folder_dir_;
  coord::Coordinator* coord_;
  const RuleChoice choice_;
  std::unique_ptr<cep::RuleFolder> folder_;
  std::unique_ptr<coord::Watch> watch_;
  std::shared_ptr<std::atomic<bool>> changed_;
  bool first_ = true;
  bool store_mode_ = false;
  bool reported_unreachable_ = false;
  std::map<std::string, std::string> running_;  // Deployment name → "folder" or "v<N>".
  std::map<std::string, int64_t> store_versions_;
};

}  // namespace smartcar::pipeline
