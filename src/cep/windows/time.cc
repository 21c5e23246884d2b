// win:time(period) (processing time) and win:ext_timed(field, period) (event time): sliding
// windows. An event leaves when the clock (or the watermark) reaches its time + period.
#include <algorithm>
#include <deque>
#include <limits>

#include "cep/windows/makers.h"

namespace smartcar::cep {

namespace {

class TimeWindow final : public Window {
 public:
  explicit TimeWindow(int64_t interval) : interval_(interval) {}
  void Insert(StoredEvent* e, int64_t now, WindowSink* sink) override {
    e->ts = now;
    events_.push_back(*e);
    sink->OnNew(events_.back(), 0);
  }
  std::optional<int64_t> NextTimer() const override {
    if (events_.empty()) return std::nullopt;
    return events_.front().ts + interval_;
  }
  void OnTimer(int64_t now, WindowSink* sink) override {
    while (!events_.empty() && events_.front().ts + interval_ <= now) {
      sink->OnOld(events_.front());
      events_.pop_front();
    }
  }
  size_t MemoryBytes() const override {
    return sizeof(*this) + events_.size() * sizeof(StoredEvent);
  }

 private:
  int64_t interval_;
  std::deque<StoredEvent> events_;
};

class ExtTimedWindow final : public Window {
 public:
  ExtTimedWindow(int field, int64_t interval, const WindowContext& ctx)
      : field_(field),
        interval_(interval),
        lateness_(ctx.allowed_lateness_ms),
        from_events_(ctx.event_time_from_events) {}
  void Insert(StoredEvent* e, int64_t, WindowSink* sink) override {
    int64_t ts;
    if (!GetIntField(*e, field_, &ts) || ts > kMaxEventTimeMs || ts < -kMaxEventTimeMs) {
      sink->OnLate(*e);
      return;
    }
    e->ts = ts;
    if (from_events_ && e->ts > max_ts_) max_ts_ = e->ts;
    const int64_t wm = from_events_ ? std::max(watermark_, max_ts_ - lateness_) : watermark_;
    if (e->ts + interval_ <= wm) {
      sink->OnLate(*e);
      return;
    }
    auto it = std::upper_bound(events_.begin(), events_.end(), e->ts,
                               [](int64_t ts, const StoredEvent& x) { return ts < x.ts; });
    it = events_.insert(it, *e);
    sink->OnNew(*it, 0);
    Expire(wm, sink);
  }
  void OnWatermark(int64_t wm, WindowSink* sink) override { Expire(wm, sink); }
  void OnEventTime(int64_t t, WindowSink* sink) override {
    if (t <= max_ts_) return;
    max_ts_ = t;
    Expire(t - lateness_, sink);
  }
  size_t MemoryBytes() const override {
    return sizeof(*this) + events_.size() * sizeof(StoredEvent);
  }

 private:
  void Expire(int64_t wm, WindowSink* sink) {
    watermark_ = std::max(watermark_, wm);
    while (!events_.empty() && events_.front().ts + interval_ <= watermark_) {
      sink->OnOld(events_.front());
      events_.pop_front();
    }
  }
  int field_;
  int64_t interval_;
  int64_t lateness_;
  bool from_events_;
  int64_t max_ts_ = std::numeric_limits<int64_t>::min();
  int64_t watermark_ = std::numeric_limits<int64_t>::min();
  std::deque<StoredEvent> events_;  // ascending ts
};

class TimeFactory final : public WindowFactory {
 public:
  TimeFactory(int field, int64_t interval) : field_(field), interval_(interval) {}
  std::unique_ptr<Window> Create(const WindowContext& ctx) const override {
    if (field_ < 0) return std::make_unique<TimeWindow>(interval_);
    return std::make_unique<ExtTimedWindow>(field_, interval_, ctx);
  }
  bool batch() const override { return false; }

 private:
  int field_;
  int64_t interval_;
};

}  // namespace

Result<std::shared_ptr<const WindowFactory>> MakeTime(const ast::View& view, const EventType&) {
  Result<int64_t> interval = PeriodParam(view, 0);
  if (!interval) return Err(interval.error());
  return std::make_shared<TimeFactory>(-1, *interval);
}

Result<std::shared_ptr<const WindowFactory>> MakeExtTimed(const ast::View& view,
                                                          const EventType& type) {
  Result<int> field = TimestampFieldParam(view, 0, type);
  if (!field) return Err(field.error());
  Result<int64_t> interval = PeriodParam(view, 1);
  if (!interval) return Err(interval.error());
  return std::make_shared<TimeFactory>(*field, *interval);
}

}  // namespace smartcar::cep
