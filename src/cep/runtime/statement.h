// Statement: one deployed statement's runtime — its window, its per-group aggregate state and
// its output policy. Rows go to a StatementOutput (the engine), which delivers them to the
// listener and to INSERT INTO streams. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cep/planner/plan.h"
#include "cep/runtime/expr.h"
#include "cep/runtime/group_table.h"
#include "cep/windows/window.h"

namespace smartcar::cep {

class StatementOutput {
 public:
  virtual ~StatementOutput() = default;
  // Rows the statement produced in one update, in delivery order.
  virtual void EmitRows(const StatementPlan& plan, std::vector<Row>* rows) = 0;
  // An event that arrived too late for its event-time window.
  virtual void EmitLate(const StatementPlan& plan, const StoredEvent& e) = 0;
};

class Statement final : private WindowSink {
 public:
  Statement(std::shared_ptr<const StatementPlan> plan, const WindowContext& ctx,
            StatementOutput* out);
  ~Statement() override;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  const StatementPlan& plan() const { return *plan_; }
  const std::shared_ptr<const StatementPlan>& shared_plan() const { return plan_; }

  // An event of the statement's input stream arrives at processing time `now_ms`.
  void Send(StoredEvent e, int64_t now_ms);
  // Earliest processing time at which OnTime has work to do.
  std::optional<int64_t> NextTimer() const;
  void OnTime(int64_t now_ms);
  void OnWatermark(int64_t watermark_ms, int64_t now_ms);
  // Every source has delivered its events up to `event_time_ms` (see Engine::AdvanceEventTime).
  void OnEventTime(int64_t event_time_ms, int64_t now_ms);
  // Closes open batches and releases rows held by OUTPUT.
  void Flush(int64_t now_ms);

  uint64_t late_events() const { return late_; }
  // Approximate bytes of state (window, groups, aggregates, buffered output).
  size_t MemoryBytes() const;
  size_t group_count() const;

 private:
  struct Batch {
    GroupTable groups;  // in first-arrival order
    // Non-aggregated statements, and aggregated ones with ungrouped fields (one row per
    // event): the batch's events in arrival order, and each one's group.
    std::vector<StoredEvent> events;
    std::vector<uint32_t> event_groups;
    int64_t event_count = 0;  // events in the batch (after WHERE)
  };
  struct OutRow {
    Row values;
    std::vector<Value> keys;  // ORDER BY keys
    uint32_t group = 0;       // OUTPUT tracking: index into latest_ (when track_)
  };
  // OUTPUT ALL / LAST / grouped FIRST: per group (key "" when ungrouped), its newest row
  // (none when HAVING rejected it), the event it was built from, and this interval's flags.
  struct Latest {
    std::string key;
    std::optional<OutRow> row;
    StoredEvent rep;
    bool touched = false;                // a row was built for it in this interval
    int64_t last_first_out = INT64_MIN;  // FIRST: when its last row went out
  };

  void OnNew(const StoredEvent& e, int64_t batch) override;
  void OnOld(const StoredEvent& e) override;
  void OnBatchEnd(int64_t batch) override;
  void OnLate(const StoredEvent& e) override;

  bool PassesWhere(const StoredEvent& e) const;
  // Whether a group with no events (count 0, other aggregates null) can pass HAVING.
  bool EmptyGroupMayPass() const;
  void BuildKey(const StoredEvent& e);
  void Enter(GroupTable* t, uint32_t g, const StoredEvent& e);
  void Leave(GroupTable* t, uint32_t g, const StoredEvent& e);
  // What a row reads of its group besides the aggregates: its newest event and event count
  // (for last(x) over a batch and count(*)); none for an emptied group.
  struct GroupView {
    const StoredEvent* last = nullptr;
    int64_t count = 0;
  };
  EvalCtx RowCtx(const StoredEvent* e, GroupView g, const AggState* aggs) const;
  // The select values and ORDER BY keys of a row.
  OutRow MakeRow(const EvalCtx& ctx) const;
  // One candidate row for event `e` of a group (none when not aggregated), HAVING applied.
  void AddRow(const StoredEvent* e, GroupView g, const AggState* aggs);
  // The row of group `g` of `t` (fully aggregated): built from its newest event.
  void AddGroupRow(const GroupTable& t, uint32_t g);
  // The row of a group with no events left in `t` (emptied aggregates), from its newest event.
  void AddEmptiedRow(const GroupTable& t, uint32_t g);
  void FinishUpdate(int64_t now_ms);
  void Deliver(int64_t now_ms);
  // Records `row` (null: rejected by HAVING) as the newest of `e`'s group; returns its index.
  uint32_t Track(const StoredEvent* e, const OutRow* row);
  // OUTPUT: the rows of the interval that ends now (a tick, or the n-th event), per Esper.
  void ReleaseInterval();
  bool IdleTickDeliversNothing() const;
  // DISTINCT, ORDER BY and OFFSET/LIMIT over rows delivered together, then EmitRows.
  void Finish(std::vector<OutRow>* rows);
  void Release(std::vector<Row>* rows);

