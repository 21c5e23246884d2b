// A detection as the hot store keeps it: the per-car latest detection under `<date>:<car>`,
// written as one JSON object (readable by any Redis client), and the car added to set `<date>`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "hot/hot_store.h"

namespace smartcar::hot {

struct Detection {
  std::string date;             // yyyyMMdd of the window start: the set key.
  std::string car;              // Car number: the set member.
  int64_t window_start_ms = 0;  // Event time, ms since the epoch (UTC).
  int64_t window_end_ms = 0;
  double avg_speed = 0;  // km/h
  int64_t event_count = 0;
  std::string rule;  // Rule name, e.g. "overspeed".
  // The car's area in the window's last event ("F06"), when the rule selects it (the shipped
  // rule's `last(areaNumber) AS areaNumber`); "" otherwise.
  std::string area;
};

// {"date":"20220426","car":"O0010","window_start_ms":...,"window_end_ms":...,
//  "avg_speed":93.5,"event_count":30,"rule":"overspeed","area":"F06"} ("area" only when known)
std::string DetectionToJson(const Detection& d);
// Parses DetectionToJson()'s output. InvalidArgument naming the field (or the JSON error's
// byte offset) when `json` is not such an object ("area" may be absent). Unknown fields are
// ignored.
Result<Detection> DetectionFromJson(std::string_view json);

// `s` as a JSON string literal (quoted, escaped; invalid UTF-8 bytes become U+FFFD).
std::string JsonQuote(std::string_view s);

// The value key of a detection: "<date>:<car>".
std::string DetectionKey(std::string_view date, std::string_view car);

// The day's detections as `smartcar overspeed DATE --details` shows them: for each of `cars`
// (members of set `date`), its latest detection's JSON object; a car with only the set member
// (written by the pilot's topology) or a value that is not a JSON object gets
// {"date":"...","car":"..."}. Errors of the store.
Result<std::vector<std::string>> DetectionDetails(HotStore& store, std::string_view date,
                                                  const std::vector<std::string>& cars);

// Adds `d` to `batch`: SetAdd(date, car) and Put(date:car, json).
void AddDetection(const Detection& d, HotWriteBatch* batch);

}  // namespace smartcar::hot
