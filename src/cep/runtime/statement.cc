// Statement: the stream filter before the window, WHERE on what the window adds and removes,
// group aggregates updated incrementally (one GroupTable per open batch), HAVING, then DISTINCT,
// ORDER BY, OFFSET / LIMIT and the OUTPUT [FIRST | LAST] EVERY policy before rows are emitted.
// One file (~580 lines) because these steps are the methods of one class sharing its group
// tables, row context and output buffers on the hot path; windows, aggregates and expressions
// live in their own folders.
#include "cep/runtime/statement.h"

#include <algorithm>
#include <set>

#include "cep/runtime/expr.h"
#include "cep/windows/makers.h"

namespace smartcar::cep {

namespace {

// The aggregate states that keep an AggExtra (freed by their group table).
std::vector<uint16_t> ExtraSlots(const StatementPlan& p) {
  std::vector<uint16_t> slots;
  for (const AggSpec& spec : p.aggs) {
    if (spec.slot >= 0 && UsesExtra(spec)) slots.push_back(static_cast<uint16_t>(spec.slot));
  }
  return slots;
}

}  // namespace

Statement::Statement(std::shared_ptr<const StatementPlan> plan, const WindowContext& ctx,
                     StatementOutput* out)
    : plan_(std::move(plan)),
      out_(out),
      window_(plan_->window->Create(
          plan_->allowed_lateness_ms
              ? WindowContext{*plan_->allowed_lateness_ms, ctx.event_time_from_events}
              : ctx)),
      batch_(plan_->window->batch()),
      streaming_(!plan_->distinct && plan_->order_by.empty() && plan_->offset == 0 &&
                 !plan_->limit && !plan_->output.present),
      extra_slots_(ExtraSlots(*plan_)),
      groups_(plan_->agg_slots, extra_slots_),
      prev_groups_(plan_->agg_slots, extra_slots_),
      empty_aggs_(plan_->agg_slots),
      spare_(plan_->agg_slots, extra_slots_) {
  keep_prev_ = batch_ && plan_->aggregated && !plan_->ungrouped_props && !plan_->group_by.empty() &&
               EmptyGroupMayPass();
  const OutputPolicy& o = plan_->output;
  track_ = o.present && plan_->aggregated &&
           (o.mode == OutputPolicy::Mode::kAll || o.mode == OutputPolicy::Mode::kLast ||
            (o.mode == OutputPolicy::Mode::kDefault && plan_->group_by.empty()) ||
            (o.mode == OutputPolicy::Mode::kFirst && !plan_->group_by.empty()));
}

namespace {

// Whether `e` reads an event field outside an aggregate.
bool ReadsFields(const CExpr& e) {
  if (e.op == Op::kAgg) return false;
  if (e.op == Op::kField) return true;
  for (const CExpr& k : e.kids) {
    if (ReadsFields(k)) return true;
  }
  return false;
}

}  // namespace

bool Statement::EmptyGroupMayPass() const {
  if (!plan_->having) return true;
  if (ReadsFields(*plan_->having)) return true;  // depends on the group: assume it may
  return EvalPredicate(*plan_->having, EvalCtx{nullptr, empty_aggs_.data(), plan_->aggs.data()});
}

Statement::~Statement() = default;

bool Statement::PassesWhere(const StoredEvent& e) const {
  if (!plan_->where) return true;
  return EvalPredicate(*plan_->where, EvalCtx{&e, nullptr, nullptr});
}

void Statement::BuildKey(const StoredEvent& e) {
  key_.clear();
  const EvalCtx ctx{&e, nullptr, nullptr};
  for (const CExpr& g : plan_->group_by) {
    if (g.op == Op::kField) {
      AppendFieldKey(e, g.index, &key_);
    } else {
      AppendKey(Eval(g, ctx), &key_);
    }
  }
}

void Statement::Enter(GroupTable* t, uint32_t gi, const StoredEvent& e) {
  const EvalCtx ctx{&e, nullptr, nullptr};
  AggState* aggs = t->aggs(gi);
  for (const AggSpec& spec : plan_->aggs) {
    if (spec.slot < 0) continue;  // read from g.last and g.count
    AggState* s = aggs + spec.slot;
    int64_t v;
    if (spec.arg.op == Op::kField && GetIntField(e, spec.arg.index, &v) &&
        AggEnterIntFast(spec, s, v)) {
      // done without building a Value
    } else {
      AggEnter(spec, s, Eval(spec.arg, ctx));
    }
  }
  t->Add(gi, e);
}

void Statement::Leave(GroupTable* t, uint32_t gi, const StoredEvent& e) {
  const EvalCtx ctx{&e, nullptr, nullptr};
  AggState* aggs = t->aggs(gi);
  for (const AggSpec& spec : plan_->aggs) {
    if (spec.slot < 0) continue;
    AggLeave(spec, aggs + spec.slot, Eval(spec.arg, ctx));
  }
  t->Remove(gi);
}

EvalCtx Statement::RowCtx(const StoredEvent* e, GroupView g, const AggState* aggs) const {
  return EvalCtx{e, aggs, plan_->aggs.data(), g.count > 0 ? g.last : nullptr, g.count};
}

void Statement::AddGroupRow(const GroupTable& t, uint32_t g) {
  const StoredEvent last = t.Last(g);
  AddRow(&last, GroupView{&last, t.count(g)}, t.aggs(g));
}

void Statement::AddEmptiedRow(const GroupTable& t, uint32_t g) {
  const StoredEvent last = t.Last(g);
  AddRow(&last, GroupView{}, empty_aggs_.data());
}

Statement::OutRow Statement::MakeRow(const EvalCtx& ctx) const {
  OutRow row;
  row.values.reserve(plan_->select.size());
  for (const CExpr& c : plan_->select) row.values.push_back(Eval(c, ctx));
  for (const CExpr& c : plan_->order_by) row.keys.push_back(Eval(c, ctx));
  return row;
}

void Statement::AddRow(const StoredEvent* e, GroupView g, const AggState* aggs) {
  const EvalCtx ctx = RowCtx(e, g, aggs);
  interval_updated_ = true;
  if (track_) {
    const bool pass = !plan_->having || EvalPredicate(*plan_->having, ctx);
    OutRow row = pass ? MakeRow(ctx) : OutRow{};
    row.group = Track(e, pass ? &row : nullptr);
    if (pass) rows_.push_back(std::move(row));
    return;
  }
  if (plan_->having && !EvalPredicate(*plan_->having, ctx)) return;
  if (streaming_) {
    // Nothing to sort, dedupe, cut or hold: the row goes out now, in the same order, and a
    // batch's release needs no memory for its rows.
    one_row_.resize(1);
    Row& r = one_row_[0];
    r.clear();
    r.reserve(plan_->select.size());
    for (const CExpr& c : plan_->select) r.push_back(Eval(c, ctx));
    Release(&one_row_);
    return;
  }
  rows_.push_back(MakeRow(ctx));
}

void Statement::OnNew(const StoredEvent& e, int64_t batch) {
  if (!PassesWhere(e)) return;
  if (batch_) {
    Batch* b;
    if (cached_batch_ != nullptr && cached_batch_id_ == batch) {
      b = cached_batch_;
    } else {
      auto [it, added] = batches_.try_emplace(batch);
      if (added) {
        // The arrays of the last closed batch, reused: a batch of 100,000 groups allocates
        // nothing. (Freeing and reallocating them per batch made jemalloc, which returns
        // blocks over 8 MB to the OS at once, page-fault them in again: 2.5x slower, and a
        // 15 ms stall at release.) Otherwise room for the last batch's size, allocated once.
        std::swap(it->second.groups, spare_);
        it->second.groups.set_layout(plan_->agg_slots, extra_slots_);
        it->second.groups.Reserve(last_batch_groups_);
        it->second.events.reserve(last_batch_events_);
        if (plan_->ungrouped_props) it->second.event_groups.reserve(last_batch_events_);
      }
      b = &it->second;
      cached_batch_ = b;
      cached_batch_id_ = batch;
    }
    ++b->event_count;
    if (!plan_->aggregated) {
      b->events.push_back(e);
      return;
    }
    BuildKey(e);
    bool inserted;
    const uint32_t g = b->groups.FindOrAdd(key_, &inserted);
    Enter(&b->groups, g, e);
    if (plan_->ungrouped_props) {
      // Aggregated with ungrouped fields: one row per event at batch end (Esper's
      // "aggregated and grouped" / "aggregated and un-grouped" query types).
      b->events.push_back(e);
      b->event_groups.push_back(g);
    }
    return;
  }
  ++view_new_;  // a batch window posts its events at release (OnBatchEnd)
  if (!plan_->aggregated) {
    AddRow(&e, GroupView{}, nullptr);
    return;
  }
  BuildKey(e);
  bool inserted;
  const uint32_t g = groups_.FindOrAdd(key_, &inserted);
  Enter(&groups_, g, e);
  pending_new_.emplace_back(g, e);
}

void Statement::OnOld(const StoredEvent& e) {
  if (batch_) return;
  const bool count_old = plan_->output.present && plan_->output.events;
  if (!plan_->aggregated && !count_old) return;
  if (!PassesWhere(e)) return;
  ++view_old_;
  if (!plan_->aggregated) return;
  BuildKey(e);
  const int64_t g = groups_.Find(key_);
  if (g < 0) return;
  Leave(&groups_, static_cast<uint32_t>(g), e);
  pending_old_.push_back(static_cast<uint32_t>(g));
}

void Statement::OnBatchEnd(int64_t batch) {
  auto it = batches_.find(batch);
  // The window posts this batch as new events and the previous one as old.
  const int64_t batch_events = it == batches_.end() ? 0 : it->second.event_count;
  view_new_ += batch_events;
  view_old_ += prev_batch_event_count_;
  prev_batch_event_count_ = batch_events;
  if (it == batches_.end()) {
    // An empty batch (only time_batch ends one: the first empty interval after a non-empty
    // batch). A fully aggregated statement still delivers, as Esper's view posts the previous
    // batch as its remove stream: one row of empty aggregates when ungrouped, an emptied row
    // per group of the previous batch when grouped.
    if (!plan_->aggregated || plan_->ungrouped_props) return;
    if (plan_->group_by.empty()) {
      AddRow(nullptr, GroupView{}, empty_aggs_.data());
      return;
    }
    if (keep_prev_) {
      for (uint32_t g = 0; g < prev_groups_.size(); ++g) AddEmptiedRow(prev_groups_, g);
      prev_groups_.Clear();
    }
    return;
  }
  Batch& b = it->second;
  if (!plan_->aggregated) {
    for (const StoredEvent& e : b.events) AddRow(&e, GroupView{}, nullptr);
  } else if (plan_->ungrouped_props) {
    for (size_t i = 0; i < b.events.size(); ++i) {
      const uint32_t g = b.event_groups[i];
      const StoredEvent last = b.groups.Last(g);
      AddRow(&b.events[i], GroupView{&last, b.groups.count(g)}, b.groups.aggs(g));
    }
  } else {
    for (uint32_t g = 0; g < b.groups.size(); ++g) AddGroupRow(b.groups, g);
    if (keep_prev_) {
      // Groups of the previous batch with no events in this one: one row with emptied
      // aggregates (count 0, others null), subject to HAVING; then they are gone.
      for (uint32_t g = 0; g < prev_groups_.size(); ++g) {
        if (b.groups.Find(prev_groups_.key(g)) < 0) AddEmptiedRow(prev_groups_, g);
      }
      // This batch's groups become the previous batch's; the older ones' arrays are reused.
      prev_groups_.Clear();
      std::swap(prev_groups_, b.groups);
    }
  }
  if (cached_batch_ == &b) cached_batch_ = nullptr;
  last_batch_groups_ = keep_prev_ ? prev_groups_.size() : b.groups.size();
  last_batch_events_ = b.events.size();
  b.groups.Clear();
  std::swap(spare_, b.groups);
  batches_.erase(it);
}

void Statement::OnLate(const StoredEvent& e) {
  ++late_;
  out_->EmitLate(*plan_, e);
}

void Statement::FinishUpdate(int64_t now_ms) {
  if (!batch_ && plan_->aggregated) {
    if (plan_->ungrouped_props) {
      // Aggregated with ungrouped fields: a row per arriving event; events that leave only
      // produce Esper's remove stream, which is not delivered.
      for (const auto& [g, e] : pending_new_) {
        const StoredEvent last = groups_.Last(g);
        AddRow(&e, GroupView{&last, groups_.count(g)}, groups_.aggs(g));
      }
    } else if (!pending_new_.empty() || !pending_old_.empty()) {
      // Fully aggregated: one row per group with events entering or leaving (Esper: the keys
      // of the new and the old data), including a group whose last event just left (count 0,
      // other aggregates null) — it then disappears.
      touched_.clear();
      if (touched_mark_.size() < groups_.size()) touched_mark_.resize(groups_.size(), 0);
      const auto touch = [&](uint32_t g) {
        if (touched_mark_[g] == 0) {
          touched_mark_[g] = 1;
          touched_.push_back(g);
        }
      };
      for (const auto& [g, e] : pending_new_) touch(g);
      for (uint32_t g : pending_old_) touch(g);
      for (uint32_t g : touched_) {
        AddGroupRow(groups_, g);
        touched_mark_[g] = 0;
      }
    }
    // Groups whose last event left disappear, so state stays proportional to the window.
    std::set<std::string> empty;
    for (uint32_t g : pending_old_) {
      if (groups_.count(g) == 0) empty.emplace(groups_.key(g));
    }
    for (const std::string& k : empty) {
      const int64_t g = groups_.Find(k);
      if (g >= 0) groups_.Erase(static_cast<uint32_t>(g));
    }
    pending_new_.clear();
    pending_old_.clear();
  }
  Deliver(now_ms);
}

void Statement::Send(StoredEvent e, int64_t now_ms) {
  if (plan_->filter && !EvalPredicate(*plan_->filter, EvalCtx{&e, nullptr, nullptr})) return;
  if (plan_->output.present && !plan_->output.events && !ticking_) {
    ticking_ = true;
    next_tick_ = now_ms + plan_->output.every;
  }
  window_->Insert(&e, now_ms, this);
  FinishUpdate(now_ms);
}

std::optional<int64_t> Statement::NextTimer() const {
  std::optional<int64_t> t = window_->NextTimer();
  if (ticking_ && !idle_ && (!t || next_tick_ < *t)) t = next_tick_;
  return t;
}

void Statement::OnTime(int64_t now_ms) {
  // The interval that ends now goes out first, before rows of the window's own timers.
  if (ticking_ && !idle_ && now_ms >= next_tick_) {
    ReleaseInterval();
    ++tick_count_;
    next_tick_ += plan_->output.every;
    idle_ = IdleTickDeliversNothing();
  }
  window_->OnTimer(now_ms, this);
  FinishUpdate(now_ms);
}

void Statement::OnWatermark(int64_t watermark_ms, int64_t now_ms) {
  window_->OnWatermark(watermark_ms, this);
  FinishUpdate(now_ms);
}

void Statement::OnEventTime(int64_t event_time_ms, int64_t now_ms) {
  window_->OnEventTime(event_time_ms, this);
  FinishUpdate(now_ms);
}

void Statement::Flush(int64_t now_ms) {
  window_->Flush(this);
  FinishUpdate(now_ms);
  // End of input: what the interval holds goes out (Esper has no end of input).
  if (plan_->output.present && plan_->output.mode != OutputPolicy::Mode::kFirst &&
      (!held_.empty() || !touched_order_.empty())) {
    ReleaseInterval();
  }
}

void Statement::Release(std::vector<Row>* rows) {
  if (!rows->empty()) out_->EmitRows(*plan_, rows);
}

uint32_t Statement::Track(const StoredEvent* e, const OutRow* row) {
  if (e != nullptr && !plan_->group_by.empty()) {
    BuildKey(*e);
  } else {
    key_.clear();
  }
  auto [it, added] = latest_index_.try_emplace(key_, static_cast<uint32_t>(latest_.size()));
  if (added) latest_.push_back(Latest{key_, std::nullopt, StoredEvent{}, false, INT64_MIN});
  Latest& l = latest_[it->second];
  if (row != nullptr) {
    l.row = *row;
  } else {
    l.row.reset();
  }
  if (e != nullptr) l.rep = *e;
  if (!l.touched) {
    l.touched = true;
    touched_order_.push_back(it->second);
  }
  return it->second;
}

void Statement::Finish(std::vector<OutRow>* out) {
  const StatementPlan& p = *plan_;
  if (out->empty()) return;
  if (p.distinct) {
    std::set<std::string> seen;
    std::vector<OutRow> kept;
    std::string k;
    for (OutRow& r : *out) {
      k.clear();
      for (const Value& v : r.values) AppendKey(v, &k);
      if (seen.insert(k).second) kept.push_back(std::move(r));
    }
    out->swap(kept);
  }
  if (!p.order_by.empty()) {
    std::stable_sort(out->begin(), out->end(), [&](const OutRow& a, const OutRow& b) {
      for (size_t i = 0; i < p.order_by.size(); ++i) {
        const int c = Compare(a.keys[i], b.keys[i]);
        if (c != 0) return p.descending[i] ? c > 0 : c < 0;
      }
      return false;
    });
  }
  std::vector<Row> rows;
  const size_t begin = std::min<size_t>(out->size(), static_cast<size_t>(p.offset));
  size_t end = out->size();
  if (p.limit) end = begin + std::min(static_cast<size_t>(*p.limit), out->size() - begin);
  rows.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) rows.push_back(std::move((*out)[i].values));
  out->clear();
  Release(&rows);
}

