// StoredEvent: an event as the runtime keeps it in windows — a DriverEvent, or a row of a
// stream defined by INSERT INTO — plus the time its window orders it by.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "cep/value.h"
#include "core/events.h"

namespace smartcar::cep {

using Row = std::vector<Value>;

struct StoredEvent {
  DriverEvent driver;              // Valid when row == nullptr.
  std::shared_ptr<const Row> row;  // A derived stream's row, or nullptr.
  int64_t ts = 0;                  // Window time: processing or event time (ms).
};

// Field `index` of the event (DriverCarInfo field order, or the row's column).
Value GetField(const StoredEvent& e, int index);

// Hot-path readers that build no Value.
// Appends AppendKey(GetField(e, index)) to *key.
void AppendFieldKey(const StoredEvent& e, int index, std::string* key);
// Sets *out to an integer (or time) field's value; false for other types and nulls.
bool GetIntField(const StoredEvent& e, int index, int64_t* out);

}  // namespace smartcar::cep
