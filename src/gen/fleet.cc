// FleetCarNumber, FleetUnit, ConditionOn: SplitMix64 of the mixed inputs.
#include "gen/fleet.h"

#include <cstring>
#include <string>

namespace smartcar::gen {
namespace {

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Hash(uint64_t seed, int car, uint64_t what, int64_t when) {
  uint64_t h = Mix(seed ^ 0x666c656574000000ULL);  // "fleet"
  h = Mix(h ^ static_cast<uint64_t>(car));
  h = Mix(h ^ what);
  return Mix(h ^ static_cast<uint64_t>(when));
}

// Where `day` falls in a cycle of `length` days with the car's own phase: 0 just after the
// service, approaching 1 just before the next.
double CyclePosition(uint64_t seed, int car, uint64_t what, int64_t day, int64_t length) {
  const int64_t phase =
      static_cast<int64_t>(FleetUnit(seed, car, what) * static_cast<double>(length));
  int64_t at = (day + phase) % length;
  if (at < 0) at += length;
  return static_cast<double>(at) / static_cast<double>(length);
}

// `high` on the fraction `share` of periods chosen by (seed, car, what, period), the rest low
// enough that the average is 1.
double Episode(uint64_t seed, int car, uint64_t what, int64_t period, double share, double high) {
  const bool on = FleetUnit(seed, car, what, period) < share;
  return on ? high : (1 - share * high) / (1 - share);
}

}  // namespace

CarNumber NumberedCar(char letter, int number) {
  CarNumber n;
  n.chars[0] = letter;
  const std::string digits = std::to_string(10000 + number).substr(1);
  std::memcpy(n.chars.data() + 1, digits.data(), 4);
  return n;
}

CarNumber FleetCarNumber(uint64_t seed, int index) {
  return NumberedCar(static_cast<char>('A' + Hash(seed, index, 1, 0) % 26), index + 1);
}

double FleetUnit(uint64_t seed, int car, uint64_t what, int64_t when) {
  return static_cast<double>(Hash(seed, car, what, when) >> 11) * 0x1.0p-53;
}

CarCondition ConditionOn(uint64_t seed, int car, int64_t day) {
  CarCondition c;
  // Tyres: a service cycle of 14-42 days; the low-tyre rate climbs from 0 to 2x across it.
  const int64_t tire_cycle = 14 + static_cast<int64_t>(FleetUnit(seed, car, 10) * 29);
  c.low_tire = 2 * CyclePosition(seed, car, 11, day, tire_cycle);
  // Battery: a cycle of 60-180 days, the same shape.
  const int64_t battery_cycle = 60 + static_cast<int64_t>(FleetUnit(seed, car, 12) * 121);
  c.low_battery = 2 * CyclePosition(seed, car, 13, day, battery_cycle);
  // A broken lamp stays broken for its 3-day period (10% of periods), then is fixed.
  c.lamp = Episode(seed, car, 14, day >= 0 ? day / 3 : (day - 2) / 3, 0.10, 5.5);
  // Engine and brake faults come in weeks (15% and 20% of weeks).
  const int64_t week = day >= 0 ? day / 7 : (day - 6) / 7;
  c.engine = Episode(seed, car, 15, week, 0.15, 4.0);
  c.brake = Episode(seed, car, 16, week, 0.20, 3.0);
  return c;
}

uint64_t DaySeed(uint64_t seed, int car, int64_t day) { return Hash(seed, car, 17, day); }

}  // namespace smartcar::gen
