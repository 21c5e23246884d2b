#include "cep/runtime/event.h"

#include "cep/event_type.h"

namespace smartcar::cep {

Value GetField(const StoredEvent& e, int index) {
  if (e.row) return (*e.row)[static_cast<size_t>(index)];
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

}  // namespace smartcar::cep
