// win:length(n): the last n events (sliding). win:length_batch(n): batches of n events.
#include <deque>

#include "cep/windows/makers.h"

namespace smartcar::cep {

namespace {

class LengthWindow final : public Window {
 public:
  explicit LengthWindow(int64_t n) : n_(static_cast<size_t>(n)) {}
  void Insert(StoredEvent* e, int64_t now, WindowSink* sink) override {
    e->ts = now;
    events_.push_back(*e);
    sink->OnNew(events_.back(), 0);
    if (events_.size() > n_) {
      sink->OnOld(events_.front());
      events_.pop_front();
    }
  }
  size_t MemoryBytes() const override {
    return sizeof(*this) + events_.size() * sizeof(StoredEvent);
  }

 private:
  size_t n_;
  std::deque<StoredEvent> events_;
};

class LengthBatchWindow final : public Window {
 public:
  explicit LengthBatchWindow(int64_t n) : n_(n) {}
  void Insert(StoredEvent* e, int64_t now, WindowSink* sink) override {
    e->ts = now;
    sink->OnNew(*e, batch_);
    if (++count_ == n_) {
      sink->OnBatchEnd(batch_);
      ++batch_;
      count_ = 0;
    }
  }
  void Flush(WindowSink* sink) override {
    if (count_ == 0) return;
    sink->OnBatchEnd(batch_);
    ++batch_;
    count_ = 0;
  }
  size_t MemoryBytes() const override { return sizeof(*this); }

 private:
  int64_t n_;
  int64_t count_ = 0;
  int64_t batch_ = 0;
};

class LengthFactory final : public WindowFactory {
 public:
  LengthFactory(int64_t n, bool batch) : n_(n), batch_(batch) {}
  std::unique_ptr<Window> Create(const WindowContext&) const override {
    if (batch_) return std::make_unique<LengthBatchWindow>(n_);
    return std::make_unique<LengthWindow>(n_);
  }
  bool batch() const override { return batch_; }

 private:
  int64_t n_;
  bool batch_;
};

}  // namespace

Result<std::shared_ptr<const WindowFactory>> MakeLength(const ast::View& view, const EventType&) {
  Result<int64_t> n = CountParam(view, 0);
  if (!n) return Err(n.error());
  return std::make_shared<LengthFactory>(*n, false);
}

Result<std::shared_ptr<const WindowFactory>> MakeLengthBatch(const ast::View& view,
                                                             const EventType&) {
  Result<int64_t> n = CountParam(view, 0);
  if (!n) return Err(n.error());
  return std::make_shared<LengthFactory>(*n, true);
}

}  // namespace smartcar::cep
