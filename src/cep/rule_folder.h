// RuleFolder: a folder of EPL rule files (`*.epl`), each file one deployment named after it
// (`overspeed.epl`), watched for changes — what `smartcar run --rules DIR` deploys and
// hot-reloads, and what `smartcar rules check DIR` checks.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cep/engine.h"
#include "core/folder_stamp.h"
#include "core/status.h"

namespace smartcar::cep {

// The rule files of `dir`, sorted by name. InvalidArgument when `dir` is missing or holds none.
Result<std::vector<std::string>> ListRuleFiles(const std::string& dir);

class RuleFolder {
 public:
  explicit RuleFolder(std::string dir) : dir_(std::move(dir)) {}

  // One file that appeared, changed or disappeared since the last Poll.
  struct Change {
    std::string name;  // Deployment name: the file name ("overspeed.epl").
    std::string path;
    bool removed = false;
    std::optional<CompiledRule> rule;  // Set when the file compiled.
    Status error;                      // Why not ("<path>: line L column C: ..."), else OK.
  };

  // Reads the folder: files new or changed (modification time or size) since the last Poll are
  // read and compiled, removed ones reported. A file that fails to compile is reported once
  // and not read again until it changes. The first Poll of a folder without rule files is
  // InvalidArgument (a typo must not start an engine with no rules).
  Result<std::vector<Change>> Poll();

  const std::string& dir() const { return dir_; }

 private:
  struct Seen {
    int64_t mtime_ns = 0;
    uintmax_t size = 0;
  };
  std::string dir_;
  FolderStamp listed_;  // The folder when Poll last listed it.
  bool polled_ = false;
  std::map<std::string, Seen> files_;  // Path → what the last Poll saw.
};

}  // namespace smartcar::cep