  std::shared_ptr<const StatementPlan> plan_;
  StatementOutput* out_;
  std::unique_ptr<Window> window_;
  bool batch_;
  bool streaming_;  // no DISTINCT, ORDER BY, OFFSET/LIMIT or OUTPUT: AddRow emits at once
  uint64_t late_ = 0;
  std::string key_;
  std::vector<uint16_t> extra_slots_;  // aggregate states that own an AggExtra

  // Sliding windows.
  GroupTable groups_;
  std::vector<std::pair<uint32_t, StoredEvent>> pending_new_;
  std::vector<uint32_t> pending_old_;
  // Batch windows.
  std::map<int64_t, Batch> batches_;
  int64_t cached_batch_id_ = 0;
  Batch* cached_batch_ = nullptr;
  // Fully aggregated grouped batches: the last released batch's groups, so a group that had
  // events there and none in the next batch gets its emptied row (kept only when such a row
  // can pass HAVING: keep_prev_).
  bool keep_prev_ = false;
  GroupTable prev_groups_;
  std::vector<AggState> empty_aggs_;  // agg_slots zeroed states: an emptied group's aggregates
  std::vector<uint32_t> touched_;     // sliding windows: groups of one update, in order
  std::vector<uint8_t> touched_mark_;
  GroupTable spare_;              // a closed batch's arrays, emptied, for the next batch
  size_t last_batch_groups_ = 0;  // sizes of the last closed batch, reserved for the next
  size_t last_batch_events_ = 0;

  std::vector<OutRow> rows_;
  std::vector<Row> one_row_;  // streaming: the row being emitted
  // OUTPUT EVERY state. Time policies tick every `every` ms from the first event (Esper's
  // OutputConditionTime starts at the first view update), whether or not rows came.
  bool track_ = false;        // aggregated with ALL, LAST, ungrouped DEFAULT or grouped FIRST
  std::vector<OutRow> held_;  // rows of the interval (DEFAULT, ALL; LAST when not aggregated)
  bool ticking_ = false;
  // Ticking paused: the next ticks would deliver nothing (no rows held, nothing that repeats
  // every tick), so no timer runs until an update has rows; the grid is kept. A clock jump of
  // a year then costs nothing instead of one timer call per period.
  bool idle_ = false;
  int64_t next_tick_ = 0;
  int64_t first_interval_ = -1;    // FIRST: the interval whose first rows were sent
  int64_t tick_count_ = 0;         // FIRST: ticks so far (the interval index)
  bool interval_updated_ = false;  // a row was built (or rejected by HAVING) in this interval
  int64_t event_count_ = 0;        // FIRST EVERY n EVENTS: a batch went out since the last n
  // EVERY n EVENTS counts the events the window posts, new and old apart, and fires when
  // either reaches n (Esper's OutputConditionCount); batches post at release.
  int64_t view_new_ = 0;
  int64_t view_old_ = 0;
  int64_t prev_batch_event_count_ = 0;
  std::vector<Latest> latest_;  // first-seen order
  std::unordered_map<std::string, uint32_t> latest_index_;
  std::vector<uint32_t> touched_order_;  // latest_ indexes touched in this interval
};

}  // namespace smartcar::cep
