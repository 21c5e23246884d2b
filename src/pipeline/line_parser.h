// LineParser: the SmartCar topology's parse step, chained into the log spout's task (no queue
// and no thread hand-over between reading a record and parsing it; Flink's operator chaining).
// A driving-log line becomes a DriverEvent with the core codec; header lines are dropped;
// malformed lines go to the dead-letter file as "<topic>/<partition>@<offset>\t<reason>\t<line>"
// and are counted, so a bad line never blocks its partition. Internal to pipeline/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/events.h"
#include "core/status.h"

namespace smartcar::pipeline {

struct PipelineCounters;

class LineParser {
 public:
  // `dead_letter_path` empty: rejects are counted only. `counters` may be null.
  LineParser(std::string topic, std::string dead_letter_path, PipelineCounters* counters);
  ~LineParser();
  LineParser(const LineParser&) = delete;
  LineParser& operator=(const LineParser&) = delete;

  // True with *event set for a driving record; false for a header line or a reject kept in the
  // dead-letter file. IOError when a reject could not be kept (the caller must not let the
  // record go: it reads it again later).
  Result<bool> Parse(std::string_view line, int32_t partition, int64_t offset, DriverEvent* event);

 private:
  Status DeadLetter(std::string_view line, int32_t partition, int64_t offset, const Status& why);

  std::string topic_;
  std::string dead_letter_path_;
  PipelineCounters* counters_;
  int dead_fd_ = -1;
};

}  // namespace smartcar::pipeline
