// CepBolt: runs the EPL rules of `rules_dir`, or of the coordinator's rule store when it holds
// any (pipeline/rule_source.h), over the driving events of its cars (fields grouping by car
// number, so each car's windows live on one task). Each rule is one deployment, recompiled and
// hot-swapped when its file or stored version changes (a rule that fails to compile is reported
// and the old one keeps running). Each output row becomes a detection tuple for the
// hot store, emitted when the input whose event closed its window is executed.
//
// Lanes: one engine per log partition this task receives cars of. A partition is read in order
// (within its own disorder, covered by the rule's allowed lateness), so a lane's event time is
// simply the newest event time of its partition it has seen: however unevenly the partitions of
// a backlog are read, no partition's events are ever late because another ran ahead, and no
// partition waits for another (Kafka Streams' stream time per task).
//
// Progress and restarts (pipeline/cep_progress.h): at the end of each micro-batch, and before a
// mark is passed on, the inputs' (offset, event time, closed-through) are recorded in the shared
// CepProgress; the spout commits an offset from which every open window is rebuilt, with each
// lane's closed-through in the commit metadata. A lane restored from it starts at that
// closed-through: windows that closed before the restart stay closed, and replayed inputs of them
// are dropped as already processed (not counted as late).
//
// Redelivered events (the same car and event time twice, e.g. appended twice by a collector that
// crashed between append and position commit) are counted once: each lane remembers its cars'
// event times within the hold. A lane (pipeline/rule_lane.h) is shared with the backtest.
//
// End of input (from every spout task) closes every window of every lane (final watermark).
//
// Marks (see log_spout.cc): a mark is passed on to the hot-store tasks and acked after the
// progress of every input before it is recorded, and, once one spout task's end of input has
// come, only after every spout task's has (so the spout's final commit waits for the final
// watermark's detections).
//
// Rebalance: tuples carry the spout's epoch. A newer epoch means the spout abandoned everything
// in flight and its partitions are read again from their committed offsets, so this task drops
// its lanes (as a crash would) and rebuilds them from the replay; tuples of an older epoch are
// acked without effect.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <unordered_map>

#include "cep/engine.h"
#include "cep/rule_folder.h"
#include "coord/membership.h"
#include "core/event_time.h"
#include "hot/detection.h"
#include "pipeline/cep_progress.h"
#include "pipeline/components.h"
#include "pipeline/rule_lane.h"
#include "pipeline/rule_source.h"

namespace smartcar::pipeline {
namespace {

class CepBolt final : public topology::Bolt {
 public:
  CepBolt(const PipelineOptions& o, std::shared_ptr<CepProgress> progress)
      : o_(o), progress_(std::move(progress)) {}

  void DeclareOutputFields(topology::OutputFieldsDeclarer& d) const override {
    d.Declare(topology::Fields{field::kDate, field::kCarNumber, field::kDetection});
    d.DeclareStream(kMarkStream, topology::Fields{field::kEpoch});
  }

  Status Prepare(const topology::TopologyContext& context,
                 topology::OutputCollector& collector) override {
    out_ = &collector;
    task_ = context.task_index;
    log_tasks_ = 0;
    auto it = context.component_tasks.find(component::kLog);
    if (it != context.component_tasks.end()) log_tasks_ = static_cast<int>(it->second.size());
    return ReloadRules(true);
  }

  Status Execute(const topology::Tuple& input) override {
    const int64_t* epoch = input.GetAs<int64_t>(field::kEpoch);
    if (epoch != nullptr && *epoch < epoch_) {
      out_->Ack(input);  // Abandoned by the spout; replayed in the current epoch.
      return Status::OK();
    }
    if (epoch != nullptr && *epoch > epoch_) StartEpoch(*epoch);
    if (input.source_stream() == kMarkStream) {
      held_marks_.push_back(input.AckHandle());
      return PassMarks();
    }
    if (input.source_stream() == kEndOfInputStream) {
      if (++eos_seen_ >= std::max(1, log_tasks_)) {
        for (auto& [partition, lane] : lanes_) {
          current_ = lane.get();
          lane->Finish();  // The final watermark.
          EmitPending();
        }
        current_ = nullptr;
      }
      SettleBatch();
      out_->Ack(input);
      return PassMarks();
    }
    const DriverEvent* e = input.GetAs<DriverEvent>(field::kEvent);
    const int64_t* partition = input.GetAs<int64_t>(field::kPartition);
    const int64_t* offset = input.GetAs<int64_t>(field::kOffset);
    if (e == nullptr) {
      out_->Ack(input);
      return Status::InvalidArgument("tuple without an 'event' field");
    }
    const int32_t p = partition != nullptr ? static_cast<int32_t>(*partition) : -1;
    Lane& lane = LaneFor(p);
    current_ = &lane;
    if (lane.Offer(*e, o_.cep_hold_ms)) {
      newest_ = std::max(newest_, lane.event_time());
      EmitPending();
    } else if (o_.counters) {
      o_.counters->duplicates++;
    }
    current_ = nullptr;
    if (offset != nullptr && p >= 0) {
      batch_[p].push_back(CepProgress::Entry{*offset, e->time.value, lane.event_time()});
    }
    out_->Ack(input);  // Untracked (log_spout.cc): the marks behind it stand for it.
    return Status::OK();
  }

