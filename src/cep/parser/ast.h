// The syntax tree of an EPL rule file, as written (no meaning checks; see analyzer/).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cep/value.h"

namespace smartcar::cep::ast {

struct Pos {
  int line = 1;
  int column = 1;
};

enum class ExprKind {
  kLiteral,     // value
  kTimePeriod,  // value = milliseconds (double)
  kIdent,       // path: `speed` or `a.speed`
  kStar,        // `*` inside count(*)
  kUnary,       // op: "-", "NOT"; args[0]
  kBinary,      // op: + - * / % || = != < <= > >= AND OR; args[0], args[1]
  kBetween,     // args: value, low, high; negated
  kIn,          // args: value, items...; negated
  kLike,        // args: value, pattern; negated
  kRegexp,      // args: value, pattern; negated
  kIsNull,      // args[0]; negated = IS NOT NULL
  kCase,        // has_operand: args[0] is the operand; then WHEN/THEN pairs; has_else: last
  kCall,        // op: function name as written; args; distinct; star_arg for count(*)
};

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  Pos pos;
  std::string op;
  Value value;
  std::vector<std::string> path;
  std::vector<std::unique_ptr<Expr>> args;
  bool negated = false;
  bool distinct = false;
  bool has_operand = false;
  bool has_else = false;
  std::string text;  // Source text, whitespace-normalised (for column names and messages).
};
using ExprPtr = std::unique_ptr<Expr>;

struct Annotation {
  std::string name;   // e.g. "Name"
  std::string value;  // e.g. "overspeed": the positional value, or the attribute `value`
  // Every attribute as written: @Tag(name='a', value='b') → {("name","a"), ("value","b")};
  // a positional value is named "value".
  std::vector<std::pair<std::string, std::string>> attributes;
  Pos pos;
};

struct SelectItem {
  ExprPtr expr;  // null for `*`
  std::string alias;
  bool star = false;
  Pos pos;
};

struct View {
  std::string ns;    // "win", "std", or "" for the `#name` spelling
  std::string name;  // "time_batch"
  std::vector<ExprPtr> params;
  Pos pos;
  std::string Spelling() const { return ns.empty() ? "#" + name : ns + ":" + name; }
};

struct FromClause {
  std::string type;
  Pos pos;
  ExprPtr filter;  // Type(filter)
  std::vector<View> views;
  std::string alias;
};

struct OrderItem {
  ExprPtr expr;
  bool descending = false;
};

struct OutputClause {
  enum class Mode { kDefault, kAll, kFirst, kLast, kSnapshot };
  Mode mode = Mode::kDefault;
  bool events = false;  // EVERY n EVENTS; otherwise a time period
  double every = 0;     // events, or milliseconds
  Pos pos;
};

struct Statement {
  Pos pos;
  std::vector<Annotation> annotations;
  std::string insert_into;
  Pos insert_pos;
  bool distinct = false;
  std::vector<SelectItem> select;
  FromClause from;
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  ExprPtr having;
  std::optional<OutputClause> output;
  std::vector<OrderItem> order_by;
  std::optional<int64_t> limit;
  int64_t offset = 0;
  std::string canonical;  // The statement's tokens joined by single spaces (hot-reload identity).
};

}  // namespace smartcar::cep::ast
