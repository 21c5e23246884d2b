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

// "12.3 MB", "1.5 GB", "512 B": for messages.
std::string FormatBytes(uint64_t bytes);

}  // namespace smartcar::storage
