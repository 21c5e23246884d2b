// Helpers for the end-to-end tests: an independent reference computation of the overspeed
// detections, readers of what a run stored, and `smartcar` child processes to kill.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>

#include "core/event_time.h"
#include "gen/driver_simulator.h"
#include "test_util.h"

namespace smartcar::pipeline::testing {

// Straightforward reference for requirement 3: per car, tumbling 30-second event-time windows
// aligned to the epoch; a window whose average speed exceeds `threshold` puts the car in the
// set of the window's day. Reads the driving log as plain text (header lines skipped).
// (car, 30-s window number since the epoch) → (sum of speeds, events), from the log as text.
inline std::map<std::pair<std::string, int64_t>, std::pair<double, int>> ReferenceWindows(
    const std::string& log_path) {
  std::map<std::pair<std::string, int64_t>, std::pair<double, int>> windows;
  std::ifstream in(log_path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() < 15 || line[0] < '0' || line[0] > '9') continue;
    std::stringstream ss(line);
    std::string f[8];
    for (auto& x : f) std::getline(ss, x, ',');
    // Seconds since the epoch of the 14-digit stamp (civil time), by hand: days from civil.
    const int y = std::stoi(f[0].substr(0, 4)), m = std::stoi(f[0].substr(4, 2)),
              d = std::stoi(f[0].substr(6, 2));
    const int hh = std::stoi(f[0].substr(8, 2)), mm = std::stoi(f[0].substr(10, 2)),
              sec = std::stoi(f[0].substr(12, 2));
    const int yy = y - (m <= 2);
    const int era = yy / 400;
    const int yoe = yy - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
    const int64_t t = days * 86400 + hh * 3600 + mm * 60 + sec;
    auto& w = windows[{f[1], t / 30}];
    w.first += std::stod(f[6]);
    w.second += 1;
  }
  return windows;
}

// How many (car, window) detections requirement 3 makes over the whole log.
inline uint64_t ReferenceOverspeedWindows(const std::string& log_path, double threshold = 80) {
  uint64_t n = 0;
  for (const auto& [key, w] : ReferenceWindows(log_path)) n += w.first / w.second > threshold;
  return n;
}

// yyyyMMdd of the start of 30-s window number `window` since the epoch (civil from days, by hand).
inline std::string WindowDay(int64_t window) {
  int64_t z = window * 30 / 86400 + 719468;
  const int64_t era = z / 146097, doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  const int64_t dd = doy - (153 * mp + 2) / 5 + 1, mo = mp < 10 ? mp + 3 : mp - 9;
  const int64_t yr = yoe + era * 400 + (mo <= 2);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld%02lld%02lld", static_cast<long long>(yr),
                static_cast<long long>(mo), static_cast<long long>(dd));
  return buf;
}

inline std::map<std::string, std::set<std::string>> ReferenceOverspeed(const std::string& log_path,
                                                                       double threshold = 80) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& [key, w] : ReferenceWindows(log_path)) {
    if (w.first / w.second > threshold) out[WindowDay(key.second)].insert(key.first);
  }
  return out;
}

// Per (yyyyMMdd, car): the car's last window of the day over `threshold` → (window number,
// sum of speeds, events). What the hot store's detail key of that car and day must hold.
inline std::map<std::pair<std::string, std::string>, std::tuple<int64_t, double, int>>
ReferenceLastDetections(const std::string& log_path, double threshold = 80) {
  std::map<std::pair<std::string, std::string>, std::tuple<int64_t, double, int>> out;
  for (const auto& [key, w] : ReferenceWindows(log_path)) {
    if (w.first / w.second <= threshold) continue;
    const std::string day = WindowDay(key.second);
    auto& slot = out[{day, key.first}];
    if (std::get<2>(slot) == 0 || std::get<0>(slot) < key.second) {
      slot = {key.second, w.first, w.second};
    }
  }
  return out;
}

inline uint64_t CountDataLines(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  uint64_t n = 0;
  while (std::getline(in, line)) n += !line.empty() && line[0] >= '0' && line[0] <= '9';
  return n;
}

#ifdef SMARTCAR_BINARY
using ::smartcar::testing::SpawnSmartcar;

// Starts `smartcar ARGS`, waits until `ready()` (at most 5 minutes, or until it ends), then
// SIGKILLs it `extra` later if it has not ended. *killed says whether it was; returns its exit
// code otherwise. For kills in the middle of the work, however slow the machine (ASan).
template <typename Ready>
inline int RunAndKillOnceReady(const std::string& args, Ready ready,
                               std::chrono::milliseconds extra, bool* killed) {
  const pid_t pid = SpawnSmartcar(args);
  int st = 0;
  const auto ready_by = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (!ready() && std::chrono::steady_clock::now() < ready_by) {
    if (waitpid(pid, &st, WNOHANG) == pid) {
      *killed = false;
      return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto deadline = std::chrono::steady_clock::now() + extra;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &st, WNOHANG) == pid) {
      *killed = false;
      return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &st, 0);
  *killed = true;
  return -1;
}

// Kills `smartcar ARGS` with SIGKILL after `delay`, if it has not ended by then.
inline int RunAndMaybeKill(const std::string& args, std::chrono::milliseconds delay, bool* killed) {
  return RunAndKillOnceReady(
      args, [] { return true; }, delay, killed);
}

// A driving log of `cars` cars over `ticks` ticks of `interval_s` simulated seconds from
// 2022-04-26 00:00 (a quarter of the cars overspeeding) in DIR/driving.log, produced into
// SmartCar-Topic (4 partitions) of the embedded log in DIR/data.
inline void FillEmbeddedLog(const ::smartcar::testing::TempDir& dir, int cars, int ticks,
                            uint64_t seed, int interval_s = 1) {
  gen::DriverSimOptions so;
  auto day = ParseDate8("20220426");
  ASSERT_TRUE(day.has_value());
  so.start_day = *day;
  so.cars = cars;
  so.seed = seed;
  so.interval_seconds = interval_s;
  so.overspeed_ratio = 0.25;
  gen::DriverSimulator sim(so);
  std::string text;
  for (int i = 0; i < ticks; ++i) sim.NextTick(&text);
  ::smartcar::testing::WriteFile(dir.file("driving.log"), text);
  const std::string data = dir.file("data");
  auto t =
      ::smartcar::testing::RunSmartcar("topic create SmartCar-Topic --partitions 4 --data " + data);
  ASSERT_EQ(t.exit_code, 0) << t.out;
  auto p = ::smartcar::testing::RunSmartcar("produce SmartCar-Topic --key-field 2 --data " + data +
                                            " < " + dir.file("driving.log"));
  ASSERT_EQ(p.exit_code, 0) << p.out;
}

#endif  // SMARTCAR_BINARY

}  // namespace smartcar::pipeline::testing
