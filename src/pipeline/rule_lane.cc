// RuleLane (one engine per log partition), its redelivery filter and the row → detection
// mapping shared by the CEP bolt and the backtest.
#include "pipeline/rule_lane.h"

#include <algorithm>

#include "core/event_time.h"

namespace smartcar::pipeline {

bool RecentEventTimes::SeenBefore(std::string_view car, int64_t time, int64_t horizon_ms) {
  std::vector<int64_t>& v = times_[std::string(car)];
  auto pos = v.end();
  while (pos != v.begin() && *(pos - 1) >= time) --pos;  // Mostly in order: from the back.
  if (pos != v.end() && *pos == time) return true;
  v.insert(pos, time);
  const int64_t floor = v.back() - horizon_ms;
  if (v.front() < floor) v.erase(v.begin(), std::lower_bound(v.begin(), v.end(), floor));
  return false;
}

RuleLane::RuleLane(cep::Listener listener) {
  cep::EngineOptions options;
  options.event_time_from_events = false;  // The lane tells it (AdvanceEventTime).
  engine_ = std::make_unique<cep::Engine>(options, std::move(listener));
}

bool RuleLane::Offer(const DriverEvent& e, int64_t hold_ms) {
  if (recent_.SeenBefore(e.car_number.view(), e.time.value, hold_ms)) return false;
  engine_->Send(e);
  Observe(e.time.value);
  return true;
}

void RuleLane::Observe(int64_t time) {
  if (time <= event_time_) return;
  event_time_ = time;
  engine_->AdvanceEventTime(EventTimeMs{time});
}

void RuleLane::Restore(int64_t closed_through) {
  event_time_ = restored_ = closed_through;
  engine_->AdvanceEventTime(EventTimeMs{closed_through});
}

void RuleLane::Finish() { engine_->AdvanceWatermark(EventTimeMs{INT64_MAX / 4}); }

namespace {

const cep::Value* AnyColumn(const cep::OutputEvent& ev,
                            std::initializer_list<std::string_view> names) {
  for (auto n : names) {
    if (const cep::Value* v = ev.Column(n); v != nullptr && !v->is_null()) return v;
  }
  return nullptr;
}

}  // namespace

std::optional<hot::Detection> DetectionOf(const cep::OutputEvent& ev) {
  hot::Detection d;
  d.rule = std::string(ev.statement);
  const cep::Value* car = AnyColumn(ev, {"carNumber", "car_number"});
  if (car == nullptr || car->type != cep::Type::kString) return std::nullopt;
  d.car = car->s;
  const cep::Value* last = AnyColumn(ev, {"date"});
  const cep::Value* start = AnyColumn(ev, {"windowStart", "window_start"});
  const cep::Value* end = AnyColumn(ev, {"windowEnd", "window_end"});
  const cep::Value* avg = AnyColumn(ev, {"avgSpeed", "avg_speed"});
  const cep::Value* count = AnyColumn(ev, {"eventCount", "event_count"});
  d.window_end_ms = end && cep::IsNumeric(end->type)
                        ? end->i
                        : (last && cep::IsNumeric(last->type) ? last->i : 0);
  d.window_start_ms = start && cep::IsNumeric(start->type) ? start->i : d.window_end_ms;
  d.avg_speed = avg && cep::IsNumeric(avg->type) ? avg->AsDouble() : 0;
  d.event_count =
      count && cep::IsNumeric(count->type) ? static_cast<int64_t>(count->AsDouble()) : 0;
  if (const cep::Value* area = AnyColumn(ev, {"areaNumber", "area_number"});
      area != nullptr && area->type == cep::Type::kString) {
    d.area = area->s;
  }
  d.date = FormatDate8(EventTimeMs{d.window_start_ms});
  return d;
}

}  // namespace smartcar::pipeline