bool Statement::IdleTickDeliversNothing() const {
  const StatementPlan& p = *plan_;
  const OutputPolicy& o = p.output;
  if (!held_.empty() || !touched_order_.empty()) return false;
  if (o.mode == OutputPolicy::Mode::kFirst || !p.aggregated) return true;
  if (p.group_by.empty()) {
    // Fully aggregated, ungrouped: LAST, DEFAULT and ALL repeat the current row every tick.
    return p.ungrouped_props || latest_.empty() || !latest_[0].row;
  }
  if (o.mode != OutputPolicy::Mode::kAll) return true;
  // Grouped ALL repeats every group's row every tick.
  if (p.ungrouped_props) return latest_.empty();
  for (const Latest& l : latest_) {
    if (l.row) return false;
  }
  return true;
}

void Statement::ReleaseInterval() {
  // Esper's output-limited result sets (Appendix A; regression suite resultset/outputlimit):
  const StatementPlan& p = *plan_;
  const OutputPolicy& o = p.output;
  const bool grouped = !p.group_by.empty();
  std::vector<OutRow> out;
  if (!p.aggregated) {
    // Un-aggregated: DEFAULT/ALL every row of the interval, LAST the last one.
    out.swap(held_);
  } else if (!grouped && o.mode != OutputPolicy::Mode::kFirst) {
    if (p.ungrouped_props) {
      // Aggregated, ungrouped: DEFAULT/ALL the interval's rows, LAST the last of them.
      if (o.mode == OutputPolicy::Mode::kLast) {
        if (!held_.empty()) out.push_back(std::move(held_.back()));
        held_.clear();
      } else {
        out.swap(held_);
      }
    } else if (o.mode == OutputPolicy::Mode::kLast || !interval_updated_) {
      // Fully aggregated, ungrouped: LAST the current row; DEFAULT/ALL the current row too
      // when nothing happened in the interval (Esper's RowForAll output helpers).
      held_.clear();
      if (!latest_.empty() && latest_[0].row) out.push_back(*latest_[0].row);
    } else {
      // DEFAULT/ALL: every row of the interval.
      out.swap(held_);
    }
  } else if (o.mode == OutputPolicy::Mode::kDefault) {
    // Grouped, DEFAULT: every row of the interval, in order.
    out.swap(held_);
  } else if (o.mode == OutputPolicy::Mode::kLast) {
    // Grouped, LAST: the newest row of each group with a row in the interval (an arrival, or
    // for a fully aggregated query also an expiry), in first-touch order.
    for (uint32_t i : touched_order_) {
      if (latest_[i].row) out.push_back(*latest_[i].row);
    }
    held_.clear();
  } else if (o.mode == OutputPolicy::Mode::kAll) {
    if (!p.ungrouped_props) {
      // Fully aggregated, grouped, ALL: the current row of every group ever seen (a group
      // whose events all left reports its emptied row), in first-seen order.
      for (const Latest& l : latest_) {
        if (l.row) out.push_back(*l.row);
      }
      held_.clear();
    } else {
      // Aggregated and grouped, ALL: the interval's rows, then for every group without one
      // a row built from its last event with the group's current aggregates.
      out.swap(held_);
      for (Latest& l : latest_) {
        if (l.touched) continue;
        if (batch_) {
          if (l.row) out.push_back(*l.row);
          continue;
        }
        const int64_t g = groups_.Find(l.key);
        StoredEvent last;
        if (g >= 0) last = groups_.Last(static_cast<uint32_t>(g));
        const EvalCtx ctx =
            g >= 0 ? RowCtx(&l.rep, GroupView{&last, groups_.count(static_cast<uint32_t>(g))},
                            groups_.aggs(static_cast<uint32_t>(g)))
                   : RowCtx(&l.rep, GroupView{}, empty_aggs_.data());
        if (p.having && !EvalPredicate(*p.having, ctx)) continue;
        out.push_back(MakeRow(ctx));
      }
    }
  }
  for (uint32_t i : touched_order_) latest_[i].touched = false;
  touched_order_.clear();
  interval_updated_ = false;
  Finish(&out);
}

