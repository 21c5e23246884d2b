// The planner stage: parsed statements → StatementPlans the runtime runs (parser → analyzer →
// planner → runtime, as DuckDB's parser → binder → planner → execution).
#pragma once

#include <memory>
#include <vector>

#include "cep/analyzer/analyzer.h"
#include "cep/parser/ast.h"
#include "cep/planner/plan.h"
#include "core/status.h"

namespace smartcar::cep {

// Plans `statements` in order; each INSERT INTO defines a stream later statements (and
// `catalog` users) can select from. Statement names come from @Name or are "stmt-N" (N = the
// statement's 1-based position). Duplicate names are an error; every error carries its line and
// column.
Result<std::vector<std::shared_ptr<const StatementPlan>>> PlanStatements(
    const std::vector<ast::Statement>& statements, Catalog* catalog);

}  // namespace smartcar::cep
