// Whole-file reads and atomic whole-file writes: the helpers every stage uses for configuration,
// rule, position and state files; and an exclusive lock file between processes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace smartcar {

// The bytes of `path`, unchanged. NotFound when the file does not exist, IOError when it cannot
// be opened or read (a folder, no permission); both say "cannot read <what> '<path>': <why>".
// `what` names the file in messages ("rule file", "position file"); "file" when empty.
Result<std::string> ReadFileToString(const std::string& path, const std::string& what = "");

// Creates folder `dir` and its missing parents (nothing if it exists). IOError "cannot create
// folder '<dir>': <why>".
Status CreateFolders(const std::string& dir);

// The number of '\n' in `path`'s bytes from `offset` to its end, read in blocks (not whole).
Result<uint64_t> CountNewlines(const std::string& path, uint64_t offset = 0);
// The last `n` lines of `path` without their '\n' (a last line without one counts), read
// backwards in blocks from the end: the cost is the lines' bytes, not the file's.
Result<std::vector<std::string>> LastLines(const std::string& path, size_t n);

// Writes `content` to `path` through a temporary file in the same folder renamed over it, so a
// reader, or a crash, never leaves half a file. IOError naming the file.
Status WriteFileAtomically(const std::string& path, const std::string& content);

// The path part of an HDFS path: "hdfs://namenode:8020/a/b" → "/a/b" ("/" when it has none);
// any other text as it is.
std::string_view HdfsPath(std::string_view path);

// Where the data folder keeps HDFS path `path` (a path part, see HdfsPath): "/a/b" →
// "<data_dir>/hdfs/a/b", lexically normal. The collector's hdfs sink writes there and Hive tables
// and Sqoop exports read there.
std::string HdfsPathInDataFolder(const std::string& data_dir, std::string_view path);

// An exclusive flock(2) on a lock file, held until the object dies (or the process does):
// writers of one table or one metastore in several processes take turns.
class FileLock {
 public:
  // Waits for the lock on `path`, creating the file and its folder if needed. IOError naming
  // the file.
  static Result<FileLock> Acquire(const std::string& path);
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace smartcar
