// Clocks: wall time for the parts that need it (the real-time simulator, status lines), and a
// ManualClock for tests. Rule windows never read a clock; they run on event time (SPEC §3).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

namespace smartcar {

// Wall-clock milliseconds since the Unix epoch: record timestamps, file names, snapshot times.
inline int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic microseconds since an arbitrary origin.
  virtual int64_t NowMicros() = 0;
  // Blocks until NowMicros() >= deadline (a ManualClock returns at once, advancing itself).
  virtual void SleepUntilMicros(int64_t deadline) = 0;
};

// The process's steady clock. Thread-safe; lives for the whole program.
class SystemClock final : public Clock {
 public:
  static SystemClock* Default() {
    static SystemClock clock;
    return &clock;
  }
  int64_t NowMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  void SleepUntilMicros(int64_t deadline) override {
    const int64_t now = NowMicros();
    if (deadline > now) std::this_thread::sleep_for(std::chrono::microseconds(deadline - now));
  }
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_micros = 0) : now_(start_micros) {}
  int64_t NowMicros() override { return now_.load(); }
  void SleepUntilMicros(int64_t deadline) override {
    int64_t cur = now_.load();
    while (cur < deadline && !now_.compare_exchange_weak(cur, deadline)) {
    }
  }
  void AdvanceMicros(int64_t delta) { now_.fetch_add(delta); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace smartcar
