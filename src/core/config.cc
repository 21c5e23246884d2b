// Config: smartcar.yaml parsed with yaml-cpp and flattened to dotted keys (lists joined with
// commas), each with its line; typed getters whose errors name file and line, or the flag.
#include "core/config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>
#include <limits>

#include "core/ascii.h"
#include "core/file.h"

namespace smartcar {
namespace {

// Flattens `node` into `out` under `prefix`. Scalars and sequences of scalars are values.
Status Flatten(const YAML::Node& node, const std::string& prefix,
               std::map<std::string, std::pair<std::string, int>>* out, const std::string& origin) {
  const int line = node.Mark().line + 1;
  switch (node.Type()) {
    case YAML::NodeType::Map:
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) {
          return Status::InvalidArgument(origin + ":" + std::to_string(kv.first.Mark().line + 1) +
                                         ": keys must be plain names");
        }
        const std::string key =
            prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar();
        if (!kv.second || kv.second.IsNull()) {  // An empty value: its mark is past the key's line.
          (*out)[key] = {"", kv.first.Mark().line + 1};
          continue;
        }
        SMARTCAR_RETURN_IF_ERROR(Flatten(kv.second, key, out, origin));
      }
      return Status::OK();
    case YAML::NodeType::Sequence: {
      std::string joined;
      for (const auto& item : node) {
        if (!item.IsScalar()) {
          return Status::InvalidArgument(origin + ":" + std::to_string(item.Mark().line + 1) +
                                         ": '" + prefix + "' must be a list of plain values");
        }
        if (!joined.empty()) joined += ",";
        joined += item.Scalar();
      }
      (*out)[prefix] = {joined, line};
      return Status::OK();
    }
    case YAML::NodeType::Scalar:
      (*out)[prefix] = {node.Scalar(), line};
      return Status::OK();
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      if (!prefix.empty()) (*out)[prefix] = {"", line};
      return Status::OK();
  }
  return Status::OK();
}

}  // namespace

Result<Config> Config::Parse(std::string_view yaml, const std::string& origin) {
  Config c;
  c.origin_ = origin;
  std::map<std::string, std::pair<std::string, int>> flat;
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    if (root && !root.IsNull() && !root.IsMap()) {
      return Err(Status::InvalidArgument(origin + ": the top level must be a map of settings"));
    }
    SMARTCAR_RETURN_IF_ERROR(Flatten(root, "", &flat, origin));
  } catch (const YAML::Exception& e) {
    return Err(Status::InvalidArgument(origin + ":" + std::to_string(e.mark.line + 1) + ":" +
                                       std::to_string(e.mark.column + 1) + ": " + e.msg));
  }
  for (auto& [k, v] : flat) c.values_[k] = Value{v.first, v.second};
  return c;
}

Result<Config> Config::LoadFile(const std::string& path) {
  auto text = ReadFileToString(path, "configuration");
  if (!text) return Err(text.error());
  return Parse(*text, path);
}

std::string Config::GetString(const std::string& key, const std::string& fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second.text;
}

Status Config::ValueError(const std::string& key, const Value& v, const std::string& reason) const {
  if (!v.source.empty()) return Status::InvalidArgument(v.source + ": '" + v.text + "' " + reason);
  const std::string where = v.line > 0 ? origin_ + ":" + std::to_string(v.line) + ": " : "";
  return Status::InvalidArgument(where + key + ": '" + v.text + "' " + reason);
}

std::string Config::Where(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return key;
  if (!it->second.source.empty()) return it->second.source;
  if (it->second.line > 0) return origin_ + ":" + std::to_string(it->second.line) + ": " + key;
  return key;
}

Result<int64_t> Config::GetIntInRange(const std::string& key, int64_t fallback, int64_t lo,
                                      int64_t hi) const {
  auto v = GetInt(key, fallback);
  if (!v) return v;
  if (*v < lo || *v > hi) {
    auto it = values_.find(key);
    if (it == values_.end()) return v;  // The caller's fallback.
    return Err(
        ValueError(key, it->second,
                   "is out of range (" + std::to_string(lo) + " to " + std::to_string(hi) + ")"));
  }
  return v;
}

