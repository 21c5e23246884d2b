// The analyzer's ExprBinder: every EPL expression form (fields in both spellings and with a
// stream prefix, select aliases, literals, operators with SQL's typing, scalar functions by
// name and arity, aggregates with shared slots, CASE, IN, BETWEEN, LIKE, REGEXP) checked and
// bound into a CExpr. One switch over the AST's node kinds, so it stays one file (~510 lines).
#include "cep/analyzer/analyzer.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "cep/functions/regex_matcher.h"
#include "cep/functions/scalar.h"
#include "cep/parser/lexer.h"
#include "cep/parser/parser.h"
#include "core/ascii.h"
#include "core/event_time.h"

namespace smartcar::cep {

Catalog::Catalog() { types_.push_back(DriverCarInfoType()); }

const std::shared_ptr<const EventType>* Catalog::Find(std::string_view name) const {
  for (const auto& t : types_) {
    if (t->HasName(name)) return &t;
  }
  return nullptr;
}

void Catalog::Add(std::shared_ptr<const EventType> type) { types_.push_back(std::move(type)); }

std::vector<std::string> Catalog::Names() const {
  std::vector<std::string> out;
  for (const auto& t : types_) out.push_back(t->name);
  return out;
}

Status ErrorAt(ast::Pos p, const std::string& msg) {
  return Status::InvalidArgument(parser::Where(p.line, p.column) + ": " + msg);
}

namespace {

std::string_view ClauseName(Clause c) {
  switch (c) {
    case Clause::kFilter:
      return "a stream filter";
    case Clause::kWhere:
      return "the WHERE clause";
    case Clause::kGroupBy:
      return "the GROUP BY clause";
    case Clause::kSelect:
      return "the SELECT clause";
    case Clause::kHaving:
      return "the HAVING clause";
    case Clause::kOrderBy:
      return "the ORDER BY clause";
  }
  return "";
}

// The pilot's bean held `date` as a 14-digit string: let `date >= '20220426000010'` compare as
// time by turning such a string constant into a time constant.
void CoerceTimeLiteral(const CExpr& time_side, CExpr* other) {
  if (time_side.type != Type::kTime || other->op != Op::kConst || other->type != Type::kString) {
    return;
  }
  Result<EventTimeMs> t = ParseTimestamp14(other->constant.s);
  if (!t) return;
  other->constant = Value::Time(t->value);
  other->type = Type::kTime;
}

bool Comparable(Type a, Type b) {
  if (a == Type::kNull || b == Type::kNull) return true;
  if (IsNumeric(a) && IsNumeric(b)) return true;
  return a == b;
}

}  // namespace

class ExprBinder::Impl {
 public:
  Impl(const ast::Statement& s, const EventType* in, std::vector<AggSpec>* aggs)
      : s_(s), aggs_(aggs), in_(in) {}

  Status ExpectBool(const CExpr& c, const ast::Expr& e, Clause clause) {
    if (c.type == Type::kBool || c.type == Type::kNull) return Status::OK();
    return ErrorAt(e.pos, std::string(ClauseName(clause)) + " needs a boolean condition, but '" +
                              e.text + "' is " + std::string(TypeName(c.type)));
  }

 private:
  friend class ExprBinder;

  Result<CExpr> Field(const ast::Expr& e, Clause clause) {
    std::string field;
    if (e.path.size() == 1) {
      field = e.path[0];
    } else if (e.path.size() == 2) {
      const std::string& stream = e.path[0];
      if (!(stream == s_.from.alias || in_->HasName(stream))) {
        // Not a stream prefix: maybe a select alias in HAVING/ORDER BY? No, report the stream.
        return Err(ErrorAt(e.pos, "unknown stream '" + stream + "' in '" + e.text +
                                      "'; the statement selects from " + in_->name +
                                      (s_.from.alias.empty() ? "" : " as " + s_.from.alias)));
      }
      field = e.path[1];
    } else {
      return Err(ErrorAt(e.pos, "nested property '" + e.text + "' is not supported"));
    }
    const int index = in_->FindField(field);
    if (index < 0) {
      // HAVING and ORDER BY may name a select-clause alias.
      if ((clause == Clause::kHaving || clause == Clause::kOrderBy) && e.path.size() == 1) {
        for (const ast::SelectItem& item : s_.select) {
          if (!item.star && item.alias == field) return Compile(*item.expr, clause);
        }
      }
      std::string msg = "unknown field '" + field + "' in " + in_->name;
      const std::string s = in_->Suggest(field);
      if (!s.empty()) msg += "; did you mean '" + s + "'?";
      return Err(ErrorAt(e.pos, msg));
    }
    CExpr c;
    c.op = Op::kField;
    c.index = index;
    c.type = in_->fields[static_cast<size_t>(index)].type;
    if (clause == Clause::kSelect && agg_depth_ == 0 && group_fields_.count(index) == 0) {
      props_outside_ = true;
    }
    return c;
  }

