// DriverSimulator's per-car driving phases (stopped, accelerate, cruise, brake, turn) and
// RunDriverSimulator: appends to SmartCarDriverInfo.log, paced to wall time unless fast, and
// resumes an interrupted run after checking the file's bytes against the regenerated ones.
#include "gen/driver_simulator.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <numeric>

#include "core/file.h"
#include "core/line_codec.h"
#include "core/random.h"
#include "gen/fleet.h"

namespace smartcar::gen {
namespace {

// Speed limits of the two kinds of driver. Normal drivers stay at or below kNormalMaxKmh, so a
// 30-second average above 80 km/h always comes from a wild driver.
constexpr double kNormalMaxKmh = 78;
constexpr double kWildMaxKmh = 250;  // The pilot's simulator capped speeds at 250.

enum class Phase { kStopped, kAccelerate, kCruise, kBrake, kTurn };

}  // namespace

struct DriverSimulator::Car {
  explicit Car(uint64_t seed) : rng(seed) {}
  Random rng;
  bool wild = false;
  char area_letter = 'A';
  int area_digit = 1;
  double speed = 0;
  double target = 0;
  double rate = 0;  // km/h per second while accelerating or braking.
  Phase phase = Phase::kStopped;
  int remaining = 0;  // Simulated seconds left in the phase.
  SteerAngle turn = SteerAngle::kF;
  DirectLight signal = DirectLight::kN;
};

Status ValidateDriverSimOptions(const DriverSimOptions& o) {
  if (o.cars < 1 || o.cars > 9999) {
    return Status::InvalidArgument("--cars must be between 1 and 9999, got " +
                                   std::to_string(o.cars));
  }
  if (o.interval_seconds < 1 || o.interval_seconds > 3600) {
    return Status::InvalidArgument("--interval must be between 1 and 3600 seconds, got " +
                                   std::to_string(o.interval_seconds));
  }
  if (!(o.overspeed_ratio >= 0 && o.overspeed_ratio <= 1)) {
    return Status::InvalidArgument("--overspeed-ratio must be between 0 and 1");
  }
  return Status::OK();
}

DriverSimulator::DriverSimulator(const DriverSimOptions& options) : options_(options) {
  // The fleet's cars (gen/fleet.h: the status log's and the buy list's for the same seed); each
  // day's driving its own (the seed combined with the start day).
  Random setup(options.seed ^ static_cast<uint64_t>(options.start_day) * 0x9e3779b97f4a7c15ULL);
  const size_t n = static_cast<size_t>(options.cars);
  numbers_.resize(n);
  cars_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    numbers_[i] = FleetCarNumber(options.seed, static_cast<int>(i));
    Car& car = cars_.emplace_back(setup.Next());
    car.area_letter = static_cast<char>('A' + setup.Uniform(6));
    car.area_digit = static_cast<int>(setup.Range(1, 10));
  }
  // Exactly round(ratio * cars) wild drivers, chosen by a seeded shuffle.
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  const size_t wild =
      static_cast<size_t>(std::llround(options.overspeed_ratio * static_cast<double>(n)));
  for (size_t i = 0; i < wild; ++i) {
    std::swap(order[i], order[i + setup.Uniform(n - i)]);
    cars_[order[i]].wild = true;
  }
}

DriverSimulator::~DriverSimulator() = default;

const std::vector<CarNumber>& DriverSimulator::cars() const { return numbers_; }
bool DriverSimulator::is_wild(size_t index) const { return cars_[index].wild; }

EventTimeMs DriverSimulator::next_tick_time() const {
  return EventTimeMs{options_.start_day * kMsPerDay +
                     static_cast<int64_t>(tick_) * options_.interval_seconds * kMsPerSecond};
}

