// win:time_batch(period): processing-time tumbling batches. As in Esper, the first event after
// deployment sets the reference point; each batch is delivered when the virtual clock reaches
// its end, and an empty batch delivers nothing.
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
    current_ = FloorDiv(now - ref_, interval_);
    pending_ = true;
    sink->OnNew(*e, current_);
  }
  std::optional<int64_t> NextTimer() const override {
    if (!pending_) return std::nullopt;
    return ref_ + (current_ + 1) * interval_;
  }
  void OnTimer(int64_t now, WindowSink* sink) override {
    if (pending_ && now >= ref_ + (current_ + 1) * interval_) {
      pending_ = false;
      sink->OnBatchEnd(current_);
    }
  }
  void Flush(WindowSink* sink) override {
    if (!pending_) return;
    pending_ = false;
    sink->OnBatchEnd(current_);
  }
  size_t MemoryBytes() const override { return sizeof(*this); }

 private:
  int64_t interval_;
  bool has_ref_ = false;
  bool pending_ = false;
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
