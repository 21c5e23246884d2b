// StatusSimulator: the pilot's CarLogMain. Writes one day of car status readings, one per car
// every 4 s from 00:00:00 to the end of the day, in the pilot's format. Like the pilot, the
// day's last reading is stamped hour 24 (`<date>240000`). Readings are interleaved by time (the
// pilot's per-car threads interleave too). Abnormal readings occur at the documented rates
// (docs/FORMATS.md) scaled by a per-car propensity, so some cars are clearly worse than others.
// Same options, same bytes. Not thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"

namespace smartcar::gen {

struct StatusSimOptions {
  int64_t day = 0;  // The day (days since 1970-01-01).
  int cars = 100;   // 1-9999.
  uint64_t seed = 1;
  int interval_seconds = 4;    // Seconds between two readings of a car (pilot: 4).
  bool pilot_headers = false;  // Write the pilot's header once per car first.
};

// Rates of abnormal readings before the per-car propensity (mean 1) is applied.
struct StatusFaultRates {
  static constexpr double kLowTire = 0.04;    // Per tyre: pressure drawn from 0-59 (normal 60-100).
  static constexpr double kLampFault = 0.02;  // Per lamp: state 2.
  static constexpr double kEngineB = 0.15;    // Engine state B (C below is worse).
  static constexpr double kEngineC = 0.05;
  static constexpr double kBrakeB = 0.15;
  static constexpr double kLowBattery = 0.08;  // Battery level drawn from 0-29 (normal 30-100).
};

Status ValidateStatusSimOptions(const StatusSimOptions& options);

struct StatusRunStats {
  uint64_t lines = 0;  // Data lines (headers not counted).
  std::string path;
};

// Writes DIR/SmartCarStatusInfo_<yyyyMMdd>.txt (replacing any old file). IOError naming the
// path on failure. `stop` may be null; `on_progress(lines, total)` may be empty.
Status RunStatusSimulator(const StatusSimOptions& options, const std::string& out_dir,
                          const std::atomic<bool>* stop,
                          const std::function<void(uint64_t, uint64_t)>& on_progress,
                          StatusRunStats* stats);

}  // namespace smartcar::gen
