// win:keepall() (also a stream with no view: everything since deployment), std:unique(field)
// (the last event per field value) and std:lastevent() (the last event).
#include <optional>
#include <string>
#include <unordered_map>

#include "cep/windows/makers.h"

namespace smartcar::cep {

namespace {

class KeepAllWindow final : public Window {
 public:
  void Insert(StoredEvent* e, int64_t now, WindowSink* sink) override {
    // Nothing ever leaves, so nothing needs to be kept: aggregates hold the state.
    e->ts = now;
    sink->OnNew(*e, 0);
  }
  size_t MemoryBytes() const override { return sizeof(*this); }
};

class UniqueWindow final : public Window {
 public:
  explicit UniqueWindow(int field) : field_(field) {}
  void Insert(StoredEvent* e, int64_t now, WindowSink* sink) override {
    e->ts = now;
    key_.clear();
    AppendKey(GetField(*e, field_), &key_);
    auto [it, inserted] = events_.try_emplace(key_, *e);
    if (inserted) {
      sink->OnNew(it->second, 0);
      return;
    }
    StoredEvent old = std::move(it->second);
    it->second = *e;
    sink->OnNew(it->second, 0);
    sink->OnOld(old);
  }
  size_t MemoryBytes() const override {
    return sizeof(*this) + events_.size() * (sizeof(StoredEvent) + 32 + 16);
  }

 private:
  int field_;
  std::string key_;
  std::unordered_map<std::string, StoredEvent> events_;
};

class LastEventWindow final : public Window {
 public:
  void Insert(StoredEvent* e, int64_t now, WindowSink* sink) override {
    e->ts = now;
    std::optional<StoredEvent> old = std::move(last_);
    last_ = *e;
    sink->OnNew(*last_, 0);
    if (old) sink->OnOld(*old);
  }
  size_t MemoryBytes() const override { return sizeof(*this); }

 private:
  std::optional<StoredEvent> last_;
};

class SimpleFactory final : public WindowFactory {
 public:
  enum class Kind { kKeepAll, kUnique, kLastEvent };
  SimpleFactory(Kind kind, int field) : kind_(kind), field_(field) {}
  std::unique_ptr<Window> Create(const WindowContext&) const override {
    switch (kind_) {
      case Kind::kUnique:
        return std::make_unique<UniqueWindow>(field_);
      case Kind::kLastEvent:
        return std::make_unique<LastEventWindow>();
      case Kind::kKeepAll:
        break;
    }
    return std::make_unique<KeepAllWindow>();
  }
  bool batch() const override { return false; }

 private:
  Kind kind_;
  int field_;
};

}  // namespace

std::shared_ptr<const WindowFactory> KeepAllFactory() {
  static const auto f = std::make_shared<SimpleFactory>(SimpleFactory::Kind::kKeepAll, -1);
  return f;
}

Result<std::shared_ptr<const WindowFactory>> MakeKeepAll(const ast::View&, const EventType&) {
  return KeepAllFactory();
}

Result<std::shared_ptr<const WindowFactory>> MakeUnique(const ast::View& view,
                                                        const EventType& type) {
  Result<int> field = FieldParam(view, 0, type);
  if (!field) return Err(field.error());
  return std::make_shared<SimpleFactory>(SimpleFactory::Kind::kUnique, *field);
}

Result<std::shared_ptr<const WindowFactory>> MakeLastEvent(const ast::View&, const EventType&) {
  return std::make_shared<SimpleFactory>(SimpleFactory::Kind::kLastEvent, -1);
}

}  // namespace smartcar::cep
