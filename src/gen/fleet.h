// One simulated fleet across the simulators: with the same seed and --cars, the driving log, the
// status log and the buy list name the same cars, and a car's condition evolves from day to day
// (tyres wear until serviced, batteries age, lamps and engines fail for a while and get fixed).
// Everything is a pure function of (seed, car, day), so any day can be generated on its own and
// is the same whenever it is generated.
#pragma once

#include <cstdint>

#include "core/events.h"

namespace smartcar::gen {

// The car number `letter` + `number` as four digits ("K0001"). REQUIRES: 1 <= number <= 9999.
CarNumber NumberedCar(char letter, int number);

// Car `index` (0-based) of the fleet: a letter drawn from (seed, index), then index + 1 as four
// digits ("K0001"). REQUIRES: 0 <= index < 9999.
CarNumber FleetCarNumber(uint64_t seed, int index);

// A number in [0, 1) from (seed, car, what, when): independent streams for each purpose.
double FleetUnit(uint64_t seed, int car, uint64_t what, int64_t when = 0);

// A car's condition on `day` (days since 1970-01-01), as factors on the status simulator's base
// fault rates. Each factor averages 1 over days, so the fleet's rates stay the documented ones.
struct CarCondition {
  double low_tire = 1;     // Rises as the tyres wear over a 2-6 week service cycle.
  double low_battery = 1;  // Rises as the battery ages over a 2-6 month cycle.
  double lamp = 1;         // High on the days a lamp is broken (a few days, then fixed).
  double engine = 1;       // High in the weeks with an engine fault.
  double brake = 1;        // High in the weeks the brakes need service.
};
CarCondition ConditionOn(uint64_t seed, int car, int64_t day);

// The seed of car `car`'s readings on `day`: each day its own readings.
uint64_t DaySeed(uint64_t seed, int car, int64_t day);

}  // namespace smartcar::gen