  Result<CExpr> Aggregate(const ast::Expr& e, const AggregateInfo& info, Clause clause) {
    if (clause != Clause::kSelect && clause != Clause::kHaving && clause != Clause::kOrderBy) {
      return Err(ErrorAt(e.pos, "aggregate function '" + e.text + "' is not allowed in " +
                                    std::string(ClauseName(clause))));
    }
    if (agg_depth_ > 0) {
      return Err(ErrorAt(
          e.pos, "aggregate function '" + e.text + "' cannot be nested inside another aggregate"));
    }
    AggSpec spec;
    spec.kind = info.kind;
    if (e.args.size() != 1) {
      return Err(ErrorAt(e.pos, std::string(info.name) + " expects 1 parameter but got " +
                                    std::to_string(e.args.size()) +
                                    ", usage: " + std::string(info.usage)));
    }
    if (e.args[0]->kind == ast::ExprKind::kStar) {
      if (info.kind != AggKind::kCount) {
        return Err(ErrorAt(e.pos, "only count accepts '*', usage: " + std::string(info.usage)));
      }
      spec.kind = AggKind::kCountStar;
      spec.type = Type::kInt;
    } else {
      if (e.distinct) {
        if (info.kind == AggKind::kFirst || info.kind == AggKind::kLast) {
          return Err(ErrorAt(e.pos, "DISTINCT is not supported in " + std::string(info.name) +
                                        "(), usage: " + std::string(info.usage)));
        }
        if (info.kind == AggKind::kCount) {
          spec.kind = AggKind::kCountDistinct;
        } else {
          spec.distinct = true;
        }
      }
      ++agg_depth_;
      Result<CExpr> arg = Compile(*e.args[0], clause);
      --agg_depth_;
      if (!arg) return arg;
      spec.type = AggResultType(spec.kind, arg->type);
      if (spec.type == Type::kNull) {
        return Err(ErrorAt(e.args[0]->pos,
                           std::string(info.name) + " needs a numeric parameter, but '" +
                               e.args[0]->text + "' is " + std::string(TypeName(arg->type))));
      }
      spec.arg = std::move(*arg);
    }
    // Identical aggregates share one slot.
    const std::string key = AsciiLower(e.text);
    int slot = -1;
    for (size_t i = 0; i < agg_texts_.size(); ++i) {
      if (agg_texts_[i] == key) slot = static_cast<int>(i);
    }
    if (slot < 0) {
      slot = static_cast<int>(aggs_->size());
      aggs_->push_back(std::move(spec));
      agg_texts_.push_back(key);
    }
    CExpr c;
    c.op = Op::kAgg;
    c.index = slot;
    c.type = (*aggs_)[static_cast<size_t>(slot)].type;
    return c;
  }

