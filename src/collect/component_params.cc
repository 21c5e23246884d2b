// ComponentParams: typed reads of one component's keys (string, bounded integer, boolean, enum,
// subtree) that mark each key used, and the line-numbered errors and unknown-key warnings.
#include "collect/component_params.h"

#include <strings.h>
#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/ascii.h"

namespace smartcar::collect {

ComponentParams::ComponentParams(std::string prefix, std::map<std::string, PropertyValue> params,
                                 int type_line)
    : prefix_(std::move(prefix)), params_(std::move(params)), type_line_(type_line) {}

const PropertyValue* ComponentParams::Find(const std::string& key) {
  auto it = params_.find(key);
  if (it == params_.end()) return nullptr;
  used_.insert(key);
  return &it->second;
}

std::string ComponentParams::String(const std::string& key, const std::string& fallback) {
  const PropertyValue* v = Find(key);
  return v ? v->value : fallback;
}

Result<std::string> ComponentParams::RequiredString(const std::string& key) {
  const PropertyValue* v = Find(key);
  if (v == nullptr || v->value.empty()) {
    return Err(Status::InvalidArgument("line " + std::to_string(type_line_) + ": " + prefix_ + "." +
                                       key + " is required"));
  }
  return v->value;
}

Result<int64_t> ComponentParams::Int(const std::string& key, int64_t fallback, int64_t min,
                                     int64_t max) {
  const PropertyValue* v = Find(key);
  if (v == nullptr) return fallback;
  int64_t out = 0;
  const char* b = v->value.data();
  const char* e = b + v->value.size();
  auto [p, ec] = std::from_chars(b, e, out);
  if (ec != std::errc() || p != e) return Err(Error(key, "'" + v->value + "' is not an integer"));
  if (out < min || out > max) {
    return Err(Error(key, "'" + v->value + "' is out of range [" + std::to_string(min) + ", " +
                              std::to_string(max) + "]"));
  }
  return out;
}

Result<bool> ComponentParams::Bool(const std::string& key, bool fallback) {
  const PropertyValue* v = Find(key);
  if (v == nullptr) return fallback;
  const std::string s = AsciiLower(v->value);
  if (s == "true") return true;
  if (s == "false") return false;
  return Err(Error(key, "'" + v->value + "' is not true or false"));
}

Result<std::string> ComponentParams::Enum(const std::string& key, const std::string& fallback,
                                          std::initializer_list<const char*> allowed) {
  const PropertyValue* v = Find(key);
  if (v == nullptr) return fallback;
  std::string names;
  for (const char* a : allowed) {
    if (strcasecmp(a, v->value.c_str()) == 0) return std::string(a);
    if (!names.empty()) names += ", ";
    names += a;
  }
  return Err(Error(key, "'" + v->value + "' is not one of " + names));
}

std::map<std::string, std::string> ComponentParams::Subtree(const std::string& sub_prefix) {
  std::map<std::string, std::string> out;
  const std::string p = sub_prefix + ".";
  for (const auto& [k, v] : params_) {
    if (k.compare(0, p.size(), p) == 0) {
      out[k.substr(p.size())] = v.value;
      used_.insert(k);
    }
  }
  return out;
}

Status ComponentParams::Error(const std::string& key, const std::string& reason) const {
  auto it = params_.find(key);
  const int line = it == params_.end() ? type_line_ : it->second.line;
  return Status::InvalidArgument("line " + std::to_string(line) + ": " + prefix_ + "." + key +
                                 ": " + reason);
}

std::vector<std::string> ComponentParams::UnusedKeyWarnings() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : params_) {
    if (used_.count(k) == 0) {
      out.push_back("line " + std::to_string(v.line) + ": unknown key '" + prefix_ + "." + k +
                    "' ignored");
    }
  }
  return out;
}

}  // namespace smartcar::collect
