// GetDiskSpace (statvfs of the path or its nearest existing parent), DiskWatermark and
// FormatBytes.
#include "storage/disk_space.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace smartcar::storage {

Result<DiskSpace> GetDiskSpace(const std::string& path) {
  std::filesystem::path p = path.empty() ? std::filesystem::path(".") : std::filesystem::path(path);
  std::error_code ec;
  while (!std::filesystem::exists(p, ec) && p.has_parent_path() && p.parent_path() != p) {
    p = p.parent_path();
  }
  struct statvfs st;
  if (::statvfs(p.c_str(), &st) != 0) {
    return Err(
        Status::IOError("cannot read the free space of '" + path + "': " + std::strerror(errno)));
  }
  DiskSpace d;
  d.available_bytes = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
  d.total_bytes = static_cast<uint64_t>(st.f_blocks) * st.f_frsize;
  return d;
}

bool DiskWatermark::Check(uint64_t available, uint64_t min_free) {
  taken_ = last_available_ > available ? last_available_ - available : 0;  // 0 at the first.
  last_available_ = available;
  if (paused_) {
    paused_ = available < ResumeAt(min_free);
  } else {
    paused_ = available < min_free || available - min_free < taken_;
  }
  return paused_;
}

std::string FormatBytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, kUnits[u]);
  return buf;
}

}  // namespace smartcar::storage
