#include "hot/detection.h"

#include <cmath>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

namespace smartcar::hot {

std::string DetectionToJson(const Detection& d) {
  nlohmann::ordered_json j;
  j["date"] = d.date;
  j["car"] = d.car;
  j["window_start_ms"] = d.window_start_ms;
  j["window_end_ms"] = d.window_end_ms;
  j["avg_speed"] = d.avg_speed;
  j["event_count"] = d.event_count;
  j["rule"] = d.rule;
  // Invalid UTF-8 in a car number or rule name is replaced, never thrown.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

#define HOT_RETURN_ERR(expr)                   \
  do {                                         \
    ::smartcar::Status _st = (expr);           \
    if (!_st.ok()) return Err(std::move(_st)); \
  } while (0)

template <class T>
Status Field(const nlohmann::json& j, const char* name, T* out) {
  auto it = j.find(name);
  if (it == j.end())
    return Status::InvalidArgument(std::string("detection: missing field '") + name + "'");
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) {
      return Status::InvalidArgument(std::string("detection: field '") + name +
                                     "' is not a string");
    }
    *out = it->template get<std::string>();
  } else if constexpr (std::is_same_v<T, double>) {
    if (!it->is_number()) {
      return Status::InvalidArgument(std::string("detection: field '") + name +
                                     "' is not a number");
    }
    *out = it->template get<double>();
    if (!std::isfinite(*out)) {
      return Status::InvalidArgument(std::string("detection: field '") + name +
                                     "' is not a finite number");
    }
  } else {
    if (!it->is_number_integer()) {
      return Status::InvalidArgument(std::string("detection: field '") + name +
                                     "' is not an integer");
    }
    *out = it->template get<int64_t>();
  }
  return Status::OK();
}

}  // namespace

Result<Detection> DetectionFromJson(std::string_view json) {
  // nlohmann throws; this is the one function that wraps it.
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json.begin(), json.end());
  } catch (const nlohmann::json::exception& e) {
    return Err(Status::InvalidArgument(std::string("detection: ") + e.what()));
  }
  if (!j.is_object()) return Err(Status::InvalidArgument("detection: not a JSON object"));
  Detection d;
  HOT_RETURN_ERR(Field(j, "date", &d.date));
  HOT_RETURN_ERR(Field(j, "car", &d.car));
  HOT_RETURN_ERR(Field(j, "window_start_ms", &d.window_start_ms));
  HOT_RETURN_ERR(Field(j, "window_end_ms", &d.window_end_ms));
  HOT_RETURN_ERR(Field(j, "avg_speed", &d.avg_speed));
  HOT_RETURN_ERR(Field(j, "event_count", &d.event_count));
  HOT_RETURN_ERR(Field(j, "rule", &d.rule));
  return d;
}

std::string DetectionKey(std::string_view date, std::string_view car) {
  std::string k;
  k.reserve(date.size() + 1 + car.size());
  k.append(date).push_back(':');
  k.append(car);
  return k;
}

void AddDetection(const Detection& d, HotWriteBatch* batch) {
  batch->SetAdd(d.date, d.car);
  batch->Put(DetectionKey(d.date, d.car), DetectionToJson(d));
}

}  // namespace smartcar::hot
