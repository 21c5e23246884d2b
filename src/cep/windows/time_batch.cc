// win:time_batch(period): processing-time tumbling batches. As in Esper (TimeBatchView), the
// first event after deployment sets the reference point and each batch is delivered when the
// virtual clock reaches its end. The first interval after a non-empty batch is delivered even
// when it stays empty (Esper posts the previous batch as its remove stream, so a fully
// aggregated statement reports its emptied aggregates once); later empty intervals deliver
// nothing and arm no timer, and the next event continues on the same grid.
#include "cep/windows/makers.h"

namespace smartcar::cep {

namespace {

class TimeBatchWindow final : public Window {
 public:
  explicit TimeBatchWindow(int64_t interval) : interval_(interval) {}

  void Insert(StoredEvent* e, int64_t now, WindowSink* sink) override {
    if (!has_ref_) {
      ref_ = now;
      has_ref_ = true;
    }
    e->ts = now;
    const int64_t batch = FloorDiv(now - ref_, interval_);
    if (empty_next_ && batch > current_ + 1) sink->OnBatchEnd(current_ + 1);  // its timer was missed
    empty_next_ = false;
    current_ = batch;
    pending_ = true;
    sink->OnNew(*e, current_);
  }
  std::optional<int64_t> NextTimer() const override {
    if (pending_) return ref_ + (current_ + 1) * interval_;
    if (empty_next_) return ref_ + (current_ + 2) * interval_;
    return std::nullopt;
  }
  void OnTimer(int64_t now, WindowSink* sink) override {
    if (pending_ && now >= ref_ + (current_ + 1) * interval_) {
      pending_ = false;
      empty_next_ = true;
      sink->OnBatchEnd(current_);
    } else if (empty_next_ && now >= ref_ + (current_ + 2) * interval_) {
      empty_next_ = false;
      sink->OnBatchEnd(current_ + 1);
    }
  }
  void Flush(WindowSink* sink) override {
    empty_next_ = false;
    if (!pending_) return;
    pending_ = false;
    sink->OnBatchEnd(current_);
  }
  size_t MemoryBytes() const override { return sizeof(*this); }

 private:
  int64_t interval_;
  bool has_ref_ = false;
  bool pending_ = false;     // batch current_ has events
  bool empty_next_ = false;  // batch current_ was released; current_ + 1 has none yet
  int64_t ref_ = 0;
  int64_t current_ = 0;
};

class TimeBatchFactory final : public WindowFactory {
 public:
  explicit TimeBatchFactory(int64_t interval) : interval_(interval) {}
  std::unique_ptr<Window> Create(const WindowContext&) const override {
    return std::make_unique<TimeBatchWindow>(interval_);
  }
  bool batch() const override { return true; }

 private:
  int64_t interval_;
};

}  // namespace

Result<std::shared_ptr<const WindowFactory>> MakeTimeBatch(const ast::View& view,
                                                           const EventType&) {
  Result<int64_t> interval = PeriodParam(view, 0);
  if (!interval) return Err(interval.error());
  return std::make_shared<TimeBatchFactory>(*interval);
}

}  // namespace smartcar::cep
