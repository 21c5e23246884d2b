// Data windows (Esper's views): what a statement aggregates over.
//
// A WindowFactory is the checked form of `win:time_batch(30 sec)` (Esper's forge); it creates
// one Window (Esper's view) per deployed statement. A Window reports to its WindowSink which
// events enter (OnNew, with the batch they belong to), which leave (OnOld), when a batch is
// complete (OnBatchEnd) and which events arrived too late for event time (OnLate). Windows never
// read a clock: processing time comes in through Insert/OnTimer, event time from the events and
// OnWatermark. Not thread-safe; a window belongs to one statement instance.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "cep/stored_event.h"

namespace smartcar::cep {

struct WindowContext {
  // Event-time views: watermark = event time − allowed lateness.
  int64_t allowed_lateness_ms = 0;
  // True: event time is the newest event time inserted. False: it moves only through
  // OnEventTime (the caller merges several sources and knows how far all of them have come).
  bool event_time_from_events = true;
};

class WindowSink {
 public:
  virtual ~WindowSink() = default;
  virtual void OnNew(const StoredEvent& e, int64_t batch) = 0;
  virtual void OnOld(const StoredEvent& e) = 0;
  virtual void OnBatchEnd(int64_t batch) = 0;
  virtual void OnLate(const StoredEvent& e) = 0;
};

class Window {
 public:
  virtual ~Window() = default;
  // Adds an arriving event at processing time `now_ms`. Sets e->ts to the window's time.
  virtual void Insert(StoredEvent* e, int64_t now_ms, WindowSink* sink) = 0;
  // The processing time of the next timer this window needs, if any.
  virtual std::optional<int64_t> NextTimer() const { return std::nullopt; }
  // Fires timers due at `now_ms`.
  virtual void OnTimer(int64_t now_ms, WindowSink* sink) {
    (void)now_ms;
    (void)sink;
  }
  // Event time has advanced to `watermark_ms` (explicitly, not from an event).
  virtual void OnWatermark(int64_t watermark_ms, WindowSink* sink) {
    (void)watermark_ms;
    (void)sink;
  }
  // Every source has delivered its events up to `event_time_ms` (WindowContext::
  // event_time_from_events false): event-time views move their watermark to it − lateness.
  virtual void OnEventTime(int64_t event_time_ms, WindowSink* sink) {
    (void)event_time_ms;
    (void)sink;
  }
  // End of input: closes every open batch.
  virtual void Flush(WindowSink* sink) { (void)sink; }
  // Approximate bytes of state held.
  virtual size_t MemoryBytes() const = 0;
};

class WindowFactory {
 public:
  virtual ~WindowFactory() = default;
  virtual std::unique_ptr<Window> Create(const WindowContext& ctx) const = 0;
  // Batch windows deliver output at OnBatchEnd; others after each update.
  virtual bool batch() const = 0;
};

}  // namespace smartcar::cep
