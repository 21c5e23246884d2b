// RuleLane: one rule engine fed the driving events of one log partition in offset order, as the
// live CEP bolt runs it (pipeline/cep_bolt.cc) and as a backtest re-runs it over stored history
// (pipeline/backtest.h). Both use this class, so a backtest detects what the live run detected.
//
// A partition is read in order (within its own disorder, covered by the rule's allowed
// lateness), so a lane's event time is simply the newest event time of its partition it has
// seen: no partition's events are ever late because another ran ahead.
//
// Redelivered events (the same car and event time twice, e.g. appended twice by a collector that
// crashed between append and position commit) are counted once: a lane remembers its cars' event
// times within `hold_ms` of each car's newest.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cep/engine.h"
#include "core/events.h"
#include "hot/detection.h"

namespace smartcar::pipeline {

// The event times of each car's recent events (sorted), to drop redeliveries.
class RecentEventTimes {
 public:
  // True if `car` already delivered an event at `time`; records it otherwise. Forgets times
  // more than `horizon_ms` before the car's newest.
  bool SeenBefore(std::string_view car, int64_t time, int64_t horizon_ms);

 private:
  std::unordered_map<std::string, std::vector<int64_t>> times_;
};

class RuleLane {
 public:
  static constexpr int64_t kNoTime = INT64_MIN / 4;

  // The engine delivers its rows to `listener` (on the caller's thread, inside Offer/Advance).
  explicit RuleLane(cep::Listener listener);

  cep::Engine& engine() { return *engine_; }

  // Sends `e` to the engine unless it is a redelivery (then false, nothing sent), and moves the
  // lane's event time to the newest seen.
  bool Offer(const DriverEvent& e, int64_t hold_ms);
  // Moves the lane's event time to `time` if newer, without sending an event (an event a
  // backtest reads but leaves out of its range still moves the partition's clock).
  void Observe(int64_t time);
  // Starts the lane at a closed-through restored from a commit (see pipeline/cep_progress.h).
  void Restore(int64_t closed_through);
  // End of input: closes every window.
  void Finish();

  int64_t event_time() const { return event_time_; }  // Newest event time seen.
  int64_t restored() const { return restored_; }      // Closed-through it was restored at.

 private:
  std::unique_ptr<cep::Engine> engine_;
  int64_t event_time_ = kNoTime;
  int64_t restored_ = kNoTime;
  RecentEventTimes recent_;
};

// The detection an output row stands for: a row naming a car (carNumber or car_number) with its
// window's start and end (windowStart/windowEnd, else the row's date), average speed and event
// count when the rule selects them. nullopt for a row without a car (not a detection).
std::optional<hot::Detection> DetectionOf(const cep::OutputEvent& ev);

}  // namespace smartcar::pipeline
