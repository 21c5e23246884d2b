// Tuples: the unit of data flowing between spouts and bolts (Storm's model).
//
// A Tuple is a vector of Values plus the schema of the stream it travels on (component, stream
// name, declared field names). Tuples are cheap to move; copying copies the values. The anchors a
// tuple carries (its spout roots) are runtime bookkeeping used for acking: ack or fail the same
// Tuple object you anchored emits to (or a copy taken after your last anchored emit).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <absl/container/inlined_vector.h>

namespace smartcar::topology {

// A typed value of a component's own type carried in a tuple field (a parsed event, a
// detection): immutable and shared, so copying a tuple (fan-out to several bolts) shares it
// instead of copying it. The runtime knows nothing of the type; a component reads it back with
// As<T>() (null when the object holds another type).
//
// Hooks, found by argument-dependent lookup in T's namespace, both optional:
//   std::string_view TupleKey(const T&)          what StableHash hashes (fields grouping);
//                                                 without it every T hashes alike
//   std::string TupleDebugString(const T&)       what ValueToString prints ("T" otherwise)
class Object {
 public:
  Object() = default;

  template <class T>
  static Object Make(T value) {
    Object o;
    o.holder_ = std::make_shared<const Holder<std::decay_t<T>>>(std::move(value));
    return o;
  }

  // The held T, or nullptr (also when empty).
  template <class T>
  const T* As() const {
    if (holder_ == nullptr || holder_->type != TypeTag<T>()) return nullptr;
    return &static_cast<const Holder<T>*>(holder_.get())->value;
  }

  bool empty() const { return holder_ == nullptr; }
  // The TupleKey hook's key; "" when T has none or the object is empty.
  std::string_view Key() const { return holder_ ? holder_->Key() : std::string_view(); }
  std::string DebugString() const { return holder_ ? holder_->DebugString() : "null"; }

 private:
  using TypeId = const void*;
  template <class T>
  static TypeId TypeTag() {
    static const char tag = 0;
    return &tag;
  }

  struct Base {
    explicit Base(TypeId t) : type(t) {}
    virtual ~Base() = default;
    virtual std::string_view Key() const = 0;
    virtual std::string DebugString() const = 0;
    const TypeId type;
  };
  template <class T>
  struct Holder final : Base {
    explicit Holder(T v) : Base(TypeTag<T>()), value(std::move(v)) {}
    std::string_view Key() const override {
      if constexpr (requires(const T& t) { TupleKey(t); }) {
        return TupleKey(value);
      } else {
        return {};
      }
    }
    std::string DebugString() const override {
      if constexpr (requires(const T& t) { TupleDebugString(t); }) {
        return TupleDebugString(value);
      } else {
        return "object";
      }
    }
    T value;
  };

  std::shared_ptr<const Base> holder_;
};

// One field value. monostate is "null".
using Value = std::variant<std::monostate, int64_t, double, std::string, Object>;
using Values = std::vector<Value>;

// The stream a component emits on when none is named.
inline constexpr std::string_view kDefaultStream = "default";

// A spout's identifier for one emitted message (e.g. a log offset). Opaque to the runtime.
using MessageId = uint64_t;

// A stable 64-bit hash of a value (FNV-1a over a type tag and the bytes; an Object hashes as its
// TupleKey). The same value hashes the same on every run and platform.
uint64_t StableHash(const Value& v, uint64_t seed = 0xcbf29ce484222325ULL);
// "null", "42", "1.5", "abc", or an Object's TupleDebugString: for messages and tests.
std::string ValueToString(const Value& v);

// An immutable, shared list of field names.
class Fields {
 public:
  Fields() : names_(std::make_shared<const std::vector<std::string>>()) {}
  Fields(std::initializer_list<std::string> names)
      : names_(std::make_shared<const std::vector<std::string>>(names)) {}
  explicit Fields(std::vector<std::string> names)
      : names_(std::make_shared<const std::vector<std::string>>(std::move(names))) {}

  size_t size() const { return names_->size(); }
  const std::string& operator[](size_t i) const { return (*names_)[i]; }
  const std::vector<std::string>& names() const { return *names_; }
  // The position of `name`, or nullopt.
  std::optional<size_t> IndexOf(std::string_view name) const;
  // "[a, b, c]".
  std::string ToString() const;

 private:
  std::shared_ptr<const std::vector<std::string>> names_;
};

// Where a tuple comes from: shared by every tuple of one (component, stream).
struct StreamSchema {
  std::string component;
  std::string stream;
  Fields fields;
};

class Acker;
// One spout root a tuple descends from (runtime bookkeeping).
struct Anchor {
  uint64_t root = 0;
  uint64_t edge = 0;
  Acker* acker = nullptr;  // The root's spout task tracker; outlives every tuple in flight.
};

class Tuple {
 public:
  Tuple() = default;
  // `schema` belongs to the emitting task's stream and outlives every tuple of the topology (a
  // plain pointer: no shared count bounced between the threads a tuple crosses).
  Tuple(const std::shared_ptr<const StreamSchema>& schema, int source_task, Values values)
      : schema_(schema.get()), source_task_(source_task), values_(std::move(values)) {}

  size_t size() const { return values_.size(); }
  const Value& Get(size_t i) const { return values_[i]; }
  const Values& values() const { return values_; }
  // The value of field `name`, or nullptr when the stream has no such field.
  const Value* Find(std::string_view name) const;
  // The value of field `name` if it exists and holds a T (int64_t, double, std::string, or an
  // Object's type), else nullptr.
  template <class T>
  const T* GetAs(std::string_view name) const {
    const Value* v = Find(name);
    if (v == nullptr) return nullptr;
    if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, double> ||
                  std::is_same_v<T, std::string> || std::is_same_v<T, Object>) {
      return std::get_if<T>(v);
    } else {
      const Object* o = std::get_if<Object>(v);
      return o != nullptr ? o->As<T>() : nullptr;
    }
  }

  const std::string& source_component() const;
  const std::string& source_stream() const;
  int source_task() const { return source_task_; }
  const Fields* fields() const { return schema_ ? &schema_->fields : nullptr; }

  // A copy to ack or fail later, without the values (nothing of them is copied): what a bolt that
  // settles its inputs after a batch keeps. Take it after the emits anchored to this input.
  Tuple AckHandle() const {
    Tuple t;
    t.schema_ = schema_;
    t.source_task_ = source_task_;
    t.anchors_ = anchors_;
    t.out_xor_ = out_xor_;
    t.settled_ = settled_;
    return t;
  }

  // Runtime bookkeeping (used by collectors; not for components).
  // Usually one or two (a spout's root; a join's two), kept inside the tuple.
  using AnchorList = absl::InlinedVector<Anchor, 2>;
  const AnchorList& anchors() const { return anchors_; }
  template <class Range>
  void set_anchors(const Range& a) {
    anchors_.assign(std::begin(a), std::end(a));
  }
  void set_anchors(std::initializer_list<Anchor> a) { anchors_.assign(a.begin(), a.end()); }
  uint64_t out_xor() const { return out_xor_; }
  void add_out_xor(uint64_t e) const { out_xor_ ^= e; }
  bool settled() const { return settled_; }
  void set_settled() const { settled_ = true; }

 private:
  const StreamSchema* schema_ = nullptr;
  int source_task_ = -1;
  Values values_;
  AnchorList anchors_;
  mutable uint64_t out_xor_ = 0;  // XOR of edge ids of children anchored to this tuple.
  mutable bool settled_ = false;  // Acked or failed.
};

}  // namespace smartcar::topology