namespace {

void StartCruiseOrStop(DriverSimulator::Car* c);

// Picks what a driver does next when a phase ends.
void NextPhase(DriverSimulator::Car* c) {
  Random& r = c->rng;
  c->turn = SteerAngle::kF;
  c->signal = DirectLight::kN;
  switch (c->phase) {
    case Phase::kStopped:
    case Phase::kTurn:
      c->phase = Phase::kAccelerate;
      c->target =
          c->wild ? static_cast<double>(r.Range(110, 200)) : static_cast<double>(r.Range(30, 75));
      c->rate = c->wild ? static_cast<double>(r.Range(6, 12)) : static_cast<double>(r.Range(2, 5));
      c->remaining = 3600;
      return;
    case Phase::kAccelerate:
      c->phase = Phase::kCruise;
      c->remaining = static_cast<int>(r.Range(15, 60));
      return;
    case Phase::kBrake:
      StartCruiseOrStop(c);
      return;
    case Phase::kCruise: {
      const uint64_t pick = r.Uniform(10);
      if (pick < 3) {  // Slow down: traffic, a light, a junction.
        c->phase = Phase::kBrake;
        c->target = c->wild ? static_cast<double>(r.Range(70, 100))
                            : (r.Bernoulli(0.5) ? 0.0 : static_cast<double>(r.Range(10, 30)));
        c->rate = static_cast<double>(r.Range(4, 10));
        c->remaining = 3600;
      } else if (pick < 5 && c->speed > 0) {  // Turn a corner: slow, steer and signal.
        c->phase = Phase::kTurn;
        const bool left = r.Bernoulli(0.5);
        const int step = static_cast<int>(r.Range(1, 3));
        c->turn = static_cast<SteerAngle>(
            static_cast<int>(left ? SteerAngle::kL1 : SteerAngle::kR1) + step - 1);
        c->signal = left ? DirectLight::kL : DirectLight::kR;
        c->target =
            c->wild ? static_cast<double>(r.Range(50, 70)) : static_cast<double>(r.Range(10, 25));
        c->remaining = static_cast<int>(r.Range(3, 6));
      } else {  // Change cruising speed.
        c->phase = Phase::kAccelerate;
        c->target =
            c->wild ? static_cast<double>(r.Range(110, 200)) : static_cast<double>(r.Range(30, 75));
        c->rate =
            c->wild ? static_cast<double>(r.Range(6, 12)) : static_cast<double>(r.Range(2, 5));
        c->remaining = 3600;
      }
      return;
    }
  }
}

void StartCruiseOrStop(DriverSimulator::Car* c) {
  if (c->target <= 0) {
    c->phase = Phase::kStopped;
    c->speed = 0;
    c->remaining = static_cast<int>(c->rng.Range(3, 20));
  } else {
    c->phase = Phase::kCruise;
    c->remaining = static_cast<int>(c->rng.Range(5, 20));
  }
}

// Advances one car by `dt` simulated seconds and fills the event's driving fields.
void Step(DriverSimulator::Car* c, int dt, DriverEvent* e) {
  Random& r = c->rng;
  c->remaining -= dt;
  e->speed_pedal = 0;
  e->break_pedal = 0;
  e->steer_angle = SteerAngle::kF;
  e->direct_light = DirectLight::kN;
  switch (c->phase) {
    case Phase::kStopped:
      c->speed = 0;
      e->break_pedal = 1;
      break;
    case Phase::kAccelerate: {
      c->speed = std::min(c->target, c->speed + c->rate * dt);
      e->speed_pedal = static_cast<uint8_t>(
          std::clamp<int64_t>(static_cast<int64_t>(c->rate / 2.5) + r.Range(1, 2), 1, 5));
      if (c->speed >= c->target) c->remaining = 0;
      break;
    }
    case Phase::kCruise: {
      c->speed =
          std::clamp(c->speed + static_cast<double>(r.Range(-2, 2)), c->target - 5, c->target + 5);
      e->speed_pedal = static_cast<uint8_t>(r.Range(1, 2));
      if (r.Bernoulli(0.03)) {  // A lane change: a small steer with the signal on.
        const bool left = r.Bernoulli(0.5);
        e->steer_angle = left ? SteerAngle::kL1 : SteerAngle::kR1;
        e->direct_light = left ? DirectLight::kL : DirectLight::kR;
      }
      break;
    }
    case Phase::kBrake: {
      c->speed = std::max(c->target, c->speed - c->rate * dt);
      e->break_pedal = static_cast<uint8_t>(std::clamp(static_cast<int>(c->rate / 3.5) + 1, 1, 3));
      if (c->speed <= c->target) c->remaining = 0;
      break;
    }
    case Phase::kTurn: {
      c->speed = std::max(c->target, c->speed - 8.0 * dt);
      e->steer_angle = c->turn;
      e->direct_light = c->signal;
      e->speed_pedal = c->speed <= c->target ? 1 : 0;
      e->break_pedal = c->speed <= c->target ? 0 : 1;
      break;
    }
  }
  c->speed = std::clamp(c->speed, 0.0, c->wild ? kWildMaxKmh : kNormalMaxKmh);
  e->speed = static_cast<int32_t>(std::lround(c->speed));
  if (r.Bernoulli(0.02)) c->area_digit = static_cast<int>(r.Range(1, 10));
  e->area_number.chars = {c->area_letter, static_cast<char>('0' + c->area_digit / 10),
                          static_cast<char>('0' + c->area_digit % 10)};
  while (c->remaining <= 0) NextPhase(c);
}

}  // namespace

