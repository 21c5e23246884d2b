// The unit the collector moves: a line of a log (body, without '\n') plus Flume-style headers.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace smartcar::collect {

struct Event {
  // Headers in insertion order; few per event, so a vector beats a map.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Where the line came from, for error messages and dead letters: the source's file name
  // (owned by the source, valid while the batch lives; null if unknown) and 1-based line.
  const std::string* file = nullptr;
  uint64_t line = 0;

  // The value of header `key`, or nullptr.
  const std::string* header(const std::string& key) const {
    for (const auto& [k, v] : headers) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  // Sets header `key` (replacing an existing value).
  void set_header(const std::string& key, std::string value) {
    for (auto& [k, v] : headers) {
      if (k == key) {
        v = std::move(value);
        return;
      }
    }
    headers.emplace_back(key, std::move(value));
  }
};

using EventBatch = std::vector<Event>;

}  // namespace smartcar::collect
