// WaitUntil: the one way a test waits for something another thread or process does.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace smartcar::testing {

// Calls `done` every `every` until it returns true or `limit` has passed (it is called once more
// after the last pause); whether it returned true. `limit` bounds a wait for another thread or
// process under any load: it is never a measurement, and a test asserts the state it waited
// for, not the time it took.
inline bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit,
                      std::chrono::milliseconds every = std::chrono::milliseconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(every);
  }
  return true;
}

}  // namespace smartcar::testing
