// RuleFolder: lists a rule folder's *.epl files by modification time and size, compiles the new
// and changed ones and reports the removed ones; ListRuleFiles for `rules check DIR`.
#include "cep/rule_folder.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "core/file.h"
#include "core/folder_stamp.h"

namespace smartcar::cep {

namespace fs = std::filesystem;

Result<std::vector<std::string>> ListRuleFiles(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".epl" && e.is_regular_file()) files.push_back(e.path().string());
  }
  if (ec)
    return Err(Status::InvalidArgument("cannot read rules folder '" + dir + "': " + ec.message()));
  std::sort(files.begin(), files.end());
  if (files.empty()) return Err(Status::InvalidArgument("no rule files (*.epl) in '" + dir + "'"));
  return files;
}

Result<std::vector<RuleFolder::Change>> RuleFolder::Poll() {
  std::map<std::string, Seen> now;
  const auto see = [&now](const std::string& path) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    now[path] = Seen{static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                     static_cast<uintmax_t>(st.st_size)};
  };
  if (listed_.Unchanged(dir_)) {
    // The same files as at the last listing: only their times and sizes can have changed (a file
    // edited in place leaves the folder's time as it was). Listing the folder on every CEP tick
    // was a quarter of a CEP task's CPU at the pilot's load.
    for (const auto& [path, seen] : files_) see(path);
  } else {
    FolderStamp stamp = FolderStamp::Take(dir_);
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(dir_, ec)) {
      if (f.path().extension() == ".epl") see(f.path().string());
    }
    listed_ = ec ? FolderStamp() : stamp;
  }
  if (!polled_ && now.empty()) {
    return Err(Status::InvalidArgument("no rule files (*.epl) in '" + dir_ + "'"));
  }
  polled_ = true;
  std::vector<Change> changes;
  for (const auto& [path, seen] : now) {
    auto old = files_.find(path);
    if (old != files_.end() && old->second.mtime_ns == seen.mtime_ns &&
        old->second.size == seen.size) {
      continue;
    }
    files_[path] = seen;  // A broken file is not read again until it changes.
    Change c;
    c.name = fs::path(path).filename().string();
    c.path = path;
    auto text = ReadFileToString(path, "rule file");
    auto rule = text ? Compile(*text) : Result<CompiledRule>(Err(text.error()));
    if (rule) {
      c.rule = std::move(*rule);
    } else {
      c.error = rule.error().WithPrefix(path + ": ");
    }
    changes.push_back(std::move(c));
  }
  for (auto it = files_.begin(); it != files_.end();) {
    if (now.count(it->first) == 0) {
      Change c;
      c.name = fs::path(it->first).filename().string();
      c.path = it->first;
      c.removed = true;
      changes.push_back(std::move(c));
      it = files_.erase(it);
    } else {
      ++it;
    }
  }
  return changes;
}

}  // namespace smartcar::cep
