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
  // The group's newest event, for last(x) over a batch (AggSpec::slot < 0).
  const StoredEvent* group_last = nullptr;
};

Value Eval(const CExpr& e, const EvalCtx& ctx);
// True only for a boolean true (NULL and false both reject, as in SQL WHERE).
bool EvalPredicate(const CExpr& e, const EvalCtx& ctx);

// SQL LIKE with % and _ (and '\' escaping the next character).
bool LikeMatch(std::string_view s, std::string_view pattern);

}  // namespace smartcar::cep
