#include "gen/status_simulator.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/line_codec.h"
#include "core/line_reader.h"
#include "test_util.h"

namespace smartcar::gen {
namespace {

StatusSimOptions Options(int cars, uint64_t seed) {
  StatusSimOptions o;
  o.day = *ParseDate8("20240229");
  o.cars = cars;
  o.seed = seed;
  return o;
}

TEST(StatusSimulatorTest, WritesADayPerCarWithTheHour24Quirk) {
  testing::TempDir dir;
  StatusRunStats stats;
  ASSERT_TRUE(RunStatusSimulator(Options(3, 1), dir.str(), nullptr, {}, &stats).ok());
  EXPECT_EQ(stats.path, dir.file("SmartCarStatusInfo_20240229.txt"));
  EXPECT_EQ(stats.lines, 3u * 21601);
  auto reader = LineReader::Open(stats.path);
  ASSERT_TRUE(reader.has_value());
  std::string_view line;
  std::map<std::string, uint64_t> per_car;
  uint64_t hour24 = 0, faults = 0, readings = 0;
  std::string last;
  while ((*reader)->Next(&line)) {
    StatusEvent e;
    auto r = ParseStatusLine(line, &e);
    ASSERT_TRUE(r.has_value()) << line << ": " << r.error().ToString();
    ASSERT_EQ(*r, LineKind::kRecord);
    ++per_car[std::string(e.car_number.view())];
    if (line.substr(0, 14) == "20240229240000") ++hour24;
    ++readings;
    for (auto p : e.tire) faults += p < 60;
    last = std::string(line);
  }
  EXPECT_EQ(per_car.size(), 3u);
  for (const auto& [car, n] : per_car) EXPECT_EQ(n, 21601u);
  EXPECT_EQ(hour24, 3u);
  EXPECT_EQ(last.substr(0, 14), "20240229240000");
  // Low tyre readings at about the documented rate (4 % per tyre; propensities average 1).
  const double rate = static_cast<double>(faults) / static_cast<double>(readings * 4);
  EXPECT_GT(rate, 0.01);
  EXPECT_LT(rate, 0.08);
}

TEST(StatusSimulatorTest, SameSeedSameBytes) {
  testing::TempDir a, b, c;
  StatusRunStats stats;
  ASSERT_TRUE(RunStatusSimulator(Options(2, 5), a.str(), nullptr, {}, &stats).ok());
  ASSERT_TRUE(RunStatusSimulator(Options(2, 5), b.str(), nullptr, {}, &stats).ok());
  ASSERT_TRUE(RunStatusSimulator(Options(2, 6), c.str(), nullptr, {}, &stats).ok());
  const std::string fa = testing::ReadFile(a.file("SmartCarStatusInfo_20240229.txt"));
  EXPECT_EQ(fa, testing::ReadFile(b.file("SmartCarStatusInfo_20240229.txt")));
  EXPECT_NE(fa, testing::ReadFile(c.file("SmartCarStatusInfo_20240229.txt")));
}

TEST(StatusSimulatorTest, ValueDomainsEqualThePilotSamples) {
  auto domains = [](const std::string& path) {
    std::map<std::string, std::set<std::string>> d;
    auto reader = LineReader::Open(path);
    EXPECT_TRUE(reader.has_value());
    std::string_view line;
    while ((*reader)->Next(&line)) {
      StatusEvent e;
      auto r = ParseStatusLine(line, &e);
      EXPECT_TRUE(r.has_value());
      if (!r || *r != LineKind::kRecord) continue;
      for (auto l : e.light) d["light"].insert(std::to_string(static_cast<int>(l)));
      d["engine"].insert(std::string(1, e.engine));
      d["brake"].insert(std::string(1, e.brake));
      d["time_of_day_step"].insert(std::to_string(e.time.value / 1000 % 4));
    }
    return d;
  };
  testing::TempDir dir;
  StatusRunStats stats;
  ASSERT_TRUE(RunStatusSimulator(Options(5, 1), dir.str(), nullptr, {}, &stats).ok());
  EXPECT_EQ(domains(stats.path), domains(std::string(SMARTCAR_PILOT_SAMPLES) +
                                         "/SmartCarStatusInfo_20220426_10cars.txt.gz"));
}

TEST(StatusSimulatorTest, StopLeavesNoHalfFile) {
  testing::TempDir dir;
  std::atomic<bool> stop{true};
  StatusRunStats stats;
  Status s = RunStatusSimulator(Options(2, 1), dir.str(), &stop, {}, &stats);
  EXPECT_EQ(s.code(), Status::Code::kAborted);
  EXPECT_FALSE(std::filesystem::exists(dir.file("SmartCarStatusInfo_20240229.txt")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("SmartCarStatusInfo_20240229.txt.tmp")));
}

}  // namespace
}  // namespace smartcar::gen
