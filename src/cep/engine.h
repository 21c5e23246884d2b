// The CEP engine: compiles EPL rule files and runs their statements over driving events.
//
//   Result<CompiledRule> rule = cep::Compile(text);       // no side effects
//   cep::Engine engine(options, listener);
//   Status s = engine.Deploy("overspeed.epl", *rule);
//   engine.Send(event);                                      // rows go to `listener`
//   engine.AdvanceTime(30'000);                              // virtual processing clock
//
// Time: processing-time views (win:time, win:time_batch, OUTPUT EVERY n sec) run on a virtual
// clock that starts at 0 and moves only through AdvanceTime. Event-time views (win:ext_timed,
// win:ext_timed_batch) run on the events' own timestamps; watermark = max event time seen −
// allowed lateness (or a later AdvanceWatermark). Events behind the watermark are counted and
// delivered to the listener with `late` set, never dropped silently. Nothing here reads wall
// time, so the same input always yields the same output.
//
// Hot reload: Replace(deployment, rule) keeps every statement whose name and text are
// unchanged (with its windows and aggregates), starts replaced or added statements fresh and
// removes the others. A rule that fails to compile never reaches the engine.
//
// Thread safety: an Engine is not thread-safe; run one per thread (partition car numbers across
// engines for parallelism: statements are per-group, so partitions are independent when rules
// group by car number). Listeners must not call back into the engine.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cep/value.h"  // Value, Type: the cells of output rows (part of this front door).
#include "core/events.h"
#include "core/status.h"

namespace smartcar::cep {

struct StatementPlan;
using Row = std::vector<Value>;

// A checked rule file: one or more statements ready to deploy.
class CompiledRule {
 public:
  CompiledRule();
  ~CompiledRule();
  CompiledRule(const CompiledRule&);
  CompiledRule& operator=(const CompiledRule&);
  CompiledRule(CompiledRule&&) noexcept;
  CompiledRule& operator=(CompiledRule&&) noexcept;

  // Statement names in file order (@Name, or "stmt-N").
  std::vector<std::string> statement_names() const;
  // The output columns of statement `name` (empty if there is none).
  std::vector<std::string> columns(std::string_view name) const;
  const std::vector<std::shared_ptr<const StatementPlan>>& statements() const { return plans_; }

 private:
  friend Result<CompiledRule> Compile(std::string_view epl);
  std::vector<std::shared_ptr<const StatementPlan>> plans_;
};

// Parses and checks a rule file. InvalidArgument says where and why, e.g.
// "line 1 column 8: unknown field 'sped' in DriverCarInfo; did you mean 'speed'?" or
// "Incorrect syntax near 'frm' at line 1 column 20: expected FROM".
Result<CompiledRule> Compile(std::string_view epl);

// A short reference of the views and aggregates the language accepts (for --help texts).
std::string LanguageHelp();

struct EngineOptions {
  // Event-time views accept events up to this far behind the newest event time seen.
  // Default 0: an event-time batch closes as soon as an event past its end arrives (Esper).
  int64_t allowed_lateness_ms = 0;
  // True (default): event time is the newest event time sent. False: event time moves only
  // through AdvanceEventTime, for callers that merge several sources (log partitions) that may
  // run ahead of each other: the newest event of one must not make another's events late.
  bool event_time_from_events = true;
};

// One output row (or one late event) delivered to the listener.
struct OutputEvent {
  enum class Trigger { kEvent, kTime, kWatermark, kFlush };
  std::string_view statement;
  Trigger trigger = Trigger::kEvent;
  uint64_t event_index = 0;  // kEvent: 1-based number of the Send() that delivered the row
  int64_t time_ms = 0;       // processing clock at delivery (kTime: the timer's time)
  int64_t watermark_ms = 0;  // kWatermark: the watermark given
  const std::vector<std::string>* columns = nullptr;
  const Row* row = nullptr;
  bool late = false;  // `row` is a late input event; `columns` its type's fields

  // The value of column `name` in `row`, or nullptr when there is no such column.
  const Value* Column(std::string_view name) const;
};
using Listener = std::function<void(const OutputEvent&)>;

class Engine {
 public:
  Engine(const EngineOptions& options, Listener listener);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Starts every statement of `rule` under `deployment`. AlreadyExists-like InvalidArgument if
  // the deployment or a statement name is taken; then nothing changes.
  Status Deploy(std::string_view deployment, const CompiledRule& rule);
  // Hot reload (see the file comment). Deploys if `deployment` does not exist.
  Status Replace(std::string_view deployment, const CompiledRule& rule);
  // Stops every statement of `deployment`; NotFound if there is none.
  Status Undeploy(std::string_view deployment);

  // Delivers one driving event to every statement selecting from DriverCarInfo.
  void Send(const DriverEvent& event);
  // Moves the processing clock to `time_ms`, firing every timer due on the way, in time order.
  // InvalidArgument if `time_ms` is before the current time.
  Status AdvanceTime(int64_t time_ms);
  // Moves event time forward: closes event-time batches and expires events up to `watermark`.
  void AdvanceWatermark(EventTimeMs watermark);
  // With EngineOptions::event_time_from_events false: every source has delivered its events up
  // to `event_time` (the minimum over sources of each one's newest). Event-time views close and
  // expire up to `event_time` − their allowed lateness. Ignored if not later than before.
  void AdvanceEventTime(EventTimeMs event_time);
  // End of input: delivers every open batch and every row held by OUTPUT EVERY.
  void Flush();

  int64_t now_ms() const;
  uint64_t events_sent() const;
  // Late events seen by statement `name` (0 if unknown).
  uint64_t late_events(std::string_view name) const;
  std::vector<std::string> statement_names() const;
  // Approximate bytes of state over all statements.
  size_t MemoryBytes() const;
  // Groups held by statement `name`, for tests.
  size_t TEST_GroupCount(std::string_view name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smartcar::cep
