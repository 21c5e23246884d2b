// Config: the settings of `smartcar.yaml`, the one configuration file (SPEC §3). Only this file
// and config.cc read it. Nested maps are flattened to dotted keys ("queue.engine",
// "queue.kafka.properties.linger.ms"); sequences become comma-separated strings. Each setting
// remembers its line, so errors say where. Command-line flags override with Set().
//
// Each stage's CLI maps the keys it owns onto its own options struct; docs and defaults for
// every key are in the shipped smartcar.yaml.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace smartcar {

// A duration as smartcar.yaml and the workflow files write it: an integer of seconds, or a number
// with a unit: ms, s, m (min), h, d, w ("7d", "5h", "1500ms"). Milliseconds; InvalidArgument
// saying why (without naming a key: callers add where).
Result<int64_t> ParseDurationMs(std::string_view text);

class Config {
 public:
  Config() = default;

  // Reads and parses a YAML file. IOError if unreadable; InvalidArgument with line:column for
  // YAML syntax errors.
  static Result<Config> LoadFile(const std::string& path);
  // Parses YAML text; `origin` names it in messages.
  static Result<Config> Parse(std::string_view yaml, const std::string& origin = "smartcar.yaml");

  bool Has(const std::string& key) const { return values_.count(key) > 0; }
  // The value of `key`, or `fallback` if unset.
  std::string GetString(const std::string& key, const std::string& fallback) const;
  // Integer value; InvalidArgument naming origin, line and key if not an integer.
  Result<int64_t> GetInt(const std::string& key, int64_t fallback) const;
  // Integer in [lo, hi]; InvalidArgument naming where the value came from (file and line, or
  // the flag) and the range otherwise.
  Result<int64_t> GetIntInRange(const std::string& key, int64_t fallback, int64_t lo,
                                int64_t hi) const;
  // "<origin>:<line>: <key>" for a value from the file, "<flag>" for one set from a flag,
  // "<key>" otherwise: where a value came from, for messages.
  std::string Where(const std::string& key) const;
  Result<bool> GetBool(const std::string& key, bool fallback) const;
  // A duration: an integer of seconds, or a number with a unit: ms, s, m (min), h, d, w
  // ("7d", "5h", "1500ms"). Returns milliseconds.
  Result<int64_t> GetDurationMs(const std::string& key, int64_t fallback_ms) const;
  // A size such as "512MB", "1GB", "64KiB" or "1048576" (bytes): B, KB/MB/GB/TB (powers of
  // 1000) and KiB/MiB/GiB/TiB (powers of 1024), case-insensitive. InvalidArgument with the
  // key's place otherwise.
  Result<int64_t> GetBytes(const std::string& key, int64_t fallback) const;
  // All keys under `prefix.` (relative to it), e.g. librdkafka properties to pass through.
  std::map<std::string, std::string> Subtree(const std::string& prefix) const;

  // Overrides (or adds) a value, e.g. from a command-line flag; `source` ("--metrics-port")
  // names it in messages.
  void Set(const std::string& key, const std::string& value, const std::string& source = "");

  // "<origin>:<line>: unknown setting '<key>'" for every key not matching `known` (exact keys,
  // or prefixes ending in ".*" that admit any key below them).
  std::vector<std::string> UnknownKeys(const std::vector<std::string>& known) const;

  const std::string& origin() const { return origin_; }

 private:
  struct Value {
    std::string text;
    int line = 0;        // 0 for values set in code.
    std::string source;  // The flag that set it, if any.
  };
  Status ValueError(const std::string& key, const Value& v, const std::string& reason) const;

  std::string origin_ = "smartcar.yaml";
  std::map<std::string, Value> values_;
};

}  // namespace smartcar
