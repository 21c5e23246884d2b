// Progress: redraws the stderr line (count and rate, plus percentage and ETA when the total is
// known) at most every 200 ms, and only when stderr is a terminal.
#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

#include "core/clock.h"

namespace smartcar::cli {

Progress::Progress(std::string what, uint64_t total)
    : what_(std::move(what)),
      total_(total),
      enabled_(isatty(STDERR_FILENO) == 1),
      start_us_(SystemClock::Default()->NowMicros()) {}

Progress::~Progress() {
  if (drawn_) std::fputc('\n', stderr);
}

void Progress::Update(uint64_t done) {
  if (!enabled_) return;
  const int64_t now = SystemClock::Default()->NowMicros();
  if (now - last_draw_us_ < 200'000) return;
  last_draw_us_ = now;
  const double secs = static_cast<double>(now - start_us_) / 1e6;
  const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
  if (total_ > 0) {
    const double pct = 100.0 * static_cast<double>(done) / static_cast<double>(total_);
    const double eta = rate > 0 ? static_cast<double>(total_ - std::min(done, total_)) / rate : 0;
    std::fprintf(stderr, "\r%llu/%llu %s (%.0f%%), %.0f %s/s, ETA %.0fs   ",
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
                 what_.c_str(), pct, rate, what_.c_str(), eta);
  } else {
    std::fprintf(stderr, "\r%llu %s, %.0f %s/s   ", static_cast<unsigned long long>(done),
                 what_.c_str(), rate, what_.c_str());
  }
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Finish(uint64_t done) {
  last_draw_us_ = 0;
  Update(done);
}

}  // namespace smartcar::cli
