// RuleStore: EPL rules as shared, versioned documents on a Coordinator — what `smartcar rules
// deploy|list|show|history|diff|rollback|delete` edit and what every `smartcar run`/`worker`
// attached to the same coordinator runs. The store knows text, not EPL: callers compile-check
// before Deploy (cep::Compile).
//
// Layout (docs/COORD.md):
//   /rules                      its version moves on every change (the one node runners watch)
//   /rules/<name>               one rule
//   /rules/<name>/v0000000001   version 1: JSON {"text","author","time_ms","checksum","message"}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "coord/coordinator.h"

namespace smartcar::coord {

struct RuleVersion {
  std::string name;
  int64_t version = 0;  // 1, 2, ...
  std::string text;
  std::string author;
  int64_t time_ms = 0;
  std::string checksum;  // "crc32:xxxxxxxx" of the text
  std::string message;   // e.g. "rollback to version 2"
};

class RuleStore {
 public:
  explicit RuleStore(Coordinator* c) : c_(c) {}

  static constexpr const char* kRoot = "/rules";

  // InvalidArgument unless `name` is a valid rule name ([A-Za-z0-9_.-]+, not starting with '.',
  // at most 100 characters).
  static Status CheckName(const std::string& name);
  static std::string Checksum(const std::string& text);
  // A version node's data (JSON) and back; Decode names the rule and version in errors
  // (Corruption). Exposed for the fuzzer.
  static std::string EncodeVersion(const RuleVersion& r);
  static Result<RuleVersion> DecodeVersion(const std::string& name, int64_t version,
                                           const std::string& data);

  // Stores `text` as the next version of `name` and returns it; when the latest version already
  // has this text, returns that version and stores nothing (*unchanged = true).
  Result<RuleVersion> Deploy(const std::string& name, const std::string& text,
                             const std::string& author, const std::string& message,
                             bool* unchanged = nullptr);
  // Rule names, sorted.
  Result<std::vector<std::string>> Names();
  // The latest version of every rule, by name.
  Result<std::vector<RuleVersion>> Latest();
  // Version `version` of `name` (0: the latest). NotFound naming what exists.
  Result<RuleVersion> Get(const std::string& name, int64_t version = 0);
  // Every version of `name`, oldest first.
  Result<std::vector<RuleVersion>> History(const std::string& name);
  // Deploys the text of version `to` again as a new version (history is never rewritten).
  Result<RuleVersion> Rollback(const std::string& name, int64_t to, const std::string& author);
  // Removes `name` and its history; runners undeploy it.
  Status Delete(const std::string& name);

 private:
  Result<std::vector<int64_t>> Versions(const std::string& name);
  Status Touch();  // moves /rules' version so watchers re-read

  Coordinator* c_;
};

// A line diff of two rule texts (`smartcar rules diff`, the console's diff): a line per line of
// either, "-" for a line only `a` has, "+" for one only `b` has, " " for one both have, in the
// order of a longest common subsequence. Texts too long for that (more than 4M line pairs) get
// every line of `a` removed and every line of `b` added.
std::string RuleDiff(std::string_view a, std::string_view b);

}  // namespace smartcar::coord
