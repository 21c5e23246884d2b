// The free space of the disk a data folder lives on, as the embedded engines' watermarks read
// it (Kafka's/Redpanda's/Elasticsearch's disk watermarks: intake pauses below a minimum).
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace smartcar::storage {

struct DiskSpace {
  uint64_t available_bytes = 0;  // Free for an unprivileged writer (statvfs f_bavail).
  uint64_t total_bytes = 0;
};

// The disk of `path` (or of its nearest existing parent). IOError naming the path otherwise.
Result<DiskSpace> GetDiskSpace(const std::string& path);

// Intake's watermark on the data disk. Intake pauses when the free space is below `min_free`, or
// would be by the next check at the rate the last interval took it (at full speed the data grows
// by tens of MB between two checks a fraction of a second apart, so a check of the level alone
// undershoots a small minimum by that much); it resumes once 1.5 x `min_free` are free.
class DiskWatermark {
 public:
  // The space `available` now against `min_free`: whether intake is paused after this check.
  bool Check(uint64_t available, uint64_t min_free);

  bool paused() const { return paused_; }
  // The space the last check saw taken since the one before (0 if it grew).
  uint64_t taken() const { return taken_; }
  static uint64_t ResumeAt(uint64_t min_free) { return min_free + min_free / 2; }

 private:
  bool paused_ = false;
  uint64_t last_available_ = 0;
  uint64_t taken_ = 0;
};

// "12.3 MB", "1.5 GB", "512 B": for messages.
std::string FormatBytes(uint64_t bytes);

}  // namespace smartcar::storage
