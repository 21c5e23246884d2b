// DriverSimulator: the pilot's DriverLogMain, done deterministically.
//
// Every simulated tick it produces one driving-log line per car (SPEC §2 format). Drivers
// accelerate, cruise, brake, steer and signal while turning; a configurable share of "wild"
// drivers cruise fast enough that their 30-second average speed stays above 80 km/h, while
// normal drivers never exceed 78 km/h, so every detection the rule makes is a wild driver.
// The same options (seed included) give byte-identical output. Not thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/events.h"
#include "core/status.h"

namespace smartcar::gen {

struct DriverSimOptions {
  // Day the simulated clock starts on, at 00:00:00 (days since 1970-01-01).
  int64_t start_day = 0;
  // Number of cars, 1-9999 (car numbers are a letter + the car's 4-digit index).
  int cars = 100;
  // Simulated seconds between two lines of the same car (the seeds ask 1; the pilot used 2).
  int interval_seconds = 1;
  // Seed of every random choice: same seed, same bytes.
  uint64_t seed = 1;
  // Share of "wild" drivers whose 30-second average speed exceeds 80 km/h (pilot: about 0.1).
  double overspeed_ratio = 0.1;
  // Write the pilot's header line once per car before its first line (the pilot's quirk).
  bool pilot_headers = false;
};

// Validates `options`; InvalidArgument naming the bad option otherwise.
Status ValidateDriverSimOptions(const DriverSimOptions& options);

class DriverSimulator {
 public:
  // REQUIRES: ValidateDriverSimOptions(options).ok().
  explicit DriverSimulator(const DriverSimOptions& options);
  ~DriverSimulator();

  // Appends the next tick's lines (one per car, '\n'-terminated; headers first on the first
  // tick when pilot_headers) to *out and advances the clock by interval_seconds.
  void NextTick(std::string* out);
  // Event time of the tick NextTick() will write next.
  EventTimeMs next_tick_time() const;
  // The cars, in output order.
  const std::vector<CarNumber>& cars() const;
  // True if car `index` (0-based, output order) is a wild driver.
  bool is_wild(size_t index) const;

  struct Car;  // Per-car driving state; internal to driver_simulator.cc.

 private:
  DriverSimOptions options_;
  std::vector<CarNumber> numbers_;
  std::vector<Car> cars_;
  uint64_t tick_ = 0;
};

struct DriverRunOptions {
  // Folder the log goes to (created if missing); the file is DIR/SmartCarDriverInfo.log, appended.
  std::string out_dir = ".";
  // Simulated seconds to write; < 0 runs until *stop becomes true.
  int64_t seconds = -1;
  // Write as fast as possible instead of one tick per interval of wall time.
  bool fast = false;
  // Set to true (e.g. from a signal handler) to flush and return OK. May be null.
  const std::atomic<bool>* stop = nullptr;
  // While true no tick is written (intake paused: the data disk is nearly full); writing
  // resumes where it stopped. May be null.
  const std::atomic<bool>* paused = nullptr;
  // Wall clock for real-time pacing. Null means SystemClock::Default().
  Clock* clock = nullptr;
  // Called after each flushed tick with lines written so far. May be empty.
  std::function<void(uint64_t lines)> on_progress;
  // Continue an interrupted run instead of appending a new one: the file must hold the start of
  // exactly this run's output (same options and seed; checked byte for byte). A partial last
  // line is cut off, what is there is skipped (no pacing), and writing resumes after it, so the
  // file ends as an uninterrupted run would. `seconds` then counts from the run's start.
  bool resume = false;
};

struct DriverRunStats {
  uint64_t lines = 0;  // Data lines of the run (headers not counted), resumed ones included.
  uint64_t resumed_bytes = 0;  // Bytes found in the file and kept when resuming.
  uint64_t ticks = 0;
  std::string path;  // The file written.
};

inline constexpr const char* kDriverLogFileName = "SmartCarDriverInfo.log";

// Runs the simulator into DIR/SmartCarDriverInfo.log. IOError naming the path when the folder or
// file cannot be written.
Status RunDriverSimulator(const DriverSimOptions& sim, const DriverRunOptions& run,
                          DriverRunStats* stats);

}  // namespace smartcar::gen
