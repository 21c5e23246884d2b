// ComponentRegistry: spout and bolt types by name, for topologies defined in YAML (flux.h).
//
// C++ code registers a factory per type name ("LogSpout", "ParseBolt"); a Flux YAML file names
// the type in `className` and passes its `config` map (string values) to the factory. Not
// thread-safe for registration; lookups may run concurrently once registration is done.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "topology/component.h"

namespace smartcar::topology {

// A component's `config` map from YAML: string keys and string values.
class ComponentConfig {
 public:
  ComponentConfig() = default;
  explicit ComponentConfig(std::map<std::string, std::string, std::less<>> values)
      : values_(std::move(values)) {}
  // The value of `key`, or `fallback` when absent.
  std::string Get(std::string_view key, std::string_view fallback = "") const;
  // The value of `key` as an integer, `fallback` when absent; InvalidArgument naming the key
  // when it is not an integer.
  Result<int64_t> GetInt(std::string_view key, int64_t fallback) const;
  bool Has(std::string_view key) const { return values_.find(key) != values_.end(); }
  const std::map<std::string, std::string, std::less<>>& values() const { return values_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

using SpoutCreator = std::function<Result<std::unique_ptr<Spout>>(const ComponentConfig&)>;
using BoltCreator = std::function<Result<std::unique_ptr<Bolt>>(const ComponentConfig&)>;

class ComponentRegistry {
 public:
  // A process-wide registry (components register once at startup).
  static ComponentRegistry& Default();

  // InvalidArgument if `type` is already registered (as a spout or a bolt).
  Status RegisterSpout(const std::string& type, SpoutCreator creator);
  Status RegisterBolt(const std::string& type, BoltCreator creator);
  // nullptr when `type` is not registered as that kind.
  const SpoutCreator* FindSpout(std::string_view type) const;
  const BoltCreator* FindBolt(std::string_view type) const;
  // Registered names, sorted, comma separated ("none" when empty).
  std::string SpoutNames() const;
  std::string BoltNames() const;

 private:
  std::map<std::string, SpoutCreator, std::less<>> spouts_;
  std::map<std::string, BoltCreator, std::less<>> bolts_;
};

}  // namespace smartcar::topology
