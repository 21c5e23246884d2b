// Compile (lex → parse → plan an EPL file into a CompiledRule) and Engine: deployments by name,
// hot Replace that keeps unchanged statements' state, event routing by type (INSERT INTO
// streams included), the virtual processing clock, watermarks and late-event delivery.
#include "cep/engine.h"

#include <algorithm>
#include <deque>
#include <map>

#include "cep/planner/planner.h"
#include "cep/parser/parser.h"
#include "cep/runtime/statement.h"
#include "cep/windows/registry.h"

namespace smartcar::cep {

CompiledRule::CompiledRule() = default;
CompiledRule::~CompiledRule() = default;
CompiledRule::CompiledRule(const CompiledRule&) = default;
CompiledRule& CompiledRule::operator=(const CompiledRule&) = default;
CompiledRule::CompiledRule(CompiledRule&&) noexcept = default;
CompiledRule& CompiledRule::operator=(CompiledRule&&) noexcept = default;

std::vector<std::string> CompiledRule::statement_names() const {
  std::vector<std::string> out;
  for (const auto& p : plans_) out.push_back(p->name);
  return out;
}

std::vector<std::string> CompiledRule::columns(std::string_view name) const {
  for (const auto& p : plans_) {
    if (p->name == name) return p->columns;
  }
  return {};
}

std::string LanguageHelp() {
  std::string out = "Views:";
  for (const WindowEntry& e : WindowRegistry()) out += "\n  " + std::string(e.usage);
  out +=
      "\n  (Esper 8 spellings too: #time(30 sec), #length(10), ...)"
      "\nAggregates: count(*), count([distinct] x), sum, avg, min, max, stddev, avedev, median, "
      "first, last"
      "\nAnnotations: @Name('n') names the statement; @Description, @Tag, @Priority, @Hint, @Audit "
      "are accepted and ignored, as in Esper."
      "\n  Opt-ins beyond Esper (default: Esper's behaviour):"
      "\n  @AllowedLateness('10 sec'), or @Tag(name='AllowedLateness', value='10 sec') which Esper"
      "\n    also compiles: event-time views close a window only once events up to that far"
      "\n    behind the newest are in; later events are reported as late (Esper: an older event"
      "\n    joins the window being collected). rules run --lateness sets it for all statements."
      "\n  win:ext_timed_batch(date, 30 sec, 0L): a reference point (Esper's own third parameter)"
      "\n    puts the batches on a fixed grid (0L: the epoch), so a replay cuts the same windows;"
      "\n    without it the grid starts at the first event, as in Esper."
      "\nEvent type DriverCarInfo (alias DriverCarInfoBean): date, car_number/carNumber, "
      "speed_pedal/speedPedal, break_pedal/breakPedal, steer_angle/steerAngle, "
      "direct_light/directLight, speed, area_number/areaNumber";
  return out;
}

Result<CompiledRule> Compile(std::string_view epl) {
  Result<std::vector<ast::Statement>> parsed = parser::ParseRules(epl);
  if (!parsed) return Err(parsed.error());
  if (parsed->empty()) return Err(Status::InvalidArgument("the rule file has no statements"));
  Catalog catalog;
  Result<std::vector<std::shared_ptr<const StatementPlan>>> plans = PlanStatements(*parsed, &catalog);
  if (!plans) return Err(plans.error());
  CompiledRule rule;
  rule.plans_ = std::move(*plans);
  return rule;
}

struct Engine::Impl final : public StatementOutput {
  struct Deployed {
    std::string deployment;
    std::unique_ptr<Statement> statement;
  };
  struct Routed {
    std::shared_ptr<const EventType> type;  // the producing statement's output type
    std::shared_ptr<const Row> row;
    int depth;
  };
  static constexpr int kMaxRouteDepth = 16;

  EngineOptions options;
  Listener listener;
  std::vector<Deployed> statements;  // deployment order
  std::deque<Routed> queue;
  int64_t now = 0;
  uint64_t sent = 0;
  OutputEvent::Trigger trigger = OutputEvent::Trigger::kEvent;
  int64_t watermark = 0;
  int current_depth = 0;

  Statement* Find(std::string_view name) const {
    for (const Deployed& d : statements) {
      if (d.statement->plan().name == name) return d.statement.get();
    }
    return nullptr;
  }

