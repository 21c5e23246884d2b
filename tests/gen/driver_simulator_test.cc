#include "gen/driver_simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "core/line_codec.h"
#include "core/line_reader.h"
#include "test_util.h"

namespace smartcar::gen {
namespace {

DriverSimOptions Options(int cars, uint64_t seed) {
  DriverSimOptions o;
  o.start_day = *ParseDate8("20220426");
  o.cars = cars;
  o.seed = seed;
  return o;
}

std::string Simulate(const DriverSimOptions& o, int ticks) {
  DriverSimulator sim(o);
  std::string out;
  for (int i = 0; i < ticks; ++i) sim.NextTick(&out);
  return out;
}

std::vector<DriverEvent> ParseAll(const std::string& text, int* headers) {
  std::vector<DriverEvent> events;
  std::istringstream in(text);
  std::string line;
  *headers = 0;
  while (std::getline(in, line)) {
    DriverEvent e;
    auto r = ParseDriverLine(line, &e);
    EXPECT_TRUE(r.has_value()) << line;
    if (!r) continue;
    if (*r == LineKind::kHeader) {
      ++*headers;
    } else {
      events.push_back(e);
    }
  }
  return events;
}

TEST(DriverSimulatorTest, SameSeedSameBytesOtherSeedOtherBytes) {
  const std::string a = Simulate(Options(50, 7), 300);
  EXPECT_EQ(a, Simulate(Options(50, 7), 300));
  EXPECT_NE(a, Simulate(Options(50, 8), 300));
}

TEST(DriverSimulatorTest, OneLinePerCarPerInterval) {
  DriverSimOptions o = Options(30, 3);
  o.interval_seconds = 2;
  int headers = 0;
  const auto events = ParseAll(Simulate(o, 100), &headers);
  EXPECT_EQ(headers, 0);
  ASSERT_EQ(events.size(), 3000u);
  std::map<std::string, std::vector<int64_t>> times;
  for (const auto& e : events) times[std::string(e.car_number.view())].push_back(e.time.value);
  ASSERT_EQ(times.size(), 30u);
  const int64_t start = *ParseDate8("20220426") * kMsPerDay;
  for (const auto& [car, ts] : times) {
    ASSERT_EQ(ts.size(), 100u) << car;
    for (size_t i = 0; i < ts.size(); ++i)
      EXPECT_EQ(ts[i], start + static_cast<int64_t>(i) * 2000) << car;
  }
}

TEST(DriverSimulatorTest, PilotHeadersComeFirstOncePerCar) {
  DriverSimOptions o = Options(5, 3);
  o.pilot_headers = true;
  const std::string text = Simulate(o, 3);
  int headers = 0;
  const auto events = ParseAll(text, &headers);
  EXPECT_EQ(headers, 5);
  EXPECT_EQ(events.size(), 15u);
  EXPECT_EQ(text.substr(0, kPilotDriverHeader.size()), kPilotDriverHeader);
}

// Value domains: every value the pilot's simulator wrote, and nothing else.
TEST(DriverSimulatorTest, ValueDomainsEqualThePilotSamples) {
  auto collect = [](const std::vector<DriverEvent>& events) {
    std::map<std::string, std::set<std::string>> d;
    for (const auto& e : events) {
      d["speed_pedal"].insert(std::to_string(e.speed_pedal));
      d["break_pedal"].insert(std::to_string(e.break_pedal));
      d["steer_angle"].insert(std::string(SteerAngleName(e.steer_angle)));
      d["direct_light"].insert(std::string(DirectLightName(e.direct_light)));
      d["area_letter"].insert(std::string(1, e.area_number.chars[0]));
      d["area_digits"].insert(std::string(e.area_number.view().substr(1)));
      d["car_digits_len"].insert(std::to_string(e.car_number.view().size()));
    }
    return d;
  };
  std::vector<DriverEvent> pilot;
  auto reader = LineReader::Open(std::string(SMARTCAR_PILOT_SAMPLES) +
                                 "/SmartCarDriverInfo_20220426_20cars.log");
  ASSERT_TRUE(reader.has_value());
  std::string_view line;
  int32_t pilot_max_speed = 0;
  while ((*reader)->Next(&line)) {
    DriverEvent e;
    auto r = ParseDriverLine(line, &e);
    ASSERT_TRUE(r.has_value());
    if (*r == LineKind::kRecord) {
      pilot.push_back(e);
      pilot_max_speed = std::max(pilot_max_speed, e.speed);
    }
  }
  int headers = 0;
  const auto ours = ParseAll(Simulate(Options(100, 11), 1800), &headers);
  EXPECT_EQ(collect(ours), collect(pilot));
  int32_t max_speed = 0;
  for (const auto& e : ours) max_speed = std::max(max_speed, e.speed);
  EXPECT_LE(max_speed, pilot_max_speed);  // The pilot capped speed at 250 km/h.
  EXPECT_GT(max_speed, 150);
}

// Tumbling 30-second windows per car: the share of cars with any window averaging above 80
// km/h is the overspeed ratio, and the wild ones do it for sustained periods.
TEST(DriverSimulatorTest, ShareOfOverspeedingDriversFollowsTheRatio) {
  for (double ratio : {0.0, 0.1, 0.25}) {
    DriverSimOptions o = Options(200, 5);
    o.overspeed_ratio = ratio;
    DriverSimulator sim(o);
    std::string text;
    for (int i = 0; i < 1200; ++i) sim.NextTick(&text);
    int headers = 0;
    const auto events = ParseAll(text, &headers);
    std::map<std::string, std::map<int64_t, std::pair<double, int>>> windows;
    for (const auto& e : events) {
      auto& w = windows[std::string(e.car_number.view())][e.time.value / 30000];
      w.first += e.speed;
      w.second += 1;
    }
    std::set<std::string> over;
    for (const auto& [car, ws] : windows) {
      int hot = 0;
      for (const auto& [start, w] : ws) hot += w.first / w.second > 80;
      if (hot > 0) {
        over.insert(car);
        // Wild drivers exceed the threshold in most windows, not by accident.
        EXPECT_GT(hot * 2, static_cast<int>(ws.size())) << car;
      }
    }
    EXPECT_EQ(over.size(), static_cast<size_t>(std::llround(ratio * 200))) << ratio;
    std::set<std::string> wild;
    for (size_t i = 0; i < sim.cars().size(); ++i) {
      if (sim.is_wild(i)) wild.insert(std::string(sim.cars()[i].view()));
    }
    EXPECT_EQ(over, wild);
  }
}

TEST(DriverSimulatorTest, DriversBehaveLikeDrivers) {
  int headers = 0;
  const auto events = ParseAll(Simulate(Options(50, 2), 600), &headers);
  int braking_while_accelerating = 0, turning = 0, turning_with_signal = 0, stops = 0;
  for (const auto& e : events) {
    if (e.speed_pedal > 0 && e.break_pedal > 0) ++braking_while_accelerating;
    if (e.steer_angle != SteerAngle::kF) {
      ++turning;
      const bool left = e.steer_angle <= SteerAngle::kL3;
      if (e.direct_light == (left ? DirectLight::kL : DirectLight::kR)) ++turning_with_signal;
    }
    if (e.speed == 0) ++stops;
  }
  EXPECT_EQ(braking_while_accelerating, 0);
  EXPECT_GT(turning, 0);
  EXPECT_EQ(turning, turning_with_signal);  // Our drivers always signal when they steer.
  EXPECT_GT(stops, 0);
}

TEST(DriverSimulatorTest, RunWritesAndAppends) {
  testing::TempDir dir;
  DriverRunOptions run;
  run.out_dir = dir.file("out");
  run.seconds = 10;
  run.fast = true;
  DriverRunStats stats;
  ASSERT_TRUE(RunDriverSimulator(Options(4, 1), run, &stats).ok());
  EXPECT_EQ(stats.lines, 40u);
  ASSERT_TRUE(RunDriverSimulator(Options(4, 1), run, &stats).ok());
  const std::string text = testing::ReadFile(dir.file("out/SmartCarDriverInfo.log"));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 80);
}

TEST(DriverSimulatorTest, RealTimeRunPacesOnTheClock) {
  testing::TempDir dir;
  ManualClock clock(1'000'000);
  DriverRunOptions run;
  run.out_dir = dir.str();
  run.seconds = 5;
  run.clock = &clock;
  DriverRunStats stats;
  ASSERT_TRUE(RunDriverSimulator(Options(3, 1), run, &stats).ok());
  EXPECT_EQ(stats.ticks, 5u);
  // Four sleeps of one simulated second each between the five ticks.
  EXPECT_EQ(clock.NowMicros(), 1'000'000 + 4'000'000);
}

TEST(DriverSimulatorTest, StopFlagEndsAnUnboundedRun) {
  testing::TempDir dir;
  std::atomic<bool> stop{false};
  DriverRunOptions run;
  run.out_dir = dir.str();
  run.fast = true;
  run.stop = &stop;
  run.on_progress = [&stop](uint64_t lines) {
    if (lines >= 1000) stop.store(true);
  };
  DriverRunStats stats;
  // fast + unbounded flushes each MiB; a tiny car count keeps that slow, so stop after progress.
  DriverSimOptions o = Options(1000, 1);
  ASSERT_TRUE(RunDriverSimulator(o, run, &stats).ok());
  const std::string text = testing::ReadFile(dir.file("SmartCarDriverInfo.log"));
  EXPECT_EQ(static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n')), stats.lines);
  EXPECT_GT(stats.lines, 0u);
}

TEST(DriverSimulatorTest, InvalidOptionsAreNamed) {
  DriverSimOptions o;
  o.cars = 0;
  EXPECT_EQ(ValidateDriverSimOptions(o).message(), "--cars must be between 1 and 9999, got 0");
  o.cars = 1;
  o.interval_seconds = 0;
  EXPECT_FALSE(ValidateDriverSimOptions(o).ok());
  o.interval_seconds = 1;
  o.overspeed_ratio = 1.5;
  EXPECT_FALSE(ValidateDriverSimOptions(o).ok());
}

}  // namespace
}  // namespace smartcar::gen