void Statement::Deliver(int64_t now_ms) {
  const StatementPlan& p = *plan_;
  if (!p.output.present) {
    if (!rows_.empty()) Finish(&rows_);
    return;
  }
  const OutputPolicy& o = p.output;
  if (idle_ && (!rows_.empty() || interval_updated_)) {
    // Resume ticking on the same grid: the ticks passed while idle delivered nothing.
    if (now_ms >= next_tick_) {
      const int64_t skipped = (now_ms - next_tick_) / o.every + 1;
      tick_count_ += skipped;
      next_tick_ += skipped * o.every;
    }
    idle_ = false;
  }
  // EVERY n EVENTS: the n-th event the window posted (new or old) ends the interval.
  const bool count_reached = o.events && (view_new_ >= o.every || view_old_ >= o.every);
  if (count_reached) view_new_ = view_old_ = 0;
  if (o.mode == OutputPolicy::Mode::kFirst) {
    std::vector<OutRow> now_rows;
    if (!p.group_by.empty() && p.aggregated && !o.events) {
      // Grouped FIRST: a group's row goes out at once if the group had none in the last
      // `every` ms (Esper's per-group OutputConditionPolledTime).
      for (OutRow& r : rows_) {
        Latest& l = latest_[r.group];
        if (l.last_first_out == INT64_MIN || now_ms - l.last_first_out >= o.every) {
          l.last_first_out = now_ms;
          now_rows.push_back(std::move(r));
        }
      }
    } else if (o.events) {
      // The first update with rows after every n events goes out at once, whole.
      if (event_count_ == 0 && !rows_.empty()) {
        event_count_ = 1;
        now_rows.swap(rows_);
      }
      if (count_reached) event_count_ = 0;
    } else if (first_interval_ != tick_count_ && !rows_.empty()) {
      // The first update with rows after a tick goes out at once, whole.
      first_interval_ = tick_count_;
      now_rows.swap(rows_);
    }
    rows_.clear();
    Finish(&now_rows);
    return;
  }
  for (OutRow& r : rows_) {
    if (o.mode == OutputPolicy::Mode::kLast && !p.aggregated) held_.clear();
    held_.push_back(std::move(r));
  }
  rows_.clear();
  if (count_reached) ReleaseInterval();
}

size_t Statement::MemoryBytes() const {
  size_t bytes = sizeof(*this) + window_->MemoryBytes() + groups_.MemoryBytes() +
                 spare_.MemoryBytes() + prev_groups_.MemoryBytes() + touched_mark_.capacity() +
                 latest_.capacity() * sizeof(Latest) +
                 latest_.size() * (plan_->select.size() * sizeof(Value) + 64) +
                 held_.capacity() * sizeof(OutRow);
  for (const auto& [id, b] : batches_) {
    bytes += b.groups.MemoryBytes() + b.events.capacity() * sizeof(StoredEvent) + 64;
  }
  return bytes;
}

size_t Statement::group_count() const {
  size_t n = groups_.size();
  for (const auto& [id, b] : batches_) n += b.groups.size();
  return n;
}

}  // namespace smartcar::cep
