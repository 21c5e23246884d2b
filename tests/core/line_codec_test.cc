#include "core/line_codec.h"

#include <gtest/gtest.h>

#include "core/random.h"

namespace smartcar {
namespace {

constexpr const char* kGood = "20220426000002,W0003,3,0,L1,N,25,B09";

TEST(DriverLineTest, ParsesThePilotsLine) {
  DriverEvent e;
  auto r = ParseDriverLine(kGood, &e);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(*r, LineKind::kRecord);
  EXPECT_EQ(FormatTimestamp14(e.time), "20220426000002");
  EXPECT_EQ(e.car_number.view(), "W0003");
  EXPECT_EQ(e.speed_pedal, 3);
  EXPECT_EQ(e.break_pedal, 0);
  EXPECT_EQ(e.steer_angle, SteerAngle::kL1);
  EXPECT_EQ(e.direct_light, DirectLight::kN);
  EXPECT_EQ(e.speed, 25);
  EXPECT_EQ(e.area_number.view(), "B09");
  EXPECT_EQ(FormatDriverLine(e), kGood);
}

TEST(DriverLineTest, ToleratesCarriageReturn) {
  DriverEvent e;
  EXPECT_TRUE(ParseDriverLine(std::string(kGood) + "\r", &e).has_value());
}

TEST(DriverLineTest, RecognisesHeaders) {
  DriverEvent e;
  EXPECT_EQ(*ParseDriverLine(kPilotDriverHeader, &e), LineKind::kHeader);
  EXPECT_EQ(*ParseDriverLine(kDriverHeader, &e), LineKind::kHeader);
  // Something header-like but not a known header is an error, not silently skipped.
  auto r = ParseDriverLine(
      "Driver Status Information,CarNum,AccStep,BrkStep,WheelStep,DirLightStep,Speed,AreaNum", &e);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message().substr(0, 16), "field 1 (date): ");
}

struct BadLine {
  const char* line;
  const char* message;
};

class DriverBadLineTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(DriverBadLineTest, NamesFieldAndReason) {
  DriverEvent e;
  auto r = ParseDriverLine(GetParam().line, &e);
  ASSERT_FALSE(r.has_value()) << GetParam().line;
  EXPECT_TRUE(r.error().IsInvalidArgument());
  EXPECT_EQ(r.error().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    EveryKindOfInvalid, DriverBadLineTest,
    ::testing::Values(
        BadLine{"", "expected 8 comma-separated fields, found 1"},
        BadLine{"20220426000002,W0003,3,0,L1,N,25", "expected 8 comma-separated fields, found 7"},
        BadLine{"20220426000002,W0003,3,0,L1,N,25,B09,",
                "expected 8 comma-separated fields, found more"},
        BadLine{"2022042600000,W0003,3,0,L1,N,25,B09",
                "field 1 (date): '2022042600000' is not 14 digits yyyyMMddHHmmss"},
        BadLine{"20220431000002,W0003,3,0,L1,N,25,B09",
                "field 1 (date): '20220431000002' is not a valid date"},
        BadLine{"20220426250002,W0003,3,0,L1,N,25,B09",
                "field 1 (date): '20220426250002' is not a valid time of day"},
        BadLine{"20220426000002,W003,3,0,L1,N,25,B09",
                "field 2 (car_number): 'W003' is not a car number (letter + 4 digits)"},
        BadLine{"20220426000002,w0003,3,0,L1,N,25,B09",
                "field 2 (car_number): 'w0003' is not a car number (letter + 4 digits)"},
        BadLine{"20220426000002,W0003,6,0,L1,N,25,B09",
                "field 3 (speed_pedal): '6' is out of range (expected 0-5)"},
        BadLine{"20220426000002,W0003,-1,0,L1,N,25,B09",
                "field 3 (speed_pedal): '-1' is not an integer (expected 0-5)"},
        BadLine{"20220426000002,W0003,3,4,L1,N,25,B09",
                "field 4 (break_pedal): '4' is out of range (expected 0-3)"},
        BadLine{"20220426000002,W0003,3,,L1,N,25,B09",
                "field 4 (break_pedal): '' is empty; expected an integer (expected 0-3)"},
        BadLine{"20220426000002,W0003,3,0,L4,N,25,B09",
                "field 5 (steer_angle): 'L4' is not one of F, L1, L2, L3, R1, R2, R3"},
        BadLine{"20220426000002,W0003,3,0,L1,X,25,B09",
                "field 6 (direct_light): 'X' is not one of N, L, R"},
        BadLine{"20220426000002,W0003,3,0,L1,N,x9,B09",
                "field 7 (speed): 'x9' is not an integer (expected 0-400 km/h)"},
        BadLine{"20220426000002,W0003,3,0,L1,N,401,B09",
                "field 7 (speed): '401' is out of range (expected 0-400 km/h)"},
        BadLine{"20220426000002,W0003,3,0,L1,N,99999999999,B09",
                "field 7 (speed): '99999999999' is not an integer in range (expected 0-400 km/h)"},
        BadLine{"20220426000002,W0003,3,0,L1,N,25,G09",
                "field 8 (area_number): 'G09' is not an area number (A-F + 2 digits)"},
        BadLine{"20220426000002,W0003,3,0,L1,N,25,B9",
                "field 8 (area_number): 'B9' is not an area number (A-F + 2 digits)"}));

TEST(StatusLineTest, ParsesThePilotsLine) {
  const char* line = "20220426000004,X0001,91,78,95,74,1,1,2,1,A,B,99";
  StatusEvent e;
  auto r = ParseStatusLine(line, &e);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(*r, LineKind::kRecord);
  EXPECT_EQ(e.car_number.view(), "X0001");
  EXPECT_EQ(e.tire, (std::array<int16_t, 4>{91, 78, 95, 74}));
  EXPECT_EQ(e.light[2], LampState::kFault);
  EXPECT_EQ(e.engine, 'A');
  EXPECT_EQ(e.brake, 'B');
  EXPECT_EQ(e.battery, 99);
  EXPECT_EQ(FormatStatusLine(e), line);
  EXPECT_EQ(*ParseStatusLine(kPilotStatusHeader, &e), LineKind::kHeader);
  EXPECT_EQ(*ParseStatusLine(kStatusHeader, &e), LineKind::kHeader);
}

TEST(StatusLineTest, Hour24ReadsAsNextMidnight) {
  StatusEvent e;
  ASSERT_TRUE(ParseStatusLine("20220426240000,X0001,91,78,95,74,1,1,1,1,A,B,99", &e).has_value());
  EXPECT_EQ(FormatTimestamp14(e.time), "20220427000000");
}

class StatusBadLineTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(StatusBadLineTest, NamesFieldAndReason) {
  StatusEvent e;
  auto r = ParseStatusLine(GetParam().line, &e);
  ASSERT_FALSE(r.has_value()) << GetParam().line;
  EXPECT_EQ(r.error().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    EveryKindOfInvalid, StatusBadLineTest,
    ::testing::Values(
        BadLine{"20220426000004,X0001,91,78,95,74,1,1,1,1,A,B",
                "expected 13 comma-separated fields, found 12"},
        BadLine{"2022042600000x,X0001,91,78,95,74,1,1,1,1,A,B,99",
                "field 1 (reg_date): '2022042600000x' is not 14 digits yyyyMMddHHmmss"},
        BadLine{"20220426000004,X001,91,78,95,74,1,1,1,1,A,B,99",
                "field 2 (car_number): 'X001' is not a car number (letter + 4 digits)"},
        BadLine{"20220426000004,X0001,91,201,95,74,1,1,1,1,A,B,99",
                "field 4 (tire_fr): '201' is out of range (expected 0-200)"},
        BadLine{"20220426000004,X0001,91,78,9.5,74,1,1,1,1,A,B,99",
                "field 5 (tire_bl): '9.5' is not an integer (expected 0-200)"},
        BadLine{"20220426000004,X0001,91,78,95,74,1,3,1,1,A,B,99",
                "field 8 (light_fr): '3' is not a lamp state (1 = ok, 2 = fault)"},
        BadLine{"20220426000004,X0001,91,78,95,74,1,1,1,1,D,B,99",
                "field 11 (engine): 'D' is not an engine state (A, B or C)"},
        BadLine{"20220426000004,X0001,91,78,95,74,1,1,1,1,A,C,99",
                "field 12 (break): 'C' is not a brake state (A or B)"},
        BadLine{"20220426000004,X0001,91,78,95,74,1,1,1,1,A,B,101",
                "field 13 (battery): '101' is out of range (expected 0-100)"}));

TEST(LineCodecTest, AtLineAddsTheLineNumber) {
  DriverEvent e;
  auto r = ParseDriverLine("20220426000002,W0003,3,0,L1,N,x9,B09", &e);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(AtLine(r.error(), 12).message(),
            "line 12, field 7 (speed): 'x9' is not an integer (expected 0-400 km/h)");
}

// Property: any valid event formats to a line that parses back to the same event.
TEST(LineCodecTest, RandomDriverEventsRoundTrip) {
  Random rng(42);
  for (int i = 0; i < 20000; ++i) {
    DriverEvent e;
    e.time = EventTimeMs{static_cast<int64_t>(rng.Range(0, 253402300799LL)) * 1000};
    e.car_number.chars = {
        static_cast<char>('A' + rng.Uniform(26)), static_cast<char>('0' + rng.Uniform(10)),
        static_cast<char>('0' + rng.Uniform(10)), static_cast<char>('0' + rng.Uniform(10)),
        static_cast<char>('0' + rng.Uniform(10))};
    e.speed_pedal = static_cast<uint8_t>(rng.Range(0, 5));
    e.break_pedal = static_cast<uint8_t>(rng.Range(0, 3));
    e.steer_angle = static_cast<SteerAngle>(rng.Range(0, 6));
    e.direct_light = static_cast<DirectLight>(rng.Range(0, 2));
    e.speed = static_cast<int32_t>(rng.Range(0, kMaxSpeedKmh));
    e.area_number.chars = {static_cast<char>('A' + rng.Uniform(6)),
                           static_cast<char>('0' + rng.Uniform(10)),
                           static_cast<char>('0' + rng.Uniform(10))};
    const std::string line = FormatDriverLine(e);
    DriverEvent back;
    auto r = ParseDriverLine(line, &back);
    ASSERT_TRUE(r.has_value()) << line << ": " << r.error().ToString();
    ASSERT_EQ(back, e) << line;
    ASSERT_EQ(FormatDriverLine(back), line);
  }
}

TEST(LineCodecTest, RandomStatusEventsRoundTrip) {
  Random rng(7);
  for (int i = 0; i < 20000; ++i) {
    StatusEvent e;
    e.time = EventTimeMs{static_cast<int64_t>(rng.Range(0, 253402300799LL)) * 1000};
    e.car_number.chars = {
        static_cast<char>('A' + rng.Uniform(26)), '0', static_cast<char>('0' + rng.Uniform(10)),
        static_cast<char>('0' + rng.Uniform(10)), static_cast<char>('0' + rng.Uniform(10))};
    for (auto& t : e.tire) t = static_cast<int16_t>(rng.Range(0, kMaxTirePressure));
    for (auto& l : e.light) l = rng.Bernoulli(0.5) ? LampState::kOk : LampState::kFault;
    e.engine = static_cast<char>('A' + rng.Uniform(3));
    e.brake = static_cast<char>('A' + rng.Uniform(2));
    e.battery = static_cast<int16_t>(rng.Range(0, kMaxBattery));
    const std::string line = FormatStatusLine(e);
    StatusEvent back;
    auto r = ParseStatusLine(line, &back);
    ASSERT_TRUE(r.has_value()) << line << ": " << r.error().ToString();
    ASSERT_EQ(back, e) << line;
  }
}

// Property: mutating one byte of a valid line never crashes, and either fails with a field
// message or yields an event whose formatted line parses back to the same event.
TEST(LineCodecTest, SingleByteMutationsAreRejectedOrConsistent) {
  Random rng(9);
  const std::string good = kGood;
  for (int i = 0; i < 20000; ++i) {
    std::string line = good;
    line[rng.Uniform(line.size())] = static_cast<char>(rng.Uniform(256));
    DriverEvent e;
    auto r = ParseDriverLine(line, &e);
    if (r.has_value()) {
      ASSERT_EQ(*r, LineKind::kRecord);
      DriverEvent again;
      ASSERT_TRUE(ParseDriverLine(FormatDriverLine(e), &again).has_value()) << line;
      ASSERT_EQ(again, e) << line;
    } else {
      ASSERT_FALSE(r.error().message().empty());
    }
  }
}

}  // namespace
}  // namespace smartcar