void DriverSimulator::NextTick(std::string* out) {
  if (tick_ == 0 && options_.pilot_headers) {
    for (size_t i = 0; i < cars_.size(); ++i) {
      out->append(kPilotDriverHeader);
      out->push_back('\n');
    }
  }
  DriverEvent e;
  e.time = next_tick_time();
  for (size_t i = 0; i < cars_.size(); ++i) {
    e.car_number = numbers_[i];
    Step(&cars_[i], options_.interval_seconds, &e);
    AppendDriverLine(e, out);
    out->push_back('\n');
  }
  ++tick_;
}

Status RunDriverSimulator(const DriverSimOptions& sim, const DriverRunOptions& run,
                          DriverRunStats* stats) {
  SMARTCAR_RETURN_IF_ERROR(ValidateDriverSimOptions(sim));
  SMARTCAR_RETURN_IF_ERROR(CreateFolders(run.out_dir));
  const std::string path = (std::filesystem::path(run.out_dir) / kDriverLogFileName).string();
  // When resuming: keep the complete lines already there, and check them as they are regenerated.
  std::string existing;
  if (run.resume) {
    auto text = ReadFileToString(path, "driving log");
    if (text) {
      existing = std::move(*text);
    } else if (!text.error().IsNotFound()) {
      return text.error();
    }
    const size_t complete = existing.rfind('\n');
    existing.resize(complete == std::string::npos ? 0 : complete + 1);
    std::error_code trunc_ec;
    if (std::filesystem::exists(path))
      std::filesystem::resize_file(path, existing.size(), trunc_ec);
    if (trunc_ec) return Status::IOError("cannot truncate '" + path + "': " + trunc_ec.message());
    stats->resumed_bytes = existing.size();
  }
  std::FILE* f = std::fopen(path.c_str(), "ab");
  if (f == nullptr)
    return Status::IOError("cannot open '" + path + "' for appending: " + std::strerror(errno));
  stats->path = path;
  size_t skip = existing.size();  // Bytes of regenerated output already in the file.
  int64_t paced_from = 0;         // Real-time pacing starts after the skipped ticks.

  DriverSimulator simulator(sim);
  Clock* clock = run.clock ? run.clock : SystemClock::Default();
  const int64_t start = clock->NowMicros();
  const int64_t ticks = run.seconds < 0 ? -1 : run.seconds / sim.interval_seconds;
  std::string buf;
  Status status;
  for (int64_t t = 0; ticks < 0 || t < ticks; ++t) {
    if (run.stop != nullptr && run.stop->load()) break;
    while (run.paused != nullptr && run.paused->load() &&
           !(run.stop != nullptr && run.stop->load())) {
      clock->SleepUntilMicros(clock->NowMicros() + 50'000);
    }
    const size_t before = buf.size();
    simulator.NextTick(&buf);
    stats->lines += static_cast<uint64_t>(sim.cars);
    ++stats->ticks;
    const bool last = ticks >= 0 && t + 1 == ticks;
    if (skip > 0) {  // Resuming: this tick (or its start) is already in the file.
      const size_t n = std::min(skip, buf.size() - before);
      const size_t at = existing.size() - skip;
      if (buf.compare(before, n, existing, at, n) != 0) {
        status = Status::InvalidArgument(
            "'" + path +
            "' does not hold the start of this run (other options or seed); "
            "cannot resume it");
        break;
      }
      buf.erase(before, n);
      skip -= n;
      paced_from = t + 1;
      if (skip > 0 || buf.empty()) continue;
    }
    if (!run.fast || buf.size() >= (1 << 20) || last) {
      if (std::fwrite(buf.data(), 1, buf.size(), f) != buf.size() || std::fflush(f) != 0) {
        status = Status::IOError("cannot write '" + path + "': " + std::strerror(errno));
        break;
      }
      buf.clear();
      if (run.on_progress) run.on_progress(stats->lines);
    }
    if (!run.fast && !last) {
      const int64_t due = start + (t + 1 - paced_from) * sim.interval_seconds * 1'000'000;
      // Sleep in short slices so a stop request is noticed promptly.
      while (clock->NowMicros() < due && !(run.stop != nullptr && run.stop->load())) {
        clock->SleepUntilMicros(std::min(due, clock->NowMicros() + 100'000));
      }
    }
  }
  if (status.ok() && skip > 0) {
    status =
        Status::InvalidArgument("'" + path + "' holds more than this run writes; cannot resume it");
  }
  if (status.ok() && !buf.empty() &&
      (std::fwrite(buf.data(), 1, buf.size(), f) != buf.size() || std::fflush(f) != 0)) {
    status = Status::IOError("cannot write '" + path + "': " + std::strerror(errno));
  }
  if (std::fclose(f) != 0 && status.ok()) {
    status = Status::IOError("cannot close '" + path + "': " + std::strerror(errno));
  }
  return status;
}

}  // namespace smartcar::gen
