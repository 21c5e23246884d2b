// Detection <-> JSON: a hand-written writer for the write path (invalid UTF-8 becomes U+FFFD) and
// an nlohmann-based reader; the `<date>:<car>` value key and AddDetection.
#include "hot/detection.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/decimal.h"
#include "core/json_integer.h"

namespace smartcar::hot {

namespace {

// Appends `s` as a JSON string: quotes, escapes, and U+FFFD for each byte of invalid UTF-8
// (what nlohmann's error_handler_t::replace does), so the output always parses.
void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '"' || c == '\\') {
        out->push_back('\\');
        out->push_back(static_cast<char>(c));
      } else if (c < 0x20) {
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xf]);
      } else {
        out->push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    // Length and minimum code point of a UTF-8 sequence starting with c.
    size_t len = 0;
    uint32_t cp = 0, min = 0;
    if ((c & 0xe0) == 0xc0) {
      len = 2, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    }
    bool valid = len != 0 && i + len <= s.size();
    for (size_t k = 1; valid && k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) valid = false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    valid = valid && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
    if (valid) {
      out->append(s.substr(i, len));
      i += len;
    } else {
      out->append("\xEF\xBF\xBD");
      ++i;
    }
  }
  out->push_back('"');
}

void AppendDouble(double v, std::string* out) {
  if (!std::isfinite(v)) {
    out->append("null");
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);  // Shortest form that reads back exactly.
  out->append(buf, r.ptr);
}

}  // namespace

std::string JsonQuote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  AppendJsonString(s, &out);
  return out;
}

// Hand-written (not nlohmann) because it runs once per detection on the write path.
std::string DetectionToJson(const Detection& d) {
  std::string j;
  j.reserve(160 + d.car.size() + d.rule.size());
  j.append("{\"date\":");
  AppendJsonString(d.date, &j);
  j.append(",\"car\":");
  AppendJsonString(d.car, &j);
  j.append(",\"window_start_ms\":");
  AppendDecimal(d.window_start_ms, &j);
  j.append(",\"window_end_ms\":");
  AppendDecimal(d.window_end_ms, &j);
  j.append(",\"avg_speed\":");
  AppendDouble(d.avg_speed, &j);
  j.append(",\"event_count\":");
  AppendDecimal(d.event_count, &j);
  j.append(",\"rule\":");
  AppendJsonString(d.rule, &j);
  if (!d.area.empty()) {
    j.append(",\"area\":");
    AppendJsonString(d.area, &j);
  }
  j.push_back('}');
  return j;
}

namespace {

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
    const auto v = JsonInteger<int64_t>(*it);
    if (!v) {
      return Status::InvalidArgument(std::string("detection: field '") + name +
                                     "' is not an integer in range");
    }
    *out = *v;
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
  SMARTCAR_RETURN_IF_ERROR(Field(j, "date", &d.date));
  SMARTCAR_RETURN_IF_ERROR(Field(j, "car", &d.car));
  SMARTCAR_RETURN_IF_ERROR(Field(j, "window_start_ms", &d.window_start_ms));
  SMARTCAR_RETURN_IF_ERROR(Field(j, "window_end_ms", &d.window_end_ms));
  SMARTCAR_RETURN_IF_ERROR(Field(j, "avg_speed", &d.avg_speed));
  SMARTCAR_RETURN_IF_ERROR(Field(j, "event_count", &d.event_count));
  SMARTCAR_RETURN_IF_ERROR(Field(j, "rule", &d.rule));
  if (j.contains("area")) SMARTCAR_RETURN_IF_ERROR(Field(j, "area", &d.area));
  return d;
}

Result<std::vector<std::string>> DetectionDetails(HotStore& store, std::string_view date,
                                                  const std::vector<std::string>& cars) {
  std::vector<std::string> out;
  out.reserve(cars.size());
  for (const std::string& car : cars) {
    auto v = store.Get(DetectionKey(date, car));
    if (!v) return Err(v.error());
    const std::string_view text = v->has_value() ? std::string_view(**v) : std::string_view();
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text[first] == '{' &&
        nlohmann::json::accept(text.begin(), text.end())) {
      out.emplace_back(text);
    } else {
      out.push_back("{\"date\":" + JsonQuote(date) + ",\"car\":" + JsonQuote(car) + "}");
    }
  }
  return out;
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
