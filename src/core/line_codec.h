// Line codecs for the pilot's two log formats (SPEC §2, docs/FORMATS.md).
//
// Parsers are strict: exact field count, integers in range, enumerations from their domain, and
// a valid 14-digit timestamp. A header line (the pilot's, or our canonical one) is recognised and
// reported as LineKind::kHeader, not as an error. Parsers work on the line without its newline
// (a trailing '\r' is tolerated) and never allocate on success. Error messages name the field and
// the reason: "field 7 (speed): 'x9' is not an integer"; callers that know the line number add it
// with AtLine().
#pragma once

#include <string>
#include <string_view>

#include "core/events.h"
#include "core/status.h"

namespace smartcar {

enum class LineKind { kRecord, kHeader };

// The header lines the pilot's simulators write (sic).
inline constexpr std::string_view kPilotDriverHeader =
    "Driver Status Infomation,CarNum,AccStep,BrkStep,WheelStep,DirLightStep,Speed,AreaNum";
inline constexpr std::string_view kPilotStatusHeader =
    "SmartCar Status Information,CarNum,TireFL,TireFR,TireBL,TireBR,LightFL,LightFR,LightBL,"
    "LightBR,EngineInfo,BreakInfo,BatteryInfo";
// Our canonical headers: SPEC §2's field names.
inline constexpr std::string_view kDriverHeader =
    "date,car_number,speed_pedal,break_pedal,steer_angle,direct_light,speed,area_number";
inline constexpr std::string_view kStatusHeader =
    "reg_date,car_number,tire_fl,tire_fr,tire_bl,tire_br,light_fl,light_fr,light_bl,light_br,"
    "engine,break,battery";

// Field names in order, 1-based field i is kDriverFieldNames[i - 1].
extern const std::string_view kDriverFieldNames[kDriverFieldCount];
extern const std::string_view kStatusFieldNames[kStatusFieldCount];

// Parses one driving-log line into *out. Returns kHeader for a header line (*out untouched),
// kRecord on success, InvalidArgument naming the field and reason otherwise.
Result<LineKind> ParseDriverLine(std::string_view line, DriverEvent* out);

// Parses one status-log line into *out; same contract as ParseDriverLine.
Result<LineKind> ParseStatusLine(std::string_view line, StatusEvent* out);

// Appends the line for `e` (no newline) to *out, in the pilot's exact format.
void AppendDriverLine(const DriverEvent& e, std::string* out);
void AppendStatusLine(const StatusEvent& e, std::string* out);
std::string FormatDriverLine(const DriverEvent& e);
std::string FormatStatusLine(const StatusEvent& e);

// "line N, <message>": the status with its line number in front.
Status AtLine(const Status& s, uint64_t line_number);

// Validates a car number (`letter + 4 digits`) and copies it into *out.
Status ParseCarNumber(std::string_view text, CarNumber* out);

}  // namespace smartcar
