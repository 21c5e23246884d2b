// SmallTmpfs: a small tmpfs for full-disk tests, mounted in a temp folder and unmounted when the
// object dies (declare what writes to it after it, so that goes first). Mounting needs root:
// `mounted()` is false and `why()` says why otherwise, for GTEST_SKIP.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "test_util.h"

namespace smartcar::testing {

class SmallTmpfs {
 public:
  // `size` as mount's option takes it: "24m", "400m".
  explicit SmallTmpfs(const std::string& size) : path_((dir_.path() / "mnt").string()) {
    if (geteuid() != 0) {
      why_ = "needs root to mount a small tmpfs";
      return;
    }
    std::filesystem::create_directories(path_);
    if (std::system(
            ("mount -t tmpfs -o size=" + size + " tmpfs " + path_ + " 2>/dev/null").c_str()) != 0) {
      why_ = "cannot mount a tmpfs here";
      return;
    }
    mounted_ = true;
  }
  ~SmallTmpfs() {
    if (mounted_) (void)std::system(("umount -l " + path_).c_str());
  }
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }
  const std::string& path() const { return path_; }

  // Takes `bytes` of the disk with a filler file; false if that failed.
  bool Fill(int64_t bytes) {
    const int fd = open(Filler().c_str(), O_WRONLY | O_CREAT, 0644);
    if (fd < 0) return false;
    const bool ok = posix_fallocate(fd, 0, bytes) == 0;
    close(fd);
    return ok;
  }
  // Gives the filler's space back.
  void Unfill() { std::filesystem::remove(Filler()); }

 private:
  std::string Filler() const { return path_ + "/filler"; }

  TempDir dir_;
  std::string path_;
  bool mounted_ = false;
  std::string why_;
};

}  // namespace smartcar::testing
