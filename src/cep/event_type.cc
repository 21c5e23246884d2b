// The DriverCarInfo event type (with the pilot bean's camelCase spellings), field lookup in
// either spelling, schema comparison, and the edit-distance "did you mean" field suggestions.
#include "cep/event_type.h"

#include <algorithm>
#include <cctype>

namespace smartcar::cep {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

namespace {

std::string Squash(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '_') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace

int EventType::FindField(std::string_view n) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == n || (!fields[i].alt_name.empty() && fields[i].alt_name == n)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

bool SameSchema(const EventType& a, const EventType& b) {
  if (&a == &b) return true;
  if (a.is_driver != b.is_driver || a.fields.size() != b.fields.size()) return false;
  for (size_t i = 0; i < a.fields.size(); ++i) {
    if (a.fields[i].name != b.fields[i].name || a.fields[i].type != b.fields[i].type) return false;
  }
  return true;
}

bool EventType::HasName(std::string_view n) const {
  return name == n || std::find(aliases.begin(), aliases.end(), n) != aliases.end();
}

std::string EventType::Suggest(std::string_view n) const {
  // Answer in the spelling the user writes: camelCase if the name has no '_' but has capitals.
  const bool camel =
      n.find('_') == std::string_view::npos && std::any_of(n.begin(), n.end(), [](char c) {
        return std::isupper(static_cast<unsigned char>(c));
      });
  std::string best;
  size_t best_d = 3;
  for (const FieldDef& f : fields) {
    const std::string& shown = camel && !f.alt_name.empty() ? f.alt_name : f.name;
    if (Squash(f.name) == Squash(n) || (!f.alt_name.empty() && Squash(f.alt_name) == Squash(n))) {
      return shown;
    }
    for (const std::string* cand : {&f.name, &f.alt_name}) {
      if (cand->empty()) continue;
      const size_t d = EditDistance(*cand, n);
      if (d < best_d) {
        best_d = d;
        best = shown;
      }
    }
  }
  return best;
}

std::shared_ptr<const EventType> DriverCarInfoType() {
  static const std::shared_ptr<const EventType> type = [] {
    auto t = std::make_shared<EventType>();
    t->name = "DriverCarInfo";
    t->aliases = {"DriverCarInfoBean"};
    t->is_driver = true;
    t->fields = {
        {"date", "", Type::kTime},
        {"car_number", "carNumber", Type::kString},
        {"speed_pedal", "speedPedal", Type::kInt},
        {"break_pedal", "breakPedal", Type::kInt},
        {"steer_angle", "steerAngle", Type::kString},
        {"direct_light", "directLight", Type::kString},
        {"speed", "", Type::kInt},
        {"area_number", "areaNumber", Type::kString},
    };
    return t;
  }();
  return type;
}

}  // namespace smartcar::cep
