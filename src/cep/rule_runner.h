// RunRules: the engine behind `smartcar rules run` and the data-file rule tests.
//
// Input lines are driving-log lines (SPEC §2; header lines skipped), `@ T` lines that move the
// virtual processing clock to T seconds (firing due timers), empty lines, and `#` comments.
// Each output row becomes one JSON line:
//   {"stmt":"overspeed","after_event":12,"row":{"carNumber":"W0003",...}}
//   {"stmt":"every30s","at_time":30,"row":{...}}
//   {"stmt":"x","at_end":true,"row":{...}}                       (with `flush`)
//   {"stmt":"x","after_event":7,"late":true,"event":{...}}       (event-time late event)
// Columns keep select-clause order; the output is deterministic.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "cep/engine.h"

namespace smartcar::cep {

struct RunOptions {
  std::string only_statement;  // Print only this statement's rows ("" = all).
  bool flush = false;          // At end of input, deliver open batches and held output.
  int64_t allowed_lateness_ms = 0;
};

struct RunStats {
  uint64_t events = 0;     // driving events sent
  uint64_t headers = 0;    // header lines skipped
  uint64_t bad_lines = 0;  // lines rejected (reported through `warn`)
  uint64_t rows = 0;       // JSON lines written
};

// Formats one listener output as the JSON line described above (no newline).
std::string FormatOutputJson(const OutputEvent& ev);

// Runs `rule` over the lines `next_line` yields (it returns false at end of input). Each JSON
// line goes to `emit`; a bad driving line goes to `warn` as "line N: reason" and is skipped.
// InvalidArgument for a bad `@ T` line (with its line number) or an unknown `only_statement`.
Result<RunStats> RunRules(const CompiledRule& rule, const RunOptions& options,
                          const std::function<bool(std::string_view*)>& next_line,
                          const std::function<void(std::string_view)>& emit,
                          const std::function<void(std::string_view)>& warn);

}  // namespace smartcar::cep