  OutputEvent Base(const StatementPlan& plan) const {
    OutputEvent ev;
    ev.statement = plan.name;
    ev.trigger = trigger;
    ev.event_index = sent;
    ev.time_ms = now;
    ev.watermark_ms = watermark;
    return ev;
  }

  void EmitRows(const StatementPlan& plan, std::vector<Row>* rows) override {
    for (Row& row : *rows) {
      if (listener) {
        OutputEvent ev = Base(plan);
        ev.columns = &plan.columns;
        ev.row = &row;
        listener(ev);
      }
      if (!plan.insert_into.empty() && current_depth < kMaxRouteDepth) {
        queue.push_back(
            {plan.output_type, std::make_shared<const Row>(std::move(row)), current_depth + 1});
      }
    }
  }

  void EmitLate(const StatementPlan& plan, const StoredEvent& e) override {
    if (!listener) return;
    std::vector<std::string> names;
    Row row;
    for (size_t i = 0; i < plan.input->fields.size(); ++i) {
      names.push_back(plan.input->fields[i].name);
      row.push_back(GetField(e, static_cast<int>(i)));
    }
    OutputEvent ev = Base(plan);
    ev.columns = &names;
    ev.row = &row;
    ev.late = true;
    listener(ev);
  }

  void Drain() {
    while (!queue.empty()) {
      Routed r = std::move(queue.front());
      queue.pop_front();
      current_depth = r.depth;
      StoredEvent e;
      e.row = r.row;
      for (Deployed& d : statements) {
        const EventType& in = *d.statement->plan().input;
        // Streams are matched by name; a statement compiled against another definition of the
        // stream (another deployment) only sees rows of the same schema.
        if (!in.is_driver && in.name == r.type->name && SameSchema(in, *r.type)) {
          d.statement->Send(e, now);
        }
      }
    }
    current_depth = 0;
  }

  Status CheckNames(std::string_view deployment, const CompiledRule& rule) const {
    for (const auto& p : rule.statements()) {
      for (const Deployed& d : statements) {
        if (d.deployment != deployment && d.statement->plan().name == p->name) {
          return Status::InvalidArgument("statement name '" + p->name +
                                         "' is already used by deployment '" + d.deployment + "'");
        }
      }
    }
    return Status::OK();
  }
};

Engine::Engine(const EngineOptions& options, Listener listener) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->listener = std::move(listener);
}

Engine::~Engine() = default;

Status Engine::Deploy(std::string_view deployment, const CompiledRule& rule) {
  for (const Impl::Deployed& d : impl_->statements) {
    if (d.deployment == deployment) {
      return Status::InvalidArgument("deployment '" + std::string(deployment) +
                                     "' already exists; use Replace to reload it");
    }
  }
  SMARTCAR_RETURN_IF_ERROR(impl_->CheckNames(deployment, rule));
  const WindowContext ctx{impl_->options.allowed_lateness_ms,
                          impl_->options.event_time_from_events};
  for (const auto& p : rule.statements()) {
    impl_->statements.push_back(
        {std::string(deployment), std::make_unique<Statement>(p, ctx, impl_.get())});
  }
  return Status::OK();
}