namespace smartcar::gen {
namespace {

TEST(DriverSimulatorResumeTest, ResumedRunEqualsAnUninterruptedOne) {
  testing::TempDir whole, cut;
  DriverRunOptions run;
  run.seconds = 50;
  run.fast = true;
  run.out_dir = whole.str();
  DriverRunStats stats;
  ASSERT_TRUE(RunDriverSimulator(Options(7, 3), run, &stats).ok());
  const std::string expected = testing::ReadFile(whole.file("SmartCarDriverInfo.log"));
  // A crashed run left 40 % of the file and half a line.
  testing::WriteFile(cut.file("SmartCarDriverInfo.log"),
                     expected.substr(0, expected.size() * 2 / 5));
  run.out_dir = cut.str();
  run.resume = true;
  DriverRunStats resumed;
  ASSERT_TRUE(RunDriverSimulator(Options(7, 3), run, &resumed).ok());
  EXPECT_EQ(testing::ReadFile(cut.file("SmartCarDriverInfo.log")), expected);
  EXPECT_GT(resumed.resumed_bytes, 0u);
  EXPECT_EQ(resumed.lines, 350u);
  // Resuming a finished run changes nothing; resuming with another seed is refused.
  ASSERT_TRUE(RunDriverSimulator(Options(7, 3), run, &resumed).ok());
  EXPECT_EQ(testing::ReadFile(cut.file("SmartCarDriverInfo.log")), expected);
  Status other = RunDriverSimulator(Options(7, 4), run, &resumed);
  EXPECT_TRUE(other.IsInvalidArgument());
  EXPECT_NE(other.message().find("does not hold the start of this run"), std::string::npos);
}

TEST(DriverSimulatorResumeTest, ResumeWithoutAFileStartsFresh) {
  testing::TempDir dir;
  DriverRunOptions run;
  run.seconds = 3;
  run.fast = true;
  run.resume = true;
  run.out_dir = dir.str();
  DriverRunStats stats;
  ASSERT_TRUE(RunDriverSimulator(Options(2, 1), run, &stats).ok());
  const std::string text = testing::ReadFile(dir.file("SmartCarDriverInfo.log"));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 6);
}

}  // namespace
}  // namespace smartcar::gen
