// Typed, position-aware access to one component's configuration keys
// (`<agent>.sources.<name>.<key>`). Every read marks the key used; keys never read are reported
// as warnings naming the key and its line. A wrong value is an InvalidArgument that names the
// full key, its line and the reason.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "collect/properties.h"
#include "core/status.h"

namespace smartcar::collect {

class ComponentParams {
 public:
  // `prefix` is the full key of the component ("SmartCar_Agent.sources.tail"); `params` maps
  // keys relative to it ("batchSize") to values. `type_line` is where the component's type is.
  ComponentParams(std::string prefix, std::map<std::string, PropertyValue> params, int type_line);

  const std::string& prefix() const { return prefix_; }
  int type_line() const { return type_line_; }
  bool Has(const std::string& key) const { return params_.count(key) > 0; }

  std::string String(const std::string& key, const std::string& fallback);
  Result<std::string> RequiredString(const std::string& key);
  Result<int64_t> Int(const std::string& key, int64_t fallback, int64_t min, int64_t max);
  Result<bool> Bool(const std::string& key, bool fallback);
  // One of `allowed` (case-insensitive), returned as spelled in `allowed`.
  Result<std::string> Enum(const std::string& key, const std::string& fallback,
                           std::initializer_list<const char*> allowed);
  // All keys starting with `sub_prefix` + "." (e.g. "kafka.producer"), relative to it; marks them
  // used.
  std::map<std::string, std::string> Subtree(const std::string& sub_prefix);

  // "line N: <prefix>.<key>: <reason>" as InvalidArgument.
  Status Error(const std::string& key, const std::string& reason) const;
  // Warnings for keys never read: "line N: unknown key '<full key>' ignored".
  std::vector<std::string> UnusedKeyWarnings() const;

 private:
  const PropertyValue* Find(const std::string& key);

  std::string prefix_;
  std::map<std::string, PropertyValue> params_;
  int type_line_;
  std::set<std::string> used_;
};

}  // namespace smartcar::collect
