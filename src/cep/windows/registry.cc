// The data-window table (win:time, time_batch, ext_timed, ext_timed_batch, length, length_batch,
// keepall; std:unique, lastevent), MakeWindow's name and arity checks, and the shared parameter
// readers (a bare number as a period means seconds, as in Esper).
#include "cep/windows/registry.h"

#include "cep/parser/lexer.h"
#include "cep/windows/makers.h"

namespace smartcar::cep {

namespace {

Status ParamError(const ast::View& view, size_t i, std::string_view what) {
  const ast::Pos p = i < view.params.size() ? view.params[i]->pos : view.pos;
  return Status::InvalidArgument(parser::Where(p.line, p.column) + ": " + view.Spelling() +
                                 " parameter " + std::to_string(i + 1) + " must be " +
                                 std::string(what));
}

}  // namespace

const std::vector<WindowEntry>& WindowRegistry() {
  static const std::vector<WindowEntry> entries = {
      {"win", "time", 1, 1, "win:time(period)", MakeTime},
      {"win", "time_batch", 1, 1, "win:time_batch(period)", MakeTimeBatch},
      {"win", "ext_timed", 2, 2, "win:ext_timed(timestamp field, period)", MakeExtTimed},
      {"win", "ext_timed_batch", 2, 3,
       "win:ext_timed_batch(timestamp field, period[, reference point msec])", MakeExtTimedBatch},
      {"win", "length", 1, 1, "win:length(count)", MakeLength},
      {"win", "length_batch", 1, 1, "win:length_batch(count)", MakeLengthBatch},
      {"win", "keepall", 0, 0, "win:keepall()", MakeKeepAll},
      {"std", "unique", 1, 1, "std:unique(field)", MakeUnique},
      {"std", "lastevent", 0, 0, "std:lastevent()", MakeLastEvent},
  };
  return entries;
}

std::string WindowUsages() {
  std::string out;
  for (const WindowEntry& e : WindowRegistry()) {
    if (!out.empty()) out += "; ";
    out += e.usage;
  }
  return out;
}

Result<std::shared_ptr<const WindowFactory>> MakeWindow(const ast::View& view,
                                                        const EventType& type) {
  for (const WindowEntry& e : WindowRegistry()) {
    if (e.name != view.name || (!view.ns.empty() && view.ns != e.ns)) continue;
    const int n = static_cast<int>(view.params.size());
    if (n < e.min_args || n > e.max_args) {
      std::string count = e.min_args == e.max_args
                              ? std::to_string(e.min_args)
                              : std::to_string(e.min_args) + " to " + std::to_string(e.max_args);
      return Err(Status::InvalidArgument(
          parser::Where(view.pos.line, view.pos.column) + ": " + view.Spelling() + " expects " +
          count + (e.max_args == 1 ? " parameter" : " parameters") + " but got " +
          std::to_string(n) + ", usage: " + std::string(e.usage)));
    }
    return e.make(view, type);
  }
  return Err(Status::InvalidArgument(parser::Where(view.pos.line, view.pos.column) +
                                     ": unknown view '" + view.Spelling() +
                                     "', known views: " + WindowUsages()));
}

Result<int64_t> PeriodParam(const ast::View& view, size_t i) {
  const ast::Expr& e = *view.params[i];
  double ms = -1;
  if (e.kind == ast::ExprKind::kTimePeriod) {
    ms = e.value.d;
  } else if (e.kind == ast::ExprKind::kLiteral && IsNumeric(e.value.type)) {
    ms = e.value.AsDouble() * 1000;  // A bare number means seconds (Esper).
  } else {
    return Err(ParamError(view, i, "a time period such as 30 sec or 1 min 30 sec"));
  }
  if (!(ms >= 1) || ms > 1e15) {
    return Err(ParamError(view, i, "a time period of at least 1 msec"));
  }
  return static_cast<int64_t>(ms);
}

Result<int64_t> CountParam(const ast::View& view, size_t i) {
  const ast::Expr& e = *view.params[i];
  if (e.kind != ast::ExprKind::kLiteral || e.value.type != Type::kInt || e.value.i <= 0 ||
      e.value.i > 100'000'000) {
    return Err(ParamError(view, i, "a positive integer count (at most 100000000)"));
  }
  return e.value.i;
}

Result<int> FieldParam(const ast::View& view, size_t i, const EventType& type) {
  const ast::Expr& e = *view.params[i];
  if (e.kind != ast::ExprKind::kIdent || e.path.size() != 1) {
    return Err(ParamError(view, i, "a field name of " + type.name));
  }
  const int f = type.FindField(e.path[0]);
  if (f < 0) {
    std::string msg = parser::Where(e.pos.line, e.pos.column) + ": unknown field '" + e.path[0] +
                      "' in " + type.name;
    const std::string s = type.Suggest(e.path[0]);
    if (!s.empty()) msg += "; did you mean '" + s + "'?";
    return Err(Status::InvalidArgument(msg));
  }
  return f;
}

Result<int> TimestampFieldParam(const ast::View& view, size_t i, const EventType& type) {
  Result<int> field = FieldParam(view, i, type);
  if (!field) return field;
  const Type ft = type.fields[static_cast<size_t>(*field)].type;
  if (ft != Type::kTime && ft != Type::kInt) {
    const ast::Pos p = view.params[i]->pos;
    return Err(Status::InvalidArgument("line " + std::to_string(p.line) + " column " +
                                       std::to_string(p.column) + ": " + view.Spelling() +
                                       " needs a timestamp field (time or long), but '" +
                                       view.params[i]->text + "' is " + std::string(TypeName(ft))));
  }
  return field;
}

}  // namespace smartcar::cep
