// Field access on stored events: a DriverEvent's fields by DriverCarInfo index, or a derived
// stream row's columns, plus the hot-path key and integer readers that build no Value.
#include "cep/stored_event.h"

#include "cep/event_type.h"

namespace smartcar::cep {

Value GetField(const StoredEvent& e, int index) {
  if (e.row) {
    if (index < 0 || static_cast<size_t>(index) >= e.row->size()) return Value();
    return (*e.row)[static_cast<size_t>(index)];
  }
  const DriverEvent& d = e.driver;
  switch (index) {
    case kFieldDate:
      return Value::Time(d.time.value);
    case kFieldCarNumber:
      return Value::String(d.car_number.view());
    case kFieldSpeedPedal:
      return Value::Int(d.speed_pedal);
    case kFieldBreakPedal:
      return Value::Int(d.break_pedal);
    case kFieldSteerAngle:
      return Value::String(SteerAngleName(d.steer_angle));
    case kFieldDirectLight:
      return Value::String(DirectLightName(d.direct_light));
    case kFieldSpeed:
      return Value::Int(d.speed);
    case kFieldAreaNumber:
      return Value::String(d.area_number.view());
    default:
      return Value();
  }
}

void AppendFieldKey(const StoredEvent& e, int index, std::string* key) {
  if (!e.row && (index == kFieldCarNumber || index == kFieldAreaNumber)) {
    // Same bytes as AppendKey() of the string value.
    key->push_back('\4');
    key->append(index == kFieldCarNumber ? e.driver.car_number.view()
                                         : e.driver.area_number.view());
    key->push_back('\0');
    return;
  }
  AppendKey(GetField(e, index), key);
}

bool GetIntField(const StoredEvent& e, int index, int64_t* out) {
  if (e.row) {
    if (index < 0 || static_cast<size_t>(index) >= e.row->size()) return false;
    const Value& v = (*e.row)[static_cast<size_t>(index)];
    if (v.type != Type::kInt && v.type != Type::kTime) return false;
    *out = v.i;
    return true;
  }
  const DriverEvent& d = e.driver;
  switch (index) {
    case kFieldDate:
      *out = d.time.value;
      return true;
    case kFieldSpeedPedal:
      *out = d.speed_pedal;
      return true;
    case kFieldBreakPedal:
      *out = d.break_pedal;
      return true;
    case kFieldSpeed:
      *out = d.speed;
      return true;
    default:
      return false;
  }
}

}  // namespace smartcar::cep