  Result<CExpr> Call(const ast::Expr& e, Clause clause) {
    const AggregateInfo* agg = FindAggregate(e.op);
    const bool row_minmax =
        (AsciiLower(e.op) == "min" || AsciiLower(e.op) == "max") && e.args.size() >= 2;
    if (agg != nullptr && !row_minmax) return Aggregate(e, *agg, clause);
    for (const auto& a : e.args) {
      if (a->kind == ast::ExprKind::kStar) {
        return Err(ErrorAt(a->pos, "'*' is only allowed in count(*)"));
      }
    }
    if (e.distinct) return Err(ErrorAt(e.pos, "DISTINCT is only allowed in aggregates"));
    if (AsciiLower(e.op) == "cast") {
      if (e.args.size() != 2 || e.args[1]->kind != ast::ExprKind::kIdent ||
          e.args[1]->path.size() != 1) {
        return Err(ErrorAt(e.pos,
                           "usage: cast(expr, type) with type one of int, long, "
                           "double, string, boolean"));
      }
      const Type t = CastTargetType(e.args[1]->path[0]);
      if (t == Type::kNull) {
        return Err(ErrorAt(e.args[1]->pos, "unknown type '" + e.args[1]->path[0] +
                                               "' in cast; use int, long, double, string or "
                                               "boolean"));
      }
      Result<CExpr> arg = Compile(*e.args[0], clause);
      if (!arg) return arg;
      CExpr c;
      c.op = Op::kCall;
      c.type = t;
      c.fn = CastValue;
      c.kids.push_back(std::move(*arg));
      return c;
    }
    const ScalarInfo* fn = FindScalar(e.op);
    static constexpr std::string_view kEsperOnly[] = {
        "prev",   "prior", "prevwindow", "prevtail", "prevcount", "window",    "maxby",   "minby",
        "sorted", "nth",   "leaving",    "rate",     "countever", "firstever", "lastever"};
    if (fn == nullptr && std::find(std::begin(kEsperOnly), std::end(kEsperOnly),
                                   AsciiLower(e.op)) != std::end(kEsperOnly)) {
      return Err(ErrorAt(e.pos, "Esper's " + e.op + "() is not supported by this engine"));
    }
    if (fn == nullptr) {
      std::string msg = "unknown function '" + e.op + "'";
      static constexpr std::string_view kNames[] = {
          "count",    "sum",    "avg",   "min",   "max",    "stddev", "avedev", "median", "first",
          "last",     "abs",    "round", "floor", "ceil",   "sqrt",   "pow",    "exp",    "ln",
          "coalesce", "substr", "upper", "lower", "length", "trim",   "concat", "cast"};
      std::string best;
      size_t best_d = 3;
      for (std::string_view n : kNames) {
        const size_t d = EditDistance(n, AsciiLower(e.op));
        if (d < best_d) {
          best_d = d;
          best = std::string(n);
        }
      }
      if (!best.empty()) msg += "; did you mean '" + best + "'?";
      return Err(ErrorAt(e.pos, msg));
    }
    const int n = static_cast<int>(e.args.size());
    if (n < fn->min_args || n > fn->max_args) {
      return Err(ErrorAt(e.pos, std::string(fn->name) + " got " + std::to_string(n) +
                                    " parameters, usage: " + std::string(fn->usage)));
    }
    CExpr c;
    c.op = Op::kCall;
    c.fn = fn->fn;
    std::vector<Type> types;
    for (const auto& a : e.args) {
      Result<CExpr> k = Compile(*a, clause);
      if (!k) return k;
      types.push_back(k->type);
      c.kids.push_back(std::move(*k));
    }
    c.type = fn->result(types);
    if (c.type == Type::kNull) {
      std::string got;
      for (Type t : types) got += (got.empty() ? "" : ", ") + std::string(TypeName(t));
      return Err(ErrorAt(e.pos, std::string(fn->name) + " does not accept (" + got +
                                    "), usage: " + std::string(fn->usage)));
    }
    return c;
  }