  // Records the micro-batch's progress (see the file comment).
  Status BatchEnd() override {
    SettleBatch();
    return Status::OK();
  }

  Status Tick() override {
    SettleBatch();
    return ReloadRules(false);
  }

  void Close() override { SettleBatch(); }

 private:
  using Lane = RuleLane;

  std::unique_ptr<Lane> NewLane() {
    return std::make_unique<Lane>([this](const cep::OutputEvent& ev) { OnOutput(ev); });
  }

  Lane& LaneFor(int32_t partition) {
    if (partition == last_partition_ && last_lane_ != nullptr) return *last_lane_;
    std::unique_ptr<Lane>& slot = lanes_[partition];
    if (slot == nullptr) {
      slot = NewLane();
      for (const auto& [name, rule] : deployed_) (void)slot->engine().Replace(name, rule);
      if (progress_ != nullptr) {
        if (auto w = progress_->RestoredClosedThrough(epoch_, partition, task_)) slot->Restore(*w);
      }
    }
    last_partition_ = partition;
    last_lane_ = slot.get();
    return *slot;
  }

  // Passes the held marks on (see the file comment), unless only some spout tasks' end of
  // input has come.
  Status PassMarks() {
    if (eos_seen_ > 0 && eos_seen_ < std::max(1, log_tasks_)) return Status::OK();
    SettleBatch();
    Status result;
    for (const topology::Tuple& mark : held_marks_) {
      Status s = out_->Emit(kMarkStream, {&mark}, {topology::Value{epoch_}});
      if (s.ok()) {
        out_->Ack(mark);
      } else {
        out_->Fail(mark);
        result = s;
      }
    }
    held_marks_.clear();
    return result;
  }

  // Drops every lane: the spout replays from the committed offsets.
  void StartEpoch(int64_t epoch) {
    for (const topology::Tuple& t : held_marks_) out_->Ack(t);  // Of the abandoned epoch.
    held_marks_.clear();
    batch_.clear();
    pending_.clear();
    epoch_ = epoch;
    lanes_.clear();
    last_lane_ = nullptr;
    last_partition_ = -2;
    eos_seen_ = 0;
  }

  void SettleBatch() {
    if (progress_ != nullptr) {
      for (auto& [partition, entries] : batch_) {
        if (!entries.empty()) progress_->Record(epoch_, task_, partition, entries);
        entries.clear();
      }
    }
    if (o_.counters != nullptr) {
      PipelineCounters& c = *o_.counters;
      PipelineCounters::RaiseTo(c.event_time_ms, newest_);
      for (const auto& [partition, lane] : lanes_) {
        if (partition >= 0 && partition < PipelineCounters::kTrackedPartitions) {
          PipelineCounters::RaiseTo(c.partition_event_time_ms[static_cast<size_t>(partition)],
                                    lane->event_time());
        }
      }
    }
  }

  void OnOutput(const cep::OutputEvent& ev) {
    if (ev.late) {
      // A replayed input of a window that closed before the restart is not late.
      const cep::Value* date = ev.Column("date");
      const bool replayed = current_ != nullptr && date != nullptr && !date->is_null() &&
                            cep::IsNumeric(date->type) && date->i <= current_->restored();
      if (o_.counters) (replayed ? o_.counters->replayed_closed : o_.counters->late)++;
      return;
    }
    std::optional<hot::Detection> d = DetectionOf(ev);
    if (!d) return;  // Only rows naming a car are detections.
    if (d->window_start_ms < o_.detect_from_ms || d->window_start_ms >= o_.detect_to_ms) return;
    pending_.push_back(std::move(*d));
  }

