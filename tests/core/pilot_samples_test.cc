// Every line of the pilot's own sample files parses: header lines are recognised and skipped,
// and the hour-24 reading is read as the next day's midnight (SPEC §2).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/line_codec.h"
#include "core/line_reader.h"

namespace smartcar {
namespace {

const std::string kSamples = SMARTCAR_PILOT_SAMPLES;

TEST(PilotSamplesTest, EveryDrivingLineParses) {
  auto reader = LineReader::Open(kSamples + "/SmartCarDriverInfo_20220426_20cars.log");
  ASSERT_TRUE(reader.has_value()) << reader.error().ToString();
  std::string_view line;
  uint64_t records = 0, headers = 0;
  std::set<std::string> cars;
  std::map<std::string, double> speed_sum, speed_n;
  while ((*reader)->Next(&line)) {
    DriverEvent e;
    auto r = ParseDriverLine(line, &e);
    ASSERT_TRUE(r.has_value()) << AtLine(r.error(), (*reader)->line_number()).ToString();
    if (*r == LineKind::kHeader) {
      ++headers;
      continue;
    }
    ++records;
    const std::string car(e.car_number.view());
    cars.insert(car);
    speed_sum[car] += e.speed;
    speed_n[car] += 1;
  }
  ASSERT_TRUE((*reader)->status().ok());
  // One header line per car (20 cars). (The samples README says 4,749 lines; the file has 4,729.)
  EXPECT_EQ(headers, 20u);
  EXPECT_EQ(cars.size(), 20u);
  EXPECT_EQ(records + headers, (*reader)->line_number());
  EXPECT_GT(records, 4000u);
  // The README's wild drivers: W0003 averages 188 km/h, O0012 154 km/h.
  EXPECT_NEAR(speed_sum["W0003"] / speed_n["W0003"], 188, 1);
  EXPECT_NEAR(speed_sum["O0012"] / speed_n["O0012"], 154, 1);
}

TEST(PilotSamplesTest, EveryStatusLineParsesIncludingHour24) {
  auto reader = LineReader::Open(kSamples + "/SmartCarStatusInfo_20220426_10cars.txt.gz");
  ASSERT_TRUE(reader.has_value()) << reader.error().ToString();
  std::string_view line;
  uint64_t records = 0, headers = 0, next_midnight = 0;
  const EventTimeMs midnight = *ParseTimestamp14("20220427000000");
  std::map<std::string, uint64_t> per_car;
  while ((*reader)->Next(&line)) {
    StatusEvent e;
    auto r = ParseStatusLine(line, &e);
    ASSERT_TRUE(r.has_value()) << AtLine(r.error(), (*reader)->line_number()).ToString();
    if (*r == LineKind::kHeader) {
      ++headers;
      continue;
    }
    ++records;
    ++per_car[std::string(e.car_number.view())];
    if (e.time == midnight) ++next_midnight;
  }
  ASSERT_TRUE((*reader)->status().ok());
  EXPECT_EQ(records + headers, 216020u);
  EXPECT_EQ(headers, 10u);
  EXPECT_EQ(per_car.size(), 10u);
  for (const auto& [car, n] : per_car) EXPECT_EQ(n, 21601u) << car;
  EXPECT_EQ(next_midnight, 10u);  // One hour-24 reading per car.
}

}  // namespace
}  // namespace smartcar
