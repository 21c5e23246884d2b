// The planner: a checked statement → StatementPlan (DuckDB's planner after its binder). It looks
// up the input type, picks the window from the registry, binds every clause through the
// analyzer's ExprBinder, decides how aggregates are kept (batch windows: append-only), the
// output policy and the output stream (INSERT INTO defines or reuses a stream in the catalog).
#include "cep/planner/planner.h"

#include <algorithm>
#include <set>

#include "cep/parser/parser.h"
#include "cep/windows/registry.h"
#include "core/ascii.h"

namespace smartcar::cep {
namespace {

constexpr std::string_view kAnnotations[] = {"Name",  "Description",    "Tag", "Priority", "Hint",
                                             "Audit", "AllowedLateness"};

// Plans one statement into *plan (name, annotations and canonical text already set).
Status PlanStatement(const ast::Statement& s_, Catalog* catalog, StatementPlan* plan_) {
  const ast::FromClause& from = s_.from;
  const auto* type = catalog->Find(from.type);
  if (type == nullptr) {
    std::string msg = "unknown event type '" + from.type + "'";
    std::string best;
    size_t best_d = 3;
    for (const std::string& n : catalog->Names()) {
      const size_t d = EditDistance(AsciiLower(n), AsciiLower(from.type));
      if (d < best_d) {
        best_d = d;
        best = n;
      }
    }
    if (!best.empty()) msg += "; did you mean '" + best + "'?";
    return ErrorAt(from.pos, msg);
  }
  plan_->input = *type;
  const EventType* in_ = type->get();
  ExprBinder binder(s_, in_, &plan_->aggs);
  if (from.filter) {
    Result<CExpr> f = binder.Bind(*from.filter, Clause::kFilter);
    if (!f) return f.error();
    SMARTCAR_RETURN_IF_ERROR(binder.ExpectBool(*f, *from.filter, Clause::kFilter));
    plan_->filter = std::move(*f);
  }
  if (from.views.size() > 1) {
    return ErrorAt(from.views[1].pos, "only one data window per stream is supported, got " +
                                          from.views[1].Spelling() + " after " +
                                          from.views[0].Spelling());
  }
  if (from.views.empty()) {
    plan_->window = KeepAllFactory();
  } else {
    Result<std::shared_ptr<const WindowFactory>> w = MakeWindow(from.views[0], *in_);
    if (!w) return w.error();
    plan_->window = *w;
  }
  if (s_.where) {
    Result<CExpr> w = binder.Bind(*s_.where, Clause::kWhere);
    if (!w) return w.error();
    SMARTCAR_RETURN_IF_ERROR(binder.ExpectBool(*w, *s_.where, Clause::kWhere));
    plan_->where = std::move(*w);
  }
  for (const auto& g : s_.group_by) {
    Result<CExpr> c = binder.Bind(*g, Clause::kGroupBy);
    if (!c) return c.error();
    binder.GroupedBy(*c);
    plan_->group_by.push_back(std::move(*c));
  }
  for (const ast::SelectItem& item : s_.select) {
    if (item.star) {
      for (size_t i = 0; i < in_->fields.size(); ++i) {
        CExpr f;
        f.op = Op::kField;
        f.index = static_cast<int>(i);
        f.type = in_->fields[i].type;
        binder.SelectsField(static_cast<int>(i));
        plan_->columns.push_back(in_->fields[i].name);
        plan_->select.push_back(std::move(f));
      }
      continue;
    }
    binder.SetSelectItem(&item);
    Result<CExpr> c = binder.Bind(*item.expr, Clause::kSelect);
    binder.SetSelectItem(nullptr);
    if (!c) return c.error();
    std::string name = item.alias.empty() ? item.expr->text : item.alias;
    if (std::find(plan_->columns.begin(), plan_->columns.end(), name) != plan_->columns.end()) {
      return ErrorAt(item.pos, "duplicate column name '" + name + "'; use AS to rename it");
    }
    plan_->columns.push_back(std::move(name));
    plan_->select.push_back(std::move(*c));
  }
  plan_->ungrouped_props = binder.ReadsUngroupedFields();
  if (s_.having) {
    Result<CExpr> h = binder.Bind(*s_.having, Clause::kHaving);
    if (!h) return h.error();
    SMARTCAR_RETURN_IF_ERROR(binder.ExpectBool(*h, *s_.having, Clause::kHaving));
    plan_->having = std::move(*h);
  }
  for (const ast::OrderItem& o : s_.order_by) {
    Result<CExpr> c = binder.Bind(*o.expr, Clause::kOrderBy);
    if (!c) return c.error();
    plan_->order_by.push_back(std::move(*c));
    plan_->descending.push_back(o.descending);
  }
  plan_->aggregated = !plan_->aggs.empty() || !plan_->group_by.empty();
  // A batch window starts every batch with fresh aggregates and never retracts: min/max can
  // keep a running extreme (O(1) per event and per group).
  if (plan_->window->batch()) {
    for (AggSpec& a : plan_->aggs) a.append_only = true;
  }
  if (from.views.empty()) {
    for (AggSpec& a : plan_->aggs) {
      a.ever = a.kind == AggKind::kFirst || a.kind == AggKind::kLast;
    }
  }
  for (AggSpec& a : plan_->aggs) {
    a.slot = StatelessAggregate(a) ? -1 : static_cast<int>(plan_->agg_slots++);
  }
  if (plan_->having && !plan_->aggregated) {
    // Esper allows HAVING without aggregates; it then acts as a filter on output rows.
  }
  plan_->distinct = s_.distinct;
  plan_->limit = s_.limit;
  plan_->offset = s_.offset;
  if (s_.output) {
    const ast::OutputClause& o = *s_.output;
    if (o.mode == ast::OutputClause::Mode::kSnapshot) {
      return ErrorAt(o.pos, "OUTPUT SNAPSHOT is not supported; use OUTPUT ALL, FIRST or LAST");
    }
    plan_->output.present = true;
    switch (o.mode) {
      case ast::OutputClause::Mode::kFirst:
        plan_->output.mode = OutputPolicy::Mode::kFirst;
        break;
      case ast::OutputClause::Mode::kLast:
        plan_->output.mode = OutputPolicy::Mode::kLast;
        break;
      case ast::OutputClause::Mode::kAll:
        plan_->output.mode = OutputPolicy::Mode::kAll;
        break;
      default:
        plan_->output.mode = OutputPolicy::Mode::kDefault;
        break;
    }
    plan_->output.events = o.events;
    if (o.events && (o.every < 1 || o.every != static_cast<double>(static_cast<int64_t>(
                                                   std::min(o.every, 1e15))))) {
      return ErrorAt(o.pos, "OUTPUT EVERY n EVENTS needs a positive whole number");
    }
    if (!o.events && !(o.every >= 1 && o.every <= 1e15)) {
      return ErrorAt(o.pos, "OUTPUT EVERY needs a time period of at least 1 msec");
    }
    plan_->output.every = static_cast<int64_t>(o.every);
  }
  // The output stream type.
  auto out = std::make_shared<EventType>();
  out->name = s_.insert_into.empty() ? plan_->name : s_.insert_into;
  for (size_t i = 0; i < plan_->columns.size(); ++i) {
    out->fields.push_back({plan_->columns[i], "", plan_->select[i].type});
  }
  if (!s_.insert_into.empty()) {
    if (in_->HasName(s_.insert_into)) {
      return ErrorAt(s_.insert_pos,
                     "statement inserts into '" + s_.insert_into + "', the stream it selects from");
    }
    const auto* existing = catalog->Find(s_.insert_into);
    if (existing != nullptr) {
      const EventType& e = **existing;
      bool same = !e.is_driver && e.fields.size() == out->fields.size();
      for (size_t i = 0; same && i < e.fields.size(); ++i) {
        same = e.fields[i].name == out->fields[i].name && e.fields[i].type == out->fields[i].type;
      }
      if (!same) {
        return ErrorAt(s_.insert_pos,
                       "stream '" + s_.insert_into + "' is already defined with different columns");
      }
      plan_->output_type = *existing;
    } else {
      plan_->output_type = out;
      catalog->Add(out);
    }
    plan_->insert_into = s_.insert_into;
  } else {
    plan_->output_type = out;
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<std::shared_ptr<const StatementPlan>>> PlanStatements(
    const std::vector<ast::Statement>& statements, Catalog* catalog) {
  std::vector<std::shared_ptr<const StatementPlan>> out;
  std::set<std::string> names;
  for (size_t i = 0; i < statements.size(); ++i) {
    const ast::Statement& s = statements[i];
    auto plan = std::make_shared<StatementPlan>();
    plan->name = "stmt-" + std::to_string(i + 1);
    plan->canonical = s.canonical;
    plan->line = s.pos.line;
    for (const ast::Annotation& a : s.annotations) {
      const bool known =
          std::any_of(std::begin(kAnnotations), std::end(kAnnotations),
                      [&](std::string_view k) { return EqualsIgnoreAsciiCase(k, a.name); });
      if (!known) {
        return Err(ErrorAt(a.pos, "unknown annotation '@" + a.name +
                                      "'; known: @Name, @AllowedLateness, @Description, @Tag, "
                                      "@Priority, @Hint, @Audit"));
      }
      if (AsciiLower(a.name) == "name") {
        if (a.value.empty()) return Err(ErrorAt(a.pos, "@Name needs a non-empty name"));
        plan->name = a.value;
      }
      // @AllowedLateness('10 sec'), or its spelling that Esper also compiles (and ignores):
      // @Tag(name='AllowedLateness', value='10 sec').
      std::string lateness;
      bool has_lateness = false;
      if (AsciiLower(a.name) == "allowedlateness") {
        lateness = a.value;
        has_lateness = true;
      } else if (AsciiLower(a.name) == "tag") {
        bool has_value = false;
        for (const auto& [attr, v] : a.attributes) {
          has_lateness |= attr == "name" && AsciiLower(v) == "allowedlateness";
          has_value |= attr == "value";
        }
        if (has_lateness && !has_value) {
          return Err(ErrorAt(a.pos, "@Tag(name='AllowedLateness') needs value='<time period>'"));
        }
        lateness = a.value;
      }
      if (has_lateness) {
        Result<int64_t> ms = parser::ParseTimePeriodText(lateness);
        if (!ms) return Err(ErrorAt(a.pos, "@AllowedLateness: " + ms.error().message()));
        plan->allowed_lateness_ms = *ms;
      }
    }
    if (!names.insert(plan->name).second) {
      return Err(ErrorAt(s.pos, "duplicate statement name '" + plan->name + "'"));
    }
    SMARTCAR_RETURN_IF_ERROR(PlanStatement(s, catalog, plan.get()));
    out.push_back(std::move(plan));
  }
  return out;
}

}  // namespace smartcar::cep