  Result<CExpr> Compile(const ast::Expr& e, Clause clause) {
    CExpr c;
    switch (e.kind) {
      case ast::ExprKind::kLiteral:
        c.op = Op::kConst;
        c.constant = e.value;
        c.type = e.value.type;
        return c;
      case ast::ExprKind::kTimePeriod:
        // A period in an expression is its length in milliseconds.
        c.op = Op::kConst;
        c.constant = Value::Int(static_cast<int64_t>(e.value.d));
        c.type = Type::kInt;
        return c;
      case ast::ExprKind::kStar:
        return Err(ErrorAt(e.pos, "'*' is only allowed in count(*) and SELECT *"));
      case ast::ExprKind::kIdent:
        return Field(e, clause);
      case ast::ExprKind::kCall:
        return Call(e, clause);
      default:
        break;
    }
    for (const auto& a : e.args) {
      Result<CExpr> k = Compile(*a, clause);
      if (!k) return k;
      c.kids.push_back(std::move(*k));
    }
    auto type_error = [&](const std::string& what) { return Err(ErrorAt(e.pos, what)); };
    switch (e.kind) {
      case ast::ExprKind::kUnary:
        if (e.op == "-") {
          if (!IsNumeric(c.kids[0].type) && c.kids[0].type != Type::kNull) {
            return type_error("cannot negate '" + e.args[0]->text + "' of type " +
                              std::string(TypeName(c.kids[0].type)));
          }
          c.op = Op::kNeg;
          c.type = c.kids[0].type == Type::kTime ? Type::kInt : c.kids[0].type;
        } else {
          SMARTCAR_RETURN_IF_ERROR(ExpectBool(c.kids[0], *e.args[0], clause));
          c.op = Op::kNot;
          c.type = Type::kBool;
        }
        return c;
      case ast::ExprKind::kBinary: {
        const Type a = c.kids[0].type, b = c.kids[1].type;
        const std::string& op = e.op;
        if (op == "AND" || op == "OR") {
          SMARTCAR_RETURN_IF_ERROR(ExpectBool(c.kids[0], *e.args[0], clause));
          SMARTCAR_RETURN_IF_ERROR(ExpectBool(c.kids[1], *e.args[1], clause));
          c.op = op == "AND" ? Op::kAnd : Op::kOr;
          c.type = Type::kBool;
          return c;
        }
        if (op == "||" || (op == "+" && (a == Type::kString || b == Type::kString))) {
          if ((a != Type::kString && a != Type::kNull) ||
              (b != Type::kString && b != Type::kNull)) {
            return type_error("operator '" + op + "' cannot join " + std::string(TypeName(a)) +
                              " and " + std::string(TypeName(b)) + "; use cast(x, string)");
          }
          c.op = Op::kConcat;
          c.type = Type::kString;
          return c;
        }
        if (op == "=" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") {
          CoerceTimeLiteral(c.kids[0], &c.kids[1]);
          CoerceTimeLiteral(c.kids[1], &c.kids[0]);
          const Type a = c.kids[0].type, b = c.kids[1].type;
          if (!Comparable(a, b)) {
            return type_error("operator '" + op + "' cannot compare " + std::string(TypeName(a)) +
                              " '" + e.args[0]->text + "' with " + std::string(TypeName(b)) + " '" +
                              e.args[1]->text + "'");
          }
          c.op = Op::kCmp;
          c.sub = op == "="    ? '='
                  : op == "!=" ? '!'
                  : op == "<"  ? '<'
                  : op == "<=" ? 'l'
                  : op == ">"  ? '>'
                               : 'g';
          c.type = Type::kBool;
          return c;
        }
        // + - * / %
        if ((!IsNumeric(a) && a != Type::kNull) || (!IsNumeric(b) && b != Type::kNull)) {
          return type_error("operator '" + op + "' needs numbers, but got " +
                            std::string(TypeName(a)) + " and " + std::string(TypeName(b)));
        }
        c.op = Op::kArith;
        c.sub = op[0];
        if (op == "/" || a == Type::kDouble || b == Type::kDouble) {
          c.type = Type::kDouble;
        } else if ((op == "+" || op == "-") && a == Type::kTime && b != Type::kTime) {
          c.type = Type::kTime;
        } else {
          c.type = Type::kInt;
        }
        return c;
      }
      case ast::ExprKind::kBetween:
      case ast::ExprKind::kIn:
        for (size_t i = 1; i < c.kids.size(); ++i) {
          CoerceTimeLiteral(c.kids[0], &c.kids[i]);
          if (!Comparable(c.kids[0].type, c.kids[i].type)) {
            return type_error("cannot compare " + std::string(TypeName(c.kids[0].type)) + " '" +
                              e.args[0]->text + "' with " + std::string(TypeName(c.kids[i].type)) +
                              " '" + e.args[i]->text + "'");
          }
        }
        c.op = e.kind == ast::ExprKind::kIn ? Op::kIn : Op::kBetween;
        c.negated = e.negated;
        c.type = Type::kBool;
        return c;
      case ast::ExprKind::kLike:
      case ast::ExprKind::kRegexp: {
        const bool like = e.kind == ast::ExprKind::kLike;
        for (size_t i = 0; i < 2; ++i) {
          if (c.kids[i].type != Type::kString && c.kids[i].type != Type::kNull) {
            return type_error(std::string(like ? "LIKE" : "REGEXP") + " needs strings, but '" +
                              e.args[i]->text + "' is " + std::string(TypeName(c.kids[i].type)));
          }
        }
        c.op = like ? Op::kLike : Op::kRegexp;
        c.negated = e.negated;
        c.type = Type::kBool;
        if (!like && c.kids[1].op == Op::kConst && c.kids[1].type == Type::kString) {
          Result<std::shared_ptr<const RegexMatcher>> re =
              RegexMatcher::Compile(c.kids[1].constant.s);
          if (!re) {
            return Err(ErrorAt(e.args[1]->pos, "invalid regular expression " +
                                                   ToDisplay(c.kids[1].constant) + ": " +
                                                   re.error().message()));
          }
          c.regex = *re;
        }
        return c;
      }
      case ast::ExprKind::kIsNull:
        c.op = Op::kIsNull;
        c.negated = e.negated;
        c.type = Type::kBool;
        return c;
      case ast::ExprKind::kCase: {
        c.op = Op::kCase;
        c.has_operand = e.has_operand;
        c.has_else = e.has_else;
        size_t i = e.has_operand ? 1 : 0;
        const size_t pairs_end = c.kids.size() - (e.has_else ? 1 : 0);
        Type result = Type::kNull;
        auto merge = [&](const CExpr& k, const ast::Expr& src) -> Status {
          if (k.type == Type::kNull) return Status::OK();
          if (result == Type::kNull) {
            result = k.type;
          } else if (result != k.type) {
            if (IsNumeric(result) && IsNumeric(k.type)) {
              result = Type::kDouble;
            } else {
              return ErrorAt(src.pos, "CASE results mix " + std::string(TypeName(result)) +
                                          " and " + std::string(TypeName(k.type)) + " ('" +
                                          src.text + "')");
            }
          }
          return Status::OK();
        };
        for (; i < pairs_end; i += 2) {
          if (e.has_operand) {
            if (!Comparable(c.kids[0].type, c.kids[i].type)) {
              return type_error("CASE operand '" + e.args[0]->text + "' cannot be compared with '" +
                                e.args[i]->text + "'");
            }
          } else {
            SMARTCAR_RETURN_IF_ERROR(ExpectBool(c.kids[i], *e.args[i], clause));
          }
          SMARTCAR_RETURN_IF_ERROR(merge(c.kids[i + 1], *e.args[i + 1]));
        }
        if (e.has_else) SMARTCAR_RETURN_IF_ERROR(merge(c.kids.back(), *e.args.back()));
        c.type = result;
        return c;
      }
      default:
        break;
    }
    return type_error("unsupported expression '" + e.text + "'");
  }