Status Engine::Replace(std::string_view deployment, const CompiledRule& rule) {
  SMARTCAR_RETURN_IF_ERROR(impl_->CheckNames(deployment, rule));
  const WindowContext ctx{impl_->options.allowed_lateness_ms,
                          impl_->options.event_time_from_events};
  // Pull out this deployment's statements, keyed by name.
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> old;
  size_t insert_at = impl_->statements.size();
  for (size_t i = 0; i < impl_->statements.size();) {
    Impl::Deployed& d = impl_->statements[i];
    if (d.deployment == deployment) {
      insert_at = std::min(insert_at, i);
      old[d.statement->plan().name] = std::move(d.statement);
      impl_->statements.erase(impl_->statements.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  std::vector<Impl::Deployed> fresh;
  for (const auto& p : rule.statements()) {
    auto it = old.find(p->name);
    // Unchanged means same text and same input schema (an upstream INSERT INTO may have
    // changed the columns this statement reads).
    if (it != old.end() && it->second->plan().canonical == p->canonical &&
        SameSchema(*it->second->plan().input, *p->input)) {
      fresh.push_back({std::string(deployment), std::move(it->second)});  // keeps its state
    } else {
      fresh.push_back(
          {std::string(deployment), std::make_unique<Statement>(p, ctx, impl_.get())});
    }
  }
  impl_->statements.insert(impl_->statements.begin() + static_cast<std::ptrdiff_t>(insert_at),
                           std::make_move_iterator(fresh.begin()),
                           std::make_move_iterator(fresh.end()));
  return Status::OK();
}

Status Engine::Undeploy(std::string_view deployment) {
  const size_t before = impl_->statements.size();
  std::erase_if(impl_->statements,
                [&](const Impl::Deployed& d) { return d.deployment == deployment; });
  if (impl_->statements.size() == before) {
    return Status::NotFound("no deployment named '" + std::string(deployment) + "'");
  }
  return Status::OK();
}

void Engine::Send(const DriverEvent& event) {
  ++impl_->sent;
  impl_->trigger = OutputEvent::Trigger::kEvent;
  StoredEvent e;
  e.driver = event;
  for (Impl::Deployed& d : impl_->statements) {
    if (d.statement->plan().input->is_driver) d.statement->Send(e, impl_->now);
  }
  impl_->Drain();
}

Status Engine::AdvanceTime(int64_t time_ms) {
  if (time_ms < impl_->now) {
    return Status::InvalidArgument("time cannot go backwards: the clock is at " +
                                   std::to_string(impl_->now) + " ms, asked for " +
                                   std::to_string(time_ms) + " ms");
  }
  impl_->trigger = OutputEvent::Trigger::kTime;
  while (true) {
    std::optional<int64_t> next;
    for (const Impl::Deployed& d : impl_->statements) {
      std::optional<int64_t> t = d.statement->NextTimer();
      if (t && (!next || *t < *next)) next = t;
    }
    if (!next || *next > time_ms) break;
    impl_->now = std::max(impl_->now, *next);
    for (Impl::Deployed& d : impl_->statements) {
      std::optional<int64_t> t = d.statement->NextTimer();
      if (t && *t <= impl_->now) d.statement->OnTime(impl_->now);
    }
    impl_->Drain();
  }
  impl_->now = time_ms;
  return Status::OK();
}

void Engine::AdvanceWatermark(EventTimeMs watermark) {
  impl_->trigger = OutputEvent::Trigger::kWatermark;
  impl_->watermark = watermark.value;
  for (Impl::Deployed& d : impl_->statements) {
    d.statement->OnWatermark(watermark.value, impl_->now);
  }
  impl_->Drain();
}

void Engine::AdvanceEventTime(EventTimeMs event_time) {
  impl_->trigger = OutputEvent::Trigger::kWatermark;
  impl_->watermark = event_time.value;
  for (Impl::Deployed& d : impl_->statements) {
    d.statement->OnEventTime(event_time.value, impl_->now);
  }
  impl_->Drain();
}

void Engine::Flush() {
  impl_->trigger = OutputEvent::Trigger::kFlush;
  for (Impl::Deployed& d : impl_->statements) {
    d.statement->Flush(impl_->now);
    impl_->Drain();
  }
}

int64_t Engine::now_ms() const { return impl_->now; }
uint64_t Engine::events_sent() const { return impl_->sent; }

uint64_t Engine::late_events(std::string_view name) const {
  const Statement* s = impl_->Find(name);
  return s ? s->late_events() : 0;
}

std::vector<std::string> Engine::statement_names() const {
  std::vector<std::string> out;
  for (const Impl::Deployed& d : impl_->statements) out.push_back(d.statement->plan().name);
  return out;
}

size_t Engine::MemoryBytes() const {
  size_t b = sizeof(Impl);
  for (const Impl::Deployed& d : impl_->statements) b += d.statement->MemoryBytes();
  return b;
}

size_t Engine::TEST_GroupCount(std::string_view name) const {
  const Statement* s = impl_->Find(name);
  return s ? s->group_count() : 0;
}

const Value* OutputEvent::Column(std::string_view name) const {
  if (columns == nullptr || row == nullptr) return nullptr;
  for (size_t i = 0; i < columns->size() && i < row->size(); ++i) {
    if ((*columns)[i] == name) return &(*row)[i];
  }
  return nullptr;
}

}  // namespace smartcar::cep
