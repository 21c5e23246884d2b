// Fixtures for server tests: a sample TopologyStats and a checker for Prometheus text.
#pragma once

#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "server/stats_json.h"
#include "topology/metrics.h"

namespace smartcar::server {

inline topology::TaskStats SampleTask(int id, uint64_t base) {
  topology::TaskStats t;
  t.task_id = id;
  t.emitted = base + 1;
  t.executed = base + 2;
  t.acked = base + 3;
  t.failed = 4;
  t.timed_out = 1;
  t.errors = 0;
  t.capacity = 0.25;
  t.latency_p50_ns = 1500;
  t.latency_p99_ns = 2'000'000;
  t.queue_depth = 7;
  t.queue_high_water = 90;
  t.pending = 3;
  return t;
}

inline StatsSnapshot SampleSnapshot() {
  StatsSnapshot s;
  s.time_ms = 1'795'000'000'123;
  s.topology.name = "SmartCarDriverTopology";
  s.topology.uptime_seconds = 12.5;
  topology::ComponentStats spout;
  spout.id = "log-spout";
  spout.is_spout = true;
  spout.total = SampleTask(0, 100);
  spout.tasks = {SampleTask(0, 100)};
  topology::ComponentStats bolt;
  bolt.id = "cep";
  bolt.last_error = "rules/overspeed.epl: line 1 column 9 near \"select\"";
  bolt.total = SampleTask(1, 300);
  bolt.tasks = {SampleTask(1, 100), SampleTask(2, 200)};
  s.topology.components = {spout, bolt};
  s.pipeline = {{"generated", "Lines the simulator wrote.", 150},
                {"stored", "Rows written to DriverCarInfo.", 149}};
  return s;
}

// Checks `text` is Prometheus text exposition: every sample line is `name{labels} value` or
// `name value` with a numeric value, and every sampled metric has # HELP and # TYPE lines before
// its samples. Returns "" when fine, else the first problem; fills *samples (name -> count).
inline std::string CheckExposition(const std::string& text,
                                   std::map<std::string, int>* samples = nullptr) {
  std::set<std::string> help, type;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  auto is_name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == ':';
  };
  while (std::getline(in, line)) {
    ++n;
    const std::string where = "line " + std::to_string(n) + " '" + line + "': ";
    if (line.empty()) continue;
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      std::istringstream f(line.substr(7));
      std::string name, rest;
      f >> name >> rest;
      if (name.empty() || rest.empty()) return where + "HELP/TYPE without name and text";
      if (line[2] == 'T') {
        if (rest != "counter" && rest != "gauge" && rest != "histogram" && rest != "summary" &&
            rest != "untyped") {
          return where + "unknown type";
        }
        type.insert(name);
      } else {
        help.insert(name);
      }
      continue;
    }
    if (line[0] == '#') continue;
    size_t i = 0;
    while (i < line.size() && is_name_char(line[i])) ++i;
    const std::string name = line.substr(0, i);
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) != 0) {
      return where + "bad metric name";
    }
    if (i < line.size() && line[i] == '{') {
      // label="value",... with escaped quotes inside values.
      ++i;
      while (i < line.size() && line[i] != '}') {
        const size_t eq = line.find('=', i);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') {
          return where + "bad label";
        }
        for (size_t k = i; k < eq; ++k) {
          if (!is_name_char(line[k])) return where + "bad label name";
        }
        size_t k = eq + 2;
        while (k < line.size() && line[k] != '"') k += line[k] == '\\' ? 2 : 1;
        if (k >= line.size()) return where + "unterminated label value";
        i = k + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) return where + "unterminated labels";
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') return where + "no space before value";
    const std::string value = line.substr(i + 1);
    char* end = nullptr;
    std::strtod(value.c_str(), &end);
    if (value.empty() || end == value.c_str() || *end != '\0') return where + "bad value";
    if (!help.contains(name)) return where + "no # HELP before the sample";
    if (!type.contains(name)) return where + "no # TYPE before the sample";
    if (samples != nullptr) ++(*samples)[name];
  }
  return "";
}

}  // namespace smartcar::server
