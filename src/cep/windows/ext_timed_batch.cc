// win:ext_timed_batch(field, period[, reference]): event-time tumbling batches.
//
// As in Esper (ExternallyTimedBatchView), batches are cut on a grid anchored at the reference
// point, or at the first event's timestamp when there is none; the grid stays anchored after
// an idle gap. A reference point of 0 (the epoch) makes every partition and every replay cut the
// same batches, which is what the pipeline's rule uses. A batch is delivered when the
// watermark (max event time − allowed lateness, or an explicit watermark) reaches its end.
//
// An event older than the open batch joins it, as in Esper, whose window is a collection in
// arrival order — unless the statement has opted into lateness (`@AllowedLateness`, an engine
// lateness, or event time from the caller): then it is late, reported and never aggregated.
#include <algorithm>
#include <limits>
#include <optional>
#include <vector>

#include "cep/windows/makers.h"

namespace smartcar::cep {

namespace {

class ExtTimedBatchWindow final : public Window {
 public:
  ExtTimedBatchWindow(int field, int64_t interval, std::optional<int64_t> ref,
                      const WindowContext& ctx)
      : field_(field),
        interval_(interval),
        ref_(ref.value_or(0)),
        have_ref_(ref.has_value()),
        lateness_(ctx.allowed_lateness_ms),
        from_events_(ctx.event_time_from_events),
        esper_late_(ctx.allowed_lateness_ms == 0 && ctx.event_time_from_events) {}

  void Insert(StoredEvent* e, int64_t, WindowSink* sink) override {
    int64_t ts;
    if (!GetIntField(*e, field_, &ts) || ts > kMaxEventTimeMs || ts < -kMaxEventTimeMs) {
      sink->OnLate(*e);  // No usable timestamp: reported, never dropped silently.
      return;
    }
    if (!have_ref_) {
      ref_ = ts;  // Esper: the first event's timestamp anchors the grid.
      have_ref_ = true;
    }
    if (from_events_ && ts > max_ts_) {
      max_ts_ = ts;
      Advance(ts - lateness_, sink);
    }
    int64_t k = FloorDiv(ts - ref_, interval_);
    if (End(k) <= watermark_) {
      if (!esper_late_ || open_.empty()) {
        sink->OnLate(*e);
        return;
      }
      k = open_.back();  // Esper: an older event joins the window being collected.
    }
    e->ts = ts;
    if (open_.empty() || open_.back() != k) {
      auto it = std::lower_bound(open_.begin(), open_.end(), k);
      if (it == open_.end() || *it != k) open_.insert(it, k);
    }
    sink->OnNew(*e, k);
  }
  void OnWatermark(int64_t wm, WindowSink* sink) override { Advance(wm, sink); }
  void OnEventTime(int64_t t, WindowSink* sink) override {
    if (t <= max_ts_) return;
    max_ts_ = t;
    Advance(t - lateness_, sink);
  }
  void Flush(WindowSink* sink) override {
    std::vector<int64_t> open;
    open.swap(open_);
    for (int64_t k : open) sink->OnBatchEnd(k);
  }
  size_t MemoryBytes() const override { return sizeof(*this) + open_.capacity() * sizeof(int64_t); }

 private:
  int64_t End(int64_t k) const { return ref_ + (k + 1) * interval_; }
  void Advance(int64_t wm, WindowSink* sink) {
    if (wm <= watermark_) return;
    watermark_ = wm;
    size_t closed = 0;
    while (closed < open_.size() && End(open_[closed]) <= watermark_) {
      sink->OnBatchEnd(open_[closed]);
      ++closed;
    }
    open_.erase(open_.begin(), open_.begin() + static_cast<std::ptrdiff_t>(closed));
  }

  int field_;
  int64_t interval_;
  int64_t ref_;
  bool have_ref_;
  int64_t lateness_;
  bool from_events_;
  bool esper_late_;
  int64_t max_ts_ = std::numeric_limits<int64_t>::min();
  int64_t watermark_ = std::numeric_limits<int64_t>::min();
  std::vector<int64_t> open_;  // Batches with events, ascending.
};

class ExtTimedBatchFactory final : public WindowFactory {
 public:
  ExtTimedBatchFactory(int field, int64_t interval, std::optional<int64_t> ref)
      : field_(field), interval_(interval), ref_(ref) {}
  std::unique_ptr<Window> Create(const WindowContext& ctx) const override {
    return std::make_unique<ExtTimedBatchWindow>(field_, interval_, ref_, ctx);
  }
  bool batch() const override { return true; }

 private:
  int field_;
  int64_t interval_;
  std::optional<int64_t> ref_;
};

}  // namespace

Result<std::shared_ptr<const WindowFactory>> MakeExtTimedBatch(const ast::View& view,
                                                               const EventType& type) {
  Result<int> field = TimestampFieldParam(view, 0, type);
  if (!field) return Err(field.error());
  Result<int64_t> interval = PeriodParam(view, 1);
  if (!interval) return Err(interval.error());
  std::optional<int64_t> ref;
  if (view.params.size() == 3) {
    const ast::Expr& r = *view.params[2];
    if (r.kind != ast::ExprKind::kLiteral || r.value.type != Type::kInt) {
      return Err(Status::InvalidArgument("line " + std::to_string(r.pos.line) + " column " +
                                         std::to_string(r.pos.column) + ": " + view.Spelling() +
                                         " parameter 3 must be a reference point in epoch msec"));
    }
    ref = r.value.i;
  }
  return std::make_shared<ExtTimedBatchFactory>(*field, *interval, ref);
}

}  // namespace smartcar::cep
