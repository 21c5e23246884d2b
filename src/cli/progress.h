// A progress line on stderr ("lines, rate, ETA"), drawn only when stderr is a terminal and at
// most a few times a second. Quiet otherwise, so logs and pipes stay clean.
#pragma once

#include <cstdint>
#include <string>

namespace smartcar::cli {

class Progress {
 public:
  // `what` names the unit ("lines"). total == 0 means unbounded (no percentage or ETA).
  Progress(std::string what, uint64_t total);
  ~Progress();
  void Update(uint64_t done);
  // Draws the final state and ends the line.
  void Finish(uint64_t done);

 private:
  std::string what_;
  uint64_t total_;
  bool enabled_;
  int64_t start_us_;
  int64_t last_draw_us_ = 0;
  bool drawn_ = false;
};

}  // namespace smartcar::cli