Result<int64_t> Config::GetInt(const std::string& key, int64_t fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const std::string& t = it->second.text;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size())
    return Err(ValueError(key, it->second, "is not an integer"));
  return v;
}

Result<bool> Config::GetBool(const std::string& key, bool fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const std::string& t = it->second.text;
  if (t == "true" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "no" || t == "off") return false;
  return Err(ValueError(key, it->second, "is not true or false"));
}

Result<int64_t> ParseDurationMs(std::string_view t) {
  int64_t n = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || n < 0)
    return Err(Status::InvalidArgument("is not a duration (e.g. 30s, 5h, 7d)"));
  const std::string unit(p, t.data() + t.size());
  static const std::pair<const char*, int64_t> kUnits[] = {
      {"", 1000},      {"ms", 1},        {"s", 1000},       {"m", 60'000},
      {"min", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}, {"w", 604'800'000}};
  for (const auto& [name, ms] : kUnits) {
    if (unit != name) continue;
    if (n > std::numeric_limits<int64_t>::max() / ms) {  // (the core_config fuzzer found it)
      return Err(Status::InvalidArgument("is too long a duration"));
    }
    return n * ms;
  }
  return Err(Status::InvalidArgument("has an unknown unit (ms, s, m, h, d, w)"));
}

Result<int64_t> Config::GetDurationMs(const std::string& key, int64_t fallback_ms) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback_ms;
  auto ms = ParseDurationMs(it->second.text);
  if (!ms) return Err(ValueError(key, it->second, ms.error().message()));
  return *ms;
}

Result<int64_t> Config::GetBytes(const std::string& key, int64_t fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const std::string& t = it->second.text;
  const Status bad = ValueError(key, it->second, "is not a size (e.g. 512MB, 1GB, 64KiB)");
  double n = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || !(n >= 0)) return Err(bad);
  std::string_view rest(p, static_cast<size_t>(t.data() + t.size() - p));
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  const std::string unit = AsciiLower(rest);
  static const std::pair<const char*, double> kUnits[] = {{"", 1},
                                                          {"b", 1},
                                                          {"kb", 1e3},
                                                          {"mb", 1e6},
                                                          {"gb", 1e9},
                                                          {"tb", 1e12},
                                                          {"kib", 1024.0},
                                                          {"mib", 1048576.0},
                                                          {"gib", 1073741824.0},
                                                          {"tib", 1099511627776.0}};
  for (const auto& [name, factor] : kUnits) {
    if (unit == name) {
      const double bytes = n * factor;
      if (bytes > 9.0e18) return Err(bad);
      return static_cast<int64_t>(bytes);
    }
  }
  return Err(bad);
}

std::map<std::string, std::string> Config::Subtree(const std::string& prefix) const {
  std::map<std::string, std::string> out;
  const std::string p = prefix + ".";
  for (auto it = values_.lower_bound(p);
       it != values_.end() && it->first.compare(0, p.size(), p) == 0; ++it) {
    out[it->first.substr(p.size())] = it->second.text;
  }
  return out;
}

void Config::Set(const std::string& key, const std::string& value, const std::string& source) {
  values_[key] = Value{value, 0, source};
}

std::vector<std::string> Config::UnknownKeys(const std::vector<std::string>& known) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : values_) {
    bool ok = false;
    for (const auto& pattern : known) {
      if (pattern.size() > 2 && pattern.compare(pattern.size() - 2, 2, ".*") == 0) {
        const std::string stem = pattern.substr(0, pattern.size() - 1);  // Keeps the dot.
        ok = k.compare(0, stem.size(), stem) == 0;
      } else {
        ok = k == pattern;
      }
      if (ok) break;
    }
    if (!ok)
      out.push_back(origin_ + ":" + std::to_string(v.line) + ": unknown setting '" + k + "'");
  }
  return out;
}

}  // namespace smartcar