  const ast::Statement& s_;
  std::vector<AggSpec>* aggs_;  // The statement's aggregate slots.
  const EventType* in_ = nullptr;
  int agg_depth_ = 0;
  bool props_outside_ = false;
  std::set<int> group_fields_;
  std::vector<std::string> agg_texts_;
  const ast::SelectItem* select_item_ = nullptr;
};

ExprBinder::ExprBinder(const ast::Statement& s, const EventType* in, std::vector<AggSpec>* aggs)
    : impl_(std::make_unique<Impl>(s, in, aggs)) {}
ExprBinder::~ExprBinder() = default;

Result<CExpr> ExprBinder::Bind(const ast::Expr& e, Clause clause) {
  return impl_->Compile(e, clause);
}

Status ExprBinder::ExpectBool(const CExpr& c, const ast::Expr& e, Clause clause) {
  return impl_->ExpectBool(c, e, clause);
}

void ExprBinder::GroupedBy(const CExpr& c) {
  if (c.op == Op::kField) impl_->group_fields_.insert(c.index);
}

void ExprBinder::SelectsField(int index) {
  if (impl_->group_fields_.count(index) == 0) impl_->props_outside_ = true;
}

void ExprBinder::SetSelectItem(const ast::SelectItem* item) { impl_->select_item_ = item; }

bool ExprBinder::ReadsUngroupedFields() const { return impl_->props_outside_; }

}  // namespace smartcar::cep
