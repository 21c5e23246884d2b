// Eval: evaluates a CExpr (cep/expr.h) on a stored event and a group's aggregate states, by a
// switch, without name lookups or string maps.
#pragma once

#include <memory>
#include <vector>

#include "cep/expr.h"
#include "cep/stored_event.h"
#include "cep/value.h"

namespace smartcar::cep {

struct AggSpec;
struct AggState;

struct EvalCtx {
  const StoredEvent* event = nullptr;  // May be null when only aggregates are read.
  const AggState* aggs = nullptr;
  const AggSpec* specs = nullptr;
  // The group's newest event and event count, for aggregates that keep no state
  // (AggSpec::slot < 0: last(x) over a batch, count(*)).
  const StoredEvent* group_last = nullptr;
  int64_t group_count = 0;
};

Value Eval(const CExpr& e, const EvalCtx& ctx);
// True only for a boolean true (NULL and false both reject, as in SQL WHERE).
bool EvalPredicate(const CExpr& e, const EvalCtx& ctx);

// SQL LIKE with % and _ (and '\' escaping the next character).
bool LikeMatch(std::string_view s, std::string_view pattern);

}  // namespace smartcar::cep
