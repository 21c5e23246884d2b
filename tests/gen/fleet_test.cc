#include "gen/fleet.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "core/event_time.h"
#include "core/line_codec.h"
#include "gen/driver_simulator.h"
#include "gen/reference_data.h"
#include "gen/status_simulator.h"
#include "test_util.h"

namespace smartcar::gen {
namespace {

std::set<std::string> CarsOfLines(const std::string& text, size_t field) {
  std::set<std::string> cars;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string f;
    for (size_t i = 0; i <= field && std::getline(fields, f, ','); ++i) {
    }
    if (line.size() >= 14 && std::isdigit(static_cast<unsigned char>(line[0])) != 0) cars.insert(f);
  }
  return cars;
}

TEST(FleetTest, TheSameSeedNamesTheSameCarsInEveryLog) {
  const uint64_t seed = 7;
  const int n = 6;
  std::set<std::string> fleet;
  for (int i = 0; i < n; ++i) {
    const CarNumber c = FleetCarNumber(seed, i);
    EXPECT_EQ(std::string(c.view().substr(1)), std::to_string(10000 + i + 1).substr(1));
    fleet.insert(std::string(c.view()));
  }
  DriverSimOptions d;
  d.cars = n;
  d.seed = seed;
  d.start_day = *ParseDate8("20220426");
  DriverSimulator driver(d);
  std::set<std::string> driving;
  for (const CarNumber& c : driver.cars()) driving.insert(std::string(c.view()));
  EXPECT_EQ(driving, fleet);

  testing::TempDir dir;
  StatusSimOptions s;
  s.cars = n;
  s.seed = seed;
  s.day = *ParseDate8("20220426");
  s.interval_seconds = 3600;
  StatusRunStats stats;
  ASSERT_TRUE(RunStatusSimulator(s, dir.str(), nullptr, {}, &stats).ok());
  EXPECT_EQ(CarsOfLines(testing::ReadFile(stats.path), 1), fleet);

  BuyListSimOptions b;
  b.cars = n;
  b.seed = seed;
  b.month = "202204";
  b.lines = 500;
  ASSERT_TRUE(RunBuyListSimulator(b, dir.str()));
  std::set<std::string> buyers;
  std::istringstream in(testing::ReadFile(dir.file("CarItemBuyList_202204.txt")));
  std::string line;
  while (std::getline(in, line)) buyers.insert(line.substr(0, line.find(',')));
  EXPECT_EQ(buyers, fleet);  // 500 purchases over 6 cars: every car buys something.

  // Another seed, another fleet.
  std::set<std::string> other;
  for (int i = 0; i < 20; ++i) other.insert(std::string(FleetCarNumber(seed + 1, i).view()));
  std::set<std::string> same;
  for (int i = 0; i < 20; ++i) same.insert(std::string(FleetCarNumber(seed, i).view()));
  EXPECT_NE(other, same);
}

TEST(FleetTest, EachDayHasItsOwnReadings) {
  testing::TempDir a, b;
  StatusSimOptions s;
  s.cars = 3;
  s.seed = 1;
  s.interval_seconds = 600;
  StatusRunStats stats;
  s.day = *ParseDate8("20220428");
  ASSERT_TRUE(RunStatusSimulator(s, a.str(), nullptr, {}, &stats).ok());
  const std::string first = testing::ReadFile(stats.path);
  s.day = *ParseDate8("20220429");
  ASSERT_TRUE(RunStatusSimulator(s, b.str(), nullptr, {}, &stats).ok());
  std::string second = testing::ReadFile(stats.path);
  // Put the first day's date on the second day's lines: the readings still differ.
  for (size_t at = second.find("20220429"); at != std::string::npos;
       at = second.find("20220429", at)) {
    second.replace(at, 8, "20220428");
  }
  ASSERT_FALSE(first.empty());
  EXPECT_NE(first, second);
  // And the same day is the same bytes whenever it is written.
  testing::TempDir c;
  s.day = *ParseDate8("20220428");
  ASSERT_TRUE(RunStatusSimulator(s, c.str(), nullptr, {}, &stats).ok());
  EXPECT_EQ(testing::ReadFile(stats.path), first);
}

TEST(FleetTest, ACarsConditionEvolvesAndTheFleetsRatesStayTheDocumentedOnes) {
  const int64_t start = *ParseDate8("20220101");
  // One car over a season: the tyres wear day by day, then are serviced.
  int rises = 0, services = 0;
  std::set<double> tire_levels;
  for (int64_t d = start; d < start + 120; ++d) {
    const double today = ConditionOn(1, 0, d).low_tire;
    const double tomorrow = ConditionOn(1, 0, d + 1).low_tire;
    tire_levels.insert(today);
    rises += tomorrow > today;
    services += tomorrow < today;
  }
  EXPECT_GT(rises, 60);
  EXPECT_GE(services, 2);  // A 14-42 day cycle: at least two services in 120 days.
  EXPECT_GT(tire_levels.size(), 10u);
  // Lamps break for a while and get fixed: both states occur for the same car.
  std::set<bool> lamp_broken;
  for (int64_t d = start; d < start + 365; ++d) lamp_broken.insert(ConditionOn(1, 0, d).lamp > 1);
  EXPECT_EQ(lamp_broken.size(), 2u);
  // Over cars and a year every factor averages about 1.
  double sums[5] = {0, 0, 0, 0, 0};
  int samples = 0;
  for (int car = 0; car < 200; ++car) {
    for (int64_t d = start; d < start + 365; d += 5) {
      const CarCondition c = ConditionOn(3, car, d);
      sums[0] += c.low_tire, sums[1] += c.low_battery, sums[2] += c.lamp, sums[3] += c.engine;
      sums[4] += c.brake;
      ++samples;
    }
  }
  for (double sum : sums) {
    EXPECT_NEAR(sum / samples, 1.0, 0.1);
  }
}

}  // namespace
}  // namespace smartcar::gen
