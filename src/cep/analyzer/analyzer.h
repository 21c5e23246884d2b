// Analyzer: checks what a parsed statement says against the event types — event types, fields
// (both spellings), types, functions, aggregates — and binds its expressions into CExprs
// (fields to indexes, aggregates to slots, functions to pointers). The planner
// (planner/planner.h) builds the StatementPlan from them. Errors carry line and column:
// "line 2 column 8: unknown field 'sped' in DriverCarInfo; did you mean 'speed'?".
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cep/event_type.h"
#include "cep/expr.h"
#include "cep/functions/aggregate.h"
#include "cep/parser/ast.h"
#include "core/ascii.h"
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

// Where an expression stands, for what it may hold (aggregates only in SELECT, HAVING and
// ORDER BY) and for messages ("the WHERE clause needs a boolean condition").
enum class Clause { kFilter, kWhere, kGroupBy, kSelect, kHaving, kOrderBy };

// Binds the expressions of one statement that selects from `in`. Aggregates get slots in
// *aggs (the same aggregate text twice shares a slot).
class ExprBinder {
 public:
  ExprBinder(const ast::Statement& s, const EventType* in, std::vector<AggSpec>* aggs);
  ~ExprBinder();
  ExprBinder(const ExprBinder&) = delete;
  ExprBinder& operator=(const ExprBinder&) = delete;

  // `e` checked and compiled; InvalidArgument "line L column C: ..." naming what is wrong.
  // HAVING and ORDER BY may name a select alias.
  Result<CExpr> Bind(const ast::Expr& e, Clause clause);
  // OK when `c` (bound from `e`) is boolean or null; else an error naming the clause.
  Status ExpectBool(const CExpr& c, const ast::Expr& e, Clause clause);
  // `c` is a GROUP BY expression: a field grouped on may be selected outside aggregates.
  void GroupedBy(const CExpr& c);
  // SELECT * reads field `index` directly.
  void SelectsField(int index);
  // The select item being bound (its alias is not an unknown field); null after.
  void SetSelectItem(const ast::SelectItem* item);
  // Whether SELECT reads a field outside aggregates and GROUP BY (Esper's "aggregated and
  // un-grouped" or "aggregated and grouped" query types).
  bool ReadsUngroupedFields() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// "line L column C: msg" as InvalidArgument.
Status ErrorAt(ast::Pos p, const std::string& msg);

}  // namespace smartcar::cep