  // Emits the detections of the last Send/advance; the hot store has them before it passes on
  // the next mark (hot_store_bolt.cc).
  void EmitPending() {
    for (const auto& d : pending_) {
      (void)out_->EmitUnanchored({topology::Value{d.date}, topology::Value{d.car},
                                  topology::Value{topology::Object::Make(d)}});
    }
    pending_.clear();
  }

  // Deploys new or changed rules, undeploys removed ones (RuleSource: the folder or the
  // coordinator's rule store). On the first
  // load an error fails Prepare; later a bad file is reported and the running version stays.
  Status ReloadRules(bool first) {
    auto changes = rules_.Poll();
    if (!changes) return changes.error();
    for (cep::RuleFolder::Change& c : *changes) {
      if (c.removed) {
        for (auto& [partition, lane] : lanes_) (void)lane->engine().Undeploy(c.name);
        deployed_.erase(c.name);
        if (o_.membership != nullptr) o_.membership->ForgetRule(RuleName(c.name));
        continue;
      }
      Status s = c.rule ? CheckReplace(c.name, *c.rule) : c.error;
      if (o_.membership != nullptr) {
        o_.membership->ReportRule(RuleName(c.name), rules_.TagOf(c.name),
                                  s.ok() ? "" : rules_.TagOf(c.name) + ": " + s.message());
      }
      if (!s.ok()) {
        if (c.rule && first) s = s.WithPrefix(c.path + ": ");
        if (first) return s;
        std::fprintf(stderr, "smartcar: rule reload failed, keeping the running rules: %s%s\n",
                     c.rule ? (c.path + ": ").c_str() : "", s.message().c_str());
        continue;
      }
      deployed_[c.name] = std::move(*c.rule);
      if (o_.counters) o_.counters->rule_reloads++;
    }
    return Status::OK();
  }

  // "overspeed" for the deployment "overspeed.epl".
  static std::string RuleName(const std::string& deployment) {
    const size_t n = deployment.size();
    return n > 4 && deployment.compare(n - 4, 4, ".epl") == 0 ? deployment.substr(0, n - 4)
                                                              : deployment;
  }

  // Replaces `name` in every lane, or checks it on a scratch engine when there is no lane yet.
  Status CheckReplace(const std::string& name, const cep::CompiledRule& rule) {
    if (lanes_.empty()) {
      auto scratch = NewLane();
      for (const auto& [n, r] : deployed_)
        SMARTCAR_RETURN_IF_ERROR(scratch->engine().Replace(n, r));
      return scratch->engine().Replace(name, rule);
    }
    for (auto& [partition, lane] : lanes_)
      SMARTCAR_RETURN_IF_ERROR(lane->engine().Replace(name, rule));
    return Status::OK();
  }

  PipelineOptions o_;
  std::shared_ptr<CepProgress> progress_;  // May be null (no commits, e.g. in tests).
  topology::OutputCollector* out_ = nullptr;
  int task_ = 0;
  std::map<int32_t, std::unique_ptr<Lane>> lanes_;  // Log partition → its lane.
  std::vector<topology::Tuple> held_marks_;         // Marks waiting (PassMarks).
  int32_t last_partition_ = -2;
  Lane* last_lane_ = nullptr;
  Lane* current_ = nullptr;  // The lane whose engine is running (for OnOutput).
  std::map<int32_t, std::vector<CepProgress::Entry>> batch_;
  std::vector<hot::Detection> pending_;
  RuleSource rules_{o_.rules_dir, o_.coordinator, o_.rule_choice};
  std::map<std::string, cep::CompiledRule> deployed_;  // Deployment name → running rule.
  int log_tasks_ = 0;
  int eos_seen_ = 0;
  int64_t epoch_ = 0;
  int64_t newest_ = 0;  // Newest event time sent to any lane (for PipelineCounters).
};

}  // namespace

std::unique_ptr<topology::Bolt> MakeCepBolt(const PipelineOptions& options,
                                            std::shared_ptr<CepProgress> progress) {
  return std::make_unique<CepBolt>(options, std::move(progress));
}

}  // namespace smartcar::pipeline
