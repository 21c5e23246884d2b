// One maker per window file; registry.cc lists them.
#pragma once

#include "cep/windows/registry.h"

namespace smartcar::cep {

Result<std::shared_ptr<const WindowFactory>> MakeTimeBatch(const ast::View&, const EventType&);
Result<std::shared_ptr<const WindowFactory>> MakeExtTimedBatch(const ast::View&, const EventType&);
Result<std::shared_ptr<const WindowFactory>> MakeTime(const ast::View&, const EventType&);
Result<std::shared_ptr<const WindowFactory>> MakeExtTimed(const ast::View&, const EventType&);
Result<std::shared_ptr<const WindowFactory>> MakeLength(const ast::View&, const EventType&);
Result<std::shared_ptr<const WindowFactory>> MakeLengthBatch(const ast::View&, const EventType&);
Result<std::shared_ptr<const WindowFactory>> MakeKeepAll(const ast::View&, const EventType&);
Result<std::shared_ptr<const WindowFactory>> MakeUnique(const ast::View&, const EventType&);
Result<std::shared_ptr<const WindowFactory>> MakeLastEvent(const ast::View&, const EventType&);

// Event times beyond ±4e15 ms (about year 128,000) are treated as unusable (late), which keeps
// window arithmetic far from overflow whatever a derived stream's timestamp field holds.
inline constexpr int64_t kMaxEventTimeMs = 4'000'000'000'000'000;

// Floor division for batch numbers before the origin.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace smartcar::cep
