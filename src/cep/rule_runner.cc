// RunRules: driving-log lines and `@ T` clock lines through a compiled rule on one engine, one
// JSON line per output row — `smartcar rules run` and the data-file rule tests.
#include "cep/rule_runner.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "cep/value.h"
#include "core/line_codec.h"

namespace smartcar::cep {

namespace {

void AppendSeconds(int64_t ms, std::string* out) {
  *out += std::to_string(ms / 1000);
  int64_t frac = ms % 1000;
  if (frac < 0) frac = -frac;
  if (frac != 0) {
    std::string f = std::to_string(frac);
    f.insert(0, 3 - f.size(), '0');
    while (f.back() == '0') f.pop_back();
    *out += "." + f;
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

}  // namespace

std::string FormatOutputJson(const OutputEvent& ev) {
  std::string out = "{\"stmt\":";
  AppendJsonString(ev.statement, &out);
  switch (ev.trigger) {
    case OutputEvent::Trigger::kEvent:
      out += ",\"after_event\":" + std::to_string(ev.event_index);
      break;
    case OutputEvent::Trigger::kTime:
      out += ",\"at_time\":";
      AppendSeconds(ev.time_ms, &out);
      break;
    case OutputEvent::Trigger::kWatermark:
      out += ",\"at_watermark\":";
      AppendJson(Value::Time(ev.watermark_ms), &out);
      break;
    case OutputEvent::Trigger::kFlush:
      out += ",\"at_end\":true";
      break;
  }
  out += ev.late ? ",\"late\":true,\"event\":{" : ",\"row\":{";
  for (size_t i = 0; i < ev.columns->size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString((*ev.columns)[i], &out);
    out += ':';
    AppendJson((*ev.row)[i], &out);
  }
  out += "}}";
  return out;
}

Result<RunStats> RunRules(const CompiledRule& rule, const RunOptions& options,
                          const std::function<bool(std::string_view*)>& next_line,
                          const std::function<void(std::string_view)>& emit,
                          const std::function<void(std::string_view)>& warn) {
  if (!options.only_statement.empty()) {
    const std::vector<std::string> names = rule.statement_names();
    if (std::find(names.begin(), names.end(), options.only_statement) == names.end()) {
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
      return Err(Status::InvalidArgument("no statement named '" + options.only_statement +
                                         "'; the rule has: " + list));
    }
  }
  RunStats stats;
  Engine engine(EngineOptions{options.allowed_lateness_ms}, [&](const OutputEvent& ev) {
    if (!options.only_statement.empty() && ev.statement != options.only_statement) return;
    ++stats.rows;
    emit(FormatOutputJson(ev));
  });
  Status st = engine.Deploy("rules", rule);
  if (!st.ok()) return Err(st);
  std::string_view raw;
  uint64_t line_no = 0;
  DriverEvent event;
  while (next_line(&raw)) {
    ++line_no;
    const std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '@') {
      std::string_view t = Trim(line.substr(1));
      std::string text(t);
      char* end = nullptr;
      const double seconds = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(seconds) ||
          seconds < 0 || seconds > 1e12) {
        return Err(Status::InvalidArgument("line " + std::to_string(line_no) +
                                           ": expected '@ T' with T in seconds, got '" +
                                           std::string(line) + "'"));
      }
      Status s = engine.AdvanceTime(static_cast<int64_t>(std::llround(seconds * 1000)));
      if (!s.ok()) return Err(s.WithPrefix("line " + std::to_string(line_no) + ": "));
      continue;
    }
    Result<LineKind> kind = ParseDriverLine(line, &event);
    if (!kind) {
      ++stats.bad_lines;
      warn(AtLine(kind.error(), line_no).message());
      continue;
    }
    if (*kind == LineKind::kHeader) {
      ++stats.headers;
      continue;
    }
    ++stats.events;
    engine.Send(event);
  }
  if (options.flush) engine.Flush();
  return stats;
}

}  // namespace smartcar::cep
