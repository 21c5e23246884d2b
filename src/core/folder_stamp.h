// FolderStamp: whether a folder's entries may have changed since it was listed, so that a
// listing can be reused (Flume's TAILDIR `cachePatternMatching`).
#pragma once

#include <sys/types.h>

#include <ctime>
#include <string>

namespace smartcar {

// A folder's inode and modification time when it was listed. Creating, deleting or renaming an
// entry changes that time; appending to a file in it does not. As in Flume, a stamp taken less
// than two seconds after the folder's modification time is not trusted: an entry created in the
// same tick of the file system's (coarse) clock would leave that time as it was.
class FolderStamp {
 public:
  // An empty stamp: Unchanged() is false.
  FolderStamp() = default;

  // The stamp of `dir` now: take it just before listing the folder. Empty if `dir` cannot be
  // stat'ed.
  static FolderStamp Take(const std::string& dir);

  // True when `dir` certainly has the entries it had when this stamp was taken.
  bool Unchanged(const std::string& dir) const;

 private:
  bool valid_ = false;
  ino_t inode_ = 0;
  timespec mtime_{};
  timespec taken_{};  // CLOCK_REALTIME, the clock of file times.
};

}  // namespace smartcar
