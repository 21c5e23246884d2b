// The two record types of the pilot: a driving event (one per car per tick) and a status reading
// (one per car every 4 s). Field names follow SPEC §2; domains are in docs/FORMATS.md.
//
// Events are small, trivially copyable values with fixed-size text fields, so parsing a line
// allocates nothing.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/event_time.h"

namespace smartcar {

// `letter + 4 digits`, e.g. "O0010".
struct CarNumber {
  std::array<char, 5> chars{};
  std::string_view view() const { return {chars.data(), chars.size()}; }
  friend bool operator==(const CarNumber&, const CarNumber&) = default;
  friend auto operator<=>(const CarNumber&, const CarNumber&) = default;
};

// `letter A-F + 2 digits`, e.g. "F06".
struct AreaNumber {
  std::array<char, 3> chars{};
  std::string_view view() const { return {chars.data(), chars.size()}; }
  friend bool operator==(const AreaNumber&, const AreaNumber&) = default;
};

// The wheel's position: straight, or left/right in three steps.
enum class SteerAngle : uint8_t { kF, kL1, kL2, kL3, kR1, kR2, kR3 };
// The turn signal: none, left, right.
enum class DirectLight : uint8_t { kN, kL, kR };

std::string_view SteerAngleName(SteerAngle a);    // "F", "L1", ...
std::string_view DirectLightName(DirectLight d);  // "N", "L", "R"

// One line of SmartCarDriverInfo.log.
struct DriverEvent {
  EventTimeMs time;         // `date`: event time.
  CarNumber car_number;     // `car_number`.
  uint8_t speed_pedal = 0;  // `speed_pedal`: accelerator step 0-5.
  uint8_t break_pedal = 0;  // `break_pedal` (sic): brake step 0-3.
  SteerAngle steer_angle = SteerAngle::kF;
  DirectLight direct_light = DirectLight::kN;
  int32_t speed = 0;       // `speed`: km/h, 0-400.
  AreaNumber area_number;  // `area_number`.
  friend bool operator==(const DriverEvent&, const DriverEvent&) = default;
};

inline constexpr int kDriverFieldCount = 8;
inline constexpr int32_t kMaxSpeedKmh = 400;
inline constexpr uint8_t kMaxSpeedPedal = 5;
inline constexpr uint8_t kMaxBreakPedal = 3;

// A lamp's state in the status log: 1 = working, 2 = fault.
enum class LampState : uint8_t { kOk = 1, kFault = 2 };

// One line of SmartCarStatusInfo_<date>.txt.
struct StatusEvent {
  EventTimeMs time;               // `reg_date`.
  CarNumber car_number;           // `car_number`.
  std::array<int16_t, 4> tire{};  // tire_fl, tire_fr, tire_bl, tire_br: pressure 0-200.
  std::array<LampState, 4> light{LampState::kOk, LampState::kOk, LampState::kOk, LampState::kOk};
  // light_fl, light_fr, light_bl, light_br.
  char engine = 'A';      // `engine`: A (good), B, C.
  char brake = 'A';       // `break` (sic): A (good), B.
  int16_t battery = 100;  // `battery`: level 0-100.
  friend bool operator==(const StatusEvent&, const StatusEvent&) = default;
};

inline constexpr int kStatusFieldCount = 13;
inline constexpr int16_t kMaxTirePressure = 200;
inline constexpr int16_t kMaxBattery = 100;

}  // namespace smartcar
