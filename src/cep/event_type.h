// Event types the rules can select from: the built-in DriverCarInfo (the pilot's driving log
// record) and the streams that INSERT INTO statements define.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cep/value.h"

namespace smartcar::cep {

struct FieldDef {
  std::string name;      // Canonical name: SPEC §2 for DriverCarInfo, the column for streams.
  std::string alt_name;  // The pilot bean's camelCase spelling, or empty.
  Type type = Type::kNull;
};

struct EventType {
  std::string name;
  std::vector<std::string> aliases;  // Other names accepted in FROM.
  std::vector<FieldDef> fields;
  bool is_driver = false;  // Events are DriverEvents, fields read by index (see stored_event.h).

  // Index of the field called `name` in either spelling, or -1.
  int FindField(std::string_view name) const;
  // The closest field name (edit distance ≤ 2, or same letters ignoring case and '_'), or "".
  std::string Suggest(std::string_view name) const;
  bool HasName(std::string_view n) const;
};

// True if both types have the same field names and types in the same order.
bool SameSchema(const EventType& a, const EventType& b);

// DriverCarInfo (alias DriverCarInfoBean): date, car_number, speed_pedal, break_pedal,
// steer_angle, direct_light, speed, area_number, also spelled carNumber, speedPedal, ...
std::shared_ptr<const EventType> DriverCarInfoType();

// Field indexes of DriverCarInfo.
enum DriverField : int {
  kFieldDate = 0,
  kFieldCarNumber,
  kFieldSpeedPedal,
  kFieldBreakPedal,
  kFieldSteerAngle,
  kFieldDirectLight,
  kFieldSpeed,
  kFieldAreaNumber,
};

}  // namespace smartcar::cep

namespace smartcar::cep {
// Levenshtein distance (for "did you mean" hints).
size_t EditDistance(std::string_view a, std::string_view b);
}  // namespace smartcar::cep
