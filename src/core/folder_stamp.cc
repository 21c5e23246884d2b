// FolderStamp: a folder's inode and modification time when it was listed (see the header).
#include "core/folder_stamp.h"

#include <sys/stat.h>

namespace smartcar {

FolderStamp FolderStamp::Take(const std::string& dir) {
  FolderStamp s;
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return s;
  s.valid_ = true;
  s.inode_ = st.st_ino;
  s.mtime_ = st.st_mtim;
  clock_gettime(CLOCK_REALTIME, &s.taken_);
  return s;
}

bool FolderStamp::Unchanged(const std::string& dir) const {
  if (!valid_ || taken_.tv_sec - mtime_.tv_sec < 2) return false;
  struct stat st;
  return ::stat(dir.c_str(), &st) == 0 && st.st_ino == inode_ &&
         st.st_mtim.tv_sec == mtime_.tv_sec && st.st_mtim.tv_nsec == mtime_.tv_nsec;
}

}  // namespace smartcar
