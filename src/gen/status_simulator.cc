// RunStatusSimulator: one day of status readings per car of the fleet (gen/fleet.h), faults at
// StatusFaultRates times a per-car propensity times the car's condition that day, the last
// reading stamped hour 24, written to a temporary file and renamed.
#include "gen/status_simulator.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/events.h"
#include "core/file.h"
#include "core/line_codec.h"
#include "core/random.h"
#include "gen/fleet.h"

namespace smartcar::gen {

Status ValidateStatusSimOptions(const StatusSimOptions& o) {
  if (o.cars < 1 || o.cars > 9999) {
    return Status::InvalidArgument("--cars must be between 1 and 9999, got " +
                                   std::to_string(o.cars));
  }
  if (o.interval_seconds < 1 || o.interval_seconds > 86400) {
    return Status::InvalidArgument("--interval must be between 1 and 86400 seconds");
  }
  return Status::OK();
}

namespace {

struct CarState {
  explicit CarState(uint64_t seed) : rng(seed) {}
  Random rng;
  CarNumber number;
  double propensity = 1.0;  // Multiplies every fault rate; mean 1.
  CarCondition today;       // The day's condition (gen/fleet.h): how worn, what is broken.
};

void Reading(CarState* c, StatusEvent* e) {
  Random& r = c->rng;
  const double k = c->propensity;
  const CarCondition& d = c->today;
  for (auto& p : e->tire) {
    p = static_cast<int16_t>(r.Bernoulli(StatusFaultRates::kLowTire * k * d.low_tire)
                                 ? r.Range(0, 59)
                                 : r.Range(60, 100));
  }
  for (auto& l : e->light) {
    l = r.Bernoulli(StatusFaultRates::kLampFault * k * d.lamp) ? LampState::kFault : LampState::kOk;
  }
  const double eng = r.NextDouble();
  const double ke = k * d.engine;
  e->engine = eng < StatusFaultRates::kEngineC * ke                                  ? 'C'
              : eng < (StatusFaultRates::kEngineC + StatusFaultRates::kEngineB) * ke ? 'B'
                                                                                     : 'A';
  e->brake = r.Bernoulli(StatusFaultRates::kBrakeB * k * d.brake) ? 'B' : 'A';
  e->battery = static_cast<int16_t>(r.Bernoulli(StatusFaultRates::kLowBattery * k * d.low_battery)
                                        ? r.Range(0, 29)
                                        : r.Range(30, 100));
}

}  // namespace

Status RunStatusSimulator(const StatusSimOptions& o, const std::string& out_dir,
                          const std::atomic<bool>* stop,
                          const std::function<void(uint64_t, uint64_t)>& on_progress,
                          StatusRunStats* stats) {
  SMARTCAR_RETURN_IF_ERROR(ValidateStatusSimOptions(o));
  SMARTCAR_RETURN_IF_ERROR(CreateFolders(out_dir));
  const std::string date = FormatDate8FromDays(o.day);
  const std::string path =
      (std::filesystem::path(out_dir) / ("SmartCarStatusInfo_" + date + ".txt")).string();
  // Write to a temporary name and rename, so a reader never sees half a day.
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr)
    return Status::IOError("cannot open '" + tmp + "' for writing: " + std::strerror(errno));
  stats->path = path;

  // The fleet's cars (the driving log's, for the same seed), each with its lasting propensity,
  // its condition on this day and this day's own readings.
  std::vector<CarState> cars;
  cars.reserve(static_cast<size_t>(o.cars));
  for (int i = 0; i < o.cars; ++i) {
    CarState& c = cars.emplace_back(DaySeed(o.seed, i, o.day));
    c.number = FleetCarNumber(o.seed, i);
    c.propensity = 0.25 + 1.5 * FleetUnit(o.seed, i, 2);  // Uniform in [0.25, 1.75): mean 1.
    c.today = ConditionOn(o.seed, i, o.day);
  }

  std::string buf;
  if (o.pilot_headers) {
    for (int i = 0; i < o.cars; ++i) buf.append(kPilotStatusHeader).push_back('\n');
  }
  const int64_t steps = 86400 / o.interval_seconds;  // Readings 0..steps inclusive.
  const uint64_t total = static_cast<uint64_t>(steps + 1) * static_cast<uint64_t>(o.cars);
  const int64_t day_ms = o.day * kMsPerDay;
  Status status;
  StatusEvent e;
  for (int64_t s = 0; s <= steps && status.ok(); ++s) {
    if (stop != nullptr && stop->load()) {
      status = Status::Aborted("stopped before the day was complete; '" + path + "' not written");
      break;
    }
    const int64_t sec = s * o.interval_seconds;
    e.time = EventTimeMs{day_ms + sec * kMsPerSecond};
    const bool end_of_day = sec == 86400;
    for (CarState& c : cars) {
      e.car_number = c.number;
      Reading(&c, &e);
      const size_t at = buf.size();
      AppendStatusLine(e, &buf);
      if (end_of_day) {  // The pilot's quirk: the last reading is stamped <date>240000.
        std::memcpy(buf.data() + at, date.data(), 8);
        std::memcpy(buf.data() + at + 8, "240000", 6);
      }
      buf.push_back('\n');
    }
    stats->lines += static_cast<uint64_t>(o.cars);
    if (buf.size() >= (1 << 20) || s == steps) {
      if (std::fwrite(buf.data(), 1, buf.size(), f) != buf.size()) {
        status = Status::IOError("cannot write '" + tmp + "': " + std::strerror(errno));
      }
      buf.clear();
      if (on_progress) on_progress(stats->lines, total);
    }
  }
  if (std::fclose(f) != 0 && status.ok()) {
    status = Status::IOError("cannot write '" + tmp + "': " + std::strerror(errno));
  }
  if (status.ok() && std::rename(tmp.c_str(), path.c_str()) != 0) {
    status =
        Status::IOError("cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(errno));
  }
  if (!status.ok()) std::remove(tmp.c_str());
  return status;
}

}  // namespace smartcar::gen
