// StableHash (FNV-1a over a type tag and the value's bytes; a DriverEvent hashes as its car
// number), ValueToString, and the field lookups of Fields and Tuple.
#include "topology/tuple.h"

#include <cstring>
#include <type_traits>

namespace smartcar::topology {
namespace {

uint64_t Fnv(uint64_t h, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

const std::string& EmptyString() {
  static const std::string empty;
  return empty;
}

}  // namespace

uint64_t StableHash(const Value& v, uint64_t seed) {
  const unsigned char tag = static_cast<unsigned char>(v.index());
  uint64_t h = Fnv(seed, &tag, 1);
  return std::visit(
      [h](const auto& x) -> uint64_t {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return h;
        } else if constexpr (std::is_same_v<T, int64_t>) {
          unsigned char b[8];
          for (int i = 0; i < 8; ++i)
            b[i] = static_cast<unsigned char>(static_cast<uint64_t>(x) >> (8 * i));
          return Fnv(h, b, 8);
        } else if constexpr (std::is_same_v<T, double>) {
          uint64_t bits;
          std::memcpy(&bits, &x, sizeof bits);
          unsigned char b[8];
          for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(bits >> (8 * i));
          return Fnv(h, b, 8);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return Fnv(h, x.data(), x.size());
        } else {
          const std::string_view key = x.Key();
          return Fnv(h, key.data(), key.size());
        }
      },
      v);
}

std::string ValueToString(const Value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "null";
        } else if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, double>) {
          return std::to_string(x);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return x;
        } else {
          return x.DebugString();
        }
      },
      v);
}

std::optional<size_t> Fields::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < names_->size(); ++i) {
    if ((*names_)[i] == name) return i;
  }
  return std::nullopt;
}

std::string Fields::ToString() const {
  std::string out = "[";
  for (size_t i = 0; i < names_->size(); ++i) {
    if (i) out += ", ";
    out += (*names_)[i];
  }
  return out + "]";
}

const Value* Tuple::Find(std::string_view name) const {
  if (!schema_) return nullptr;
  auto i = schema_->fields.IndexOf(name);
  if (!i || *i >= values_.size()) return nullptr;
  return &values_[*i];
}

const std::string& Tuple::source_component() const {
  return schema_ ? schema_->component : EmptyString();
}
const std::string& Tuple::source_stream() const {
  return schema_ ? schema_->stream : EmptyString();
}

}  // namespace smartcar::topology
