// LineParser: driving-log line → DriverEvent, rejects to the dead-letter file (line_parser.h).
#include "pipeline/line_parser.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/escape.h"
#include "core/line_codec.h"
#include "pipeline/smartcar_topology.h"

namespace smartcar::pipeline {

LineParser::LineParser(std::string topic, std::string dead_letter_path, PipelineCounters* counters)
    : topic_(std::move(topic)),
      dead_letter_path_(std::move(dead_letter_path)),
      counters_(counters) {}

LineParser::~LineParser() {
  if (dead_fd_ >= 0) close(dead_fd_);
}

Result<bool> LineParser::Parse(std::string_view line, int32_t partition, int64_t offset,
                               DriverEvent* event) {
  auto r = ParseDriverLine(line, event);
  if (!r) {
    SMARTCAR_RETURN_IF_ERROR(DeadLetter(line, partition, offset, r.error()));
    return false;
  }
  if (*r != LineKind::kRecord) return false;
  if (counters_ != nullptr) {
    counters_->parsed++;
    counters_->area_events[static_cast<size_t>(PipelineCounters::AreaSlot(event->area_number))]
        .fetch_add(1, std::memory_order_relaxed);
  }
  return true;
}

Status LineParser::DeadLetter(std::string_view line, int32_t partition, int64_t offset,
                              const Status& why) {
  if (dead_letter_path_.empty()) {
    if (counters_ != nullptr) counters_->rejected++;
    return Status::OK();
  }
  if (dead_fd_ < 0) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(dead_letter_path_).parent_path(), ec);
    dead_fd_ = open(dead_letter_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (dead_fd_ < 0) {
      return Status::IOError("cannot open dead-letter file '" + dead_letter_path_ +
                             "': " + std::strerror(errno));
    }
  }
  const std::string text = topic_ + "/" + std::to_string(partition) + "@" + std::to_string(offset) +
                           "\t" + EscapeBytes(why.message()) + "\t" + EscapeBytes(line) + "\n";
  if (write(dead_fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return Status::IOError("cannot write dead-letter file '" + dead_letter_path_ +
                           "': " + std::strerror(errno));
  }
  if (counters_ != nullptr) counters_->rejected++;
  return Status::OK();
}

}  // namespace smartcar::pipeline
