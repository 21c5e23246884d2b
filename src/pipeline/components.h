// The SmartCar topology's components (internal to src/pipeline/).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "pipeline/smartcar_topology.h"
#include "topology/component.h"

namespace smartcar::pipeline {

// Stream carrying end-of-input from the spout through every bolt level (ALL grouping).
inline constexpr const char* kEndOfInputStream = "eos";

// The log partitions this process's spout owns, shared with the CEP bolts: their event time
// waits for every assigned partition, including one that has delivered nothing yet.
class AssignedPartitions {
 public:
  void Set(std::vector<int32_t> partitions) {
    std::lock_guard<std::mutex> l(mu_);
    partitions_ = std::move(partitions);
    version_.fetch_add(1, std::memory_order_release);
  }
  // Copies the partitions into *out if they changed since *version (0 = never read).
  bool GetIfChanged(uint64_t* version, std::vector<int32_t>* out) const {
    if (version_.load(std::memory_order_acquire) == *version) return false;
    std::lock_guard<std::mutex> l(mu_);
    *out = partitions_;
    *version = version_.load(std::memory_order_relaxed);
    return true;
  }

 private:
  mutable std::mutex mu_;
  std::vector<int32_t> partitions_;
  std::atomic<uint64_t> version_{0};
};

std::unique_ptr<topology::Spout> MakeLogSpout(const PipelineOptions& options);
std::unique_ptr<topology::Bolt> MakeParseBolt(const PipelineOptions& options);
std::unique_ptr<topology::Bolt> MakeTableBolt(const PipelineOptions& options);
std::unique_ptr<topology::Bolt> MakeCepBolt(const PipelineOptions& options,
                                            std::shared_ptr<const AssignedPartitions> assigned);
std::unique_ptr<topology::Bolt> MakeHotStoreBolt(const PipelineOptions& options);

}  // namespace smartcar::pipeline
