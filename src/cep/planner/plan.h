// StatementPlan: everything the runtime needs to run one statement, checked and resolved
// (fields are indexes, functions are pointers, the window is a factory). Immutable and shared
// between the compiled rule and the running statement.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cep/event_type.h"
#include "cep/functions/aggregate.h"
#include "cep/expr.h"
#include "cep/windows/window.h"

namespace smartcar::cep {

struct OutputPolicy {
  // kDefault: no keyword (OUTPUT EVERY ...); Esper's ALL differs from it for grouped queries.
  enum class Mode { kDefault, kAll, kFirst, kLast };
  bool present = false;
  Mode mode = Mode::kDefault;
  bool events = false;  // every N output rows; otherwise every `every` ms of processing time
  int64_t every = 0;
};

struct StatementPlan {
  std::string name;
  std::string canonical;  // Token text: two statements with equal text are the same statement.
  int line = 1;           // Where the statement starts in its file.

  std::shared_ptr<const EventType> input;
  std::optional<CExpr> filter;  // Type(filter): applied before the window.
  std::shared_ptr<const WindowFactory> window;
  // @AllowedLateness('10 sec'): overrides EngineOptions::allowed_lateness_ms for this statement.
  std::optional<int64_t> allowed_lateness_ms;
  std::optional<CExpr> where;  // Applied to events entering and leaving the window.

  std::vector<AggSpec> aggs;
  size_t agg_slots = 0;  // AggStates per group: the aggregates with AggSpec::slot >= 0.
  std::vector<CExpr> group_by;
  std::optional<CExpr> having;
  bool aggregated = false;       // Any aggregate or GROUP BY.
  bool ungrouped_props = false;  // Select reads fields outside aggregates and GROUP BY.

  std::vector<std::string> columns;
  std::vector<CExpr> select;
  bool distinct = false;
  std::vector<CExpr> order_by;
  std::vector<bool> descending;
  std::optional<int64_t> limit;
  int64_t offset = 0;
  OutputPolicy output;

  std::string insert_into;                       // Empty when the statement only feeds listeners.
  std::shared_ptr<const EventType> output_type;  // Columns as fields (for INSERT INTO).
};

}  // namespace smartcar::cep
