// Analyzer: checks parsed statements (event types, fields, types, functions, aggregates,
// window parameters) and resolves them into StatementPlans. Errors carry line and column:
// "line 2 column 8: unknown field 'sped' in DriverCarInfo; did you mean 'speed'?".
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cep/parser/ast.h"
#include "cep/planner/plan.h"
#include "core/status.h"

namespace smartcar::cep {

// Event types by name (aliases included). Starts with DriverCarInfo.
class Catalog {
 public:
  Catalog();
  const std::shared_ptr<const EventType>* Find(std::string_view name) const;
  void Add(std::shared_ptr<const EventType> type);
  std::vector<std::string> Names() const;

 private:
  std::vector<std::shared_ptr<const EventType>> types_;
};

// Checks `statements` in order; each INSERT INTO defines a stream later statements (and
// `catalog` users) can select from. Statement names come from @Name or are "stmt-N" (N = the
// statement's 1-based position). Duplicate names are an error.
Result<std::vector<std::shared_ptr<const StatementPlan>>> Analyze(
    const std::vector<ast::Statement>& statements, Catalog* catalog);

}  // namespace smartcar::cep
