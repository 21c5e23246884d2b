// CepBolt: runs the EPL rules of `rules_dir` over the driving events of its cars (fields
// grouping by car number, so each car's windows live on one task). Each rule file is one
// deployment, recompiled and hot-swapped when the file changes (a rule that fails to compile is
// reported and the old one keeps running). Each output row becomes a detection tuple for the
// hot store, anchored to the car's latest held event.
//
// Acking: an input is held until event time has moved `cep_hold_ms` past it, i.e. until every
// window it can belong to has closed and its detections were emitted (anchored to held inputs).
// A crash before that replays the event into the same windows. End-of-input (from every parse
// task) advances the final watermark, closes every window, and releases everything.
//
// Event time: the log's partitions are read side by side, but a partition can run ahead of
// another (fewer cars per partition, or one poll's worth read before the next partition's while
// catching up on a backlog). So event time is not the newest event seen but the minimum over the
// partitions feeding this task of each one's newest (Flink's watermark over input channels);
// windows close at that minus the rule's allowed lateness, and a fast partition never makes a
// slow one's events late. A partition that sends nothing for `kIdlePartition` of wall time stops
// holding event time back (Flink's idleness), so a quiet partition cannot stall detections.
//
// Rebalance: tuples carry the spout's epoch. A newer epoch means the spout abandoned everything
// in flight and its partitions are read again from their committed offsets, so this task drops
// its windows and held inputs (as a crash would) and rebuilds them from the replay; tuples of an
// older epoch are acked without effect.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>

#include "cep/engine.h"
#include "cep/value.h"
#include "core/event_time.h"
#include "hot/detection.h"
#include "pipeline/components.h"

namespace smartcar::pipeline {
namespace {

namespace fs = std::filesystem;

struct RuleFile {
  int64_t mtime_ns = 0;
  uintmax_t size = 0;
};

// The value of column `name` in `ev`'s row, or null.
const cep::Value* Column(const cep::OutputEvent& ev, std::string_view name) {
  if (ev.columns == nullptr || ev.row == nullptr) return nullptr;
  for (size_t i = 0; i < ev.columns->size() && i < ev.row->size(); ++i) {
    if ((*ev.columns)[i] == name) return &(*ev.row)[i];
  }
  return nullptr;
}

const cep::Value* AnyColumn(const cep::OutputEvent& ev,
                            std::initializer_list<std::string_view> names) {
  for (auto n : names) {
    if (const cep::Value* v = Column(ev, n); v != nullptr && !v->is_null()) return v;
  }
  return nullptr;
}

class CepBolt final : public topology::Bolt {
 public:
  CepBolt(const PipelineOptions& o, std::shared_ptr<const AssignedPartitions> assigned)
      : o_(o), assigned_(std::move(assigned)), engine_(NewEngine()) {}

  void DeclareOutputFields(topology::OutputFieldsDeclarer& d) const override {
    d.Declare(topology::Fields{"date", "car_number", "detection"});
  }

  Status Prepare(const topology::TopologyContext& context,
                 topology::OutputCollector& collector) override {
    out_ = &collector;
    parse_tasks_ = 0;
    auto it = context.component_tasks.find("parse");
    if (it != context.component_tasks.end()) parse_tasks_ = static_cast<int>(it->second.size());
    return ReloadRules(true);
  }

  Status Execute(const topology::Tuple& input) override {
    const int64_t* epoch = input.GetAs<int64_t>("epoch");
    if (epoch != nullptr && *epoch < epoch_) {
      out_->Ack(input);  // Abandoned by the spout; replayed in the current epoch.
      return Status::OK();
    }
    if (epoch != nullptr && *epoch > epoch_) SMARTCAR_RETURN_IF_ERROR(StartEpoch(*epoch));
    if (input.source_stream() == kEndOfInputStream) {
      out_->Ack(input);
      if (++eos_seen_ >= std::max(1, parse_tasks_)) {
        engine_->AdvanceWatermark(EventTimeMs{INT64_MAX / 4});  // The final watermark.
        EmitPending();
        while (!held_.empty()) ReleaseFront();
      }
      return Status::OK();
    }
    const DriverEvent* e = input.GetAs<DriverEvent>("event");
    if (e == nullptr) {
      out_->Ack(input);
      return Status::InvalidArgument("tuple without an 'event' field");
    }
    held_.push_back(input);
    last_held_[std::string(e->car_number.view())] = &held_.back();
    const int64_t* partition = input.GetAs<int64_t>("partition");
    PartitionTime& pt = partitions_[partition != nullptr ? *partition : -1];
    pt.newest = std::max(pt.newest, e->time.value);
    pt.last_seen = std::chrono::steady_clock::now();
    engine_->Send(*e);
    AdvanceEventTime(pt.last_seen);
    return Status::OK();
  }

  Status Tick() override {
    AdvanceEventTime(std::chrono::steady_clock::now());  // Idle partitions stop holding back.
    return ReloadRules(false);
  }

 private:
  std::unique_ptr<cep::Engine> NewEngine() {
    cep::EngineOptions options;
    options.event_time_from_events = false;  // AdvanceEventTime: the minimum over partitions.
    return std::make_unique<cep::Engine>(options,
                                         [this](const cep::OutputEvent& ev) { OnOutput(ev); });
  }

  static constexpr std::chrono::seconds kIdlePartition{10};

  // Moves the engine's event time to the minimum over active partitions of their newest event
  // time, emits what closed, and releases inputs every window has moved past.
  void AdvanceEventTime(std::chrono::steady_clock::time_point now) {
    if (assigned_ != nullptr && assigned_->GetIfChanged(&assigned_version_, &assigned_list_)) {
      // A partition assigned but silent so far holds event time back (for kIdlePartition).
      for (int32_t p : assigned_list_)
        partitions_.try_emplace(p, PartitionTime{INT64_MIN / 4, now});
    }
    int64_t slowest = INT64_MAX;
    int64_t newest = INT64_MIN / 4;
    for (const auto& [partition, pt] : partitions_) {
      newest = std::max(newest, pt.newest);
      if (now - pt.last_seen <= kIdlePartition) slowest = std::min(slowest, pt.newest);
    }
    if (slowest == INT64_MAX) slowest = newest;  // Every partition idle: the newest counts.
    if (slowest > event_time_) {
      event_time_ = slowest;
      engine_->AdvanceEventTime(EventTimeMs{event_time_});
    }
    EmitPending();
    while (!held_.empty()) {
      const DriverEvent* front = held_.front().GetAs<DriverEvent>("event");
      if (front->time.value + o_.cep_hold_ms >= event_time_) break;
      ReleaseFront();
    }
  }

  // Drops every window and held input: the spout replays them from the committed offsets.
  Status StartEpoch(int64_t epoch) {
    epoch_ = epoch;
    for (const topology::Tuple& t : held_) out_->Ack(t);  // Abandoned; the spout ignores them.
    held_.clear();
    last_held_.clear();
    pending_.clear();
    partitions_.clear();
    assigned_version_ = 0;  // The current assignment applies again.
    event_time_ = INT64_MIN / 4;
    eos_seen_ = 0;
    engine_ = NewEngine();
    for (const auto& [name, rule] : deployed_)
      SMARTCAR_RETURN_IF_ERROR(engine_->Replace(name, rule));
    return Status::OK();
  }

  void ReleaseFront() {
    const topology::Tuple& t = held_.front();
    const DriverEvent* e = t.GetAs<DriverEvent>("event");
    auto it = last_held_.find(std::string(e->car_number.view()));
    if (it != last_held_.end() && it->second == &t) last_held_.erase(it);
    out_->Ack(t);
    held_.pop_front();
  }

  void OnOutput(const cep::OutputEvent& ev) {
    if (ev.late) {
      if (o_.counters) o_.counters->late++;
      return;
    }
    hot::Detection d;
    d.rule = std::string(ev.statement);
    if (const cep::Value* car = AnyColumn(ev, {"carNumber", "car_number"});
        car && car->type == cep::Type::kString) {
      d.car = car->s;
    } else {
      return;  // Only rows naming a car are detections.
    }
    const cep::Value* last = AnyColumn(ev, {"date"});
    const cep::Value* start = AnyColumn(ev, {"windowStart", "window_start"});
    const cep::Value* end = AnyColumn(ev, {"windowEnd", "window_end"});
    const cep::Value* avg = AnyColumn(ev, {"avgSpeed", "avg_speed"});
    const cep::Value* count = AnyColumn(ev, {"eventCount", "event_count"});
    d.window_end_ms = end && cep::IsNumeric(end->type)
                          ? end->i
                          : (last && cep::IsNumeric(last->type) ? last->i : 0);
    d.window_start_ms = start && cep::IsNumeric(start->type) ? start->i : d.window_end_ms;
    d.avg_speed = avg && cep::IsNumeric(avg->type) ? avg->AsDouble() : 0;
    d.event_count =
        count && cep::IsNumeric(count->type) ? static_cast<int64_t>(count->AsDouble()) : 0;
    d.date = FormatDate8(EventTimeMs{d.window_start_ms});
    pending_.push_back(std::move(d));
  }

  void EmitPending() {
    for (const auto& d : pending_) {
      std::vector<const topology::Tuple*> anchors;
      auto it = last_held_.find(d.car);
      if (it != last_held_.end()) anchors.push_back(it->second);
      (void)out_->Emit(topology::kDefaultStream, anchors,
                       {topology::Value{d.date}, topology::Value{d.car},
                        topology::Value{hot::DetectionToJson(d)}});
    }
    pending_.clear();
  }

  // Deploys new or changed rule files, undeploys removed ones. On the first load an error fails
  // Prepare; later a bad file is reported and the running version stays.
  Status ReloadRules(bool first) {
    std::map<std::string, RuleFile> now;
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(o_.rules_dir, ec)) {
      if (f.path().extension() != ".epl" || !f.is_regular_file()) continue;
      struct stat st;
      if (stat(f.path().c_str(), &st) != 0) continue;
      now[f.path().string()] =
          RuleFile{static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                   static_cast<uintmax_t>(st.st_size)};
    }
    if (first && now.empty())
      return Status::InvalidArgument("no rule files (*.epl) in '" + o_.rules_dir + "'");
    for (const auto& [path, info] : now) {
      auto old = files_.find(path);
      if (old != files_.end() && old->second.mtime_ns == info.mtime_ns &&
          old->second.size == info.size)
        continue;
      std::ifstream in(path);
      std::stringstream ss;
      ss << in.rdbuf();
      auto rule = cep::Compile(ss.str());
      files_[path] = info;  // Do not retry a broken file until it changes again.
      if (!rule) {
        Status s = rule.error().WithPrefix(path + ": ");
        if (first) return s;
        std::fprintf(stderr, "smartcar: rule reload failed, keeping the running rules: %s\n",
                     s.message().c_str());
        continue;
      }
      Status s = engine_->Replace(fs::path(path).filename().string(), *rule);
      if (!s.ok()) {
        if (first) return s.WithPrefix(path + ": ");
        std::fprintf(stderr, "smartcar: rule reload failed: %s: %s\n", path.c_str(),
                     s.message().c_str());
        continue;
      }
      deployed_[fs::path(path).filename().string()] = std::move(*rule);
      if (o_.counters) o_.counters->rule_reloads++;
    }
    for (auto it = files_.begin(); it != files_.end();) {
      if (now.count(it->first) == 0) {
        (void)engine_->Undeploy(fs::path(it->first).filename().string());
        deployed_.erase(fs::path(it->first).filename().string());
        it = files_.erase(it);
      } else {
        ++it;
      }
    }
    return Status::OK();
  }

  PipelineOptions o_;
  std::shared_ptr<const AssignedPartitions> assigned_;  // May be null.
  uint64_t assigned_version_ = 0;
  std::vector<int32_t> assigned_list_;
  std::unique_ptr<cep::Engine> engine_;
  topology::OutputCollector* out_ = nullptr;
  std::deque<topology::Tuple> held_;
  std::unordered_map<std::string, const topology::Tuple*> last_held_;
  std::vector<hot::Detection> pending_;
  std::map<std::string, RuleFile> files_;
  std::map<std::string, cep::CompiledRule> deployed_;  // Deployment name → running rule.
  struct PartitionTime {
    int64_t newest = INT64_MIN / 4;                   // Newest event time it delivered.
    std::chrono::steady_clock::time_point last_seen;  // When it last delivered one.
  };
  std::map<int64_t, PartitionTime> partitions_;  // Log partition → its progress.
  int64_t event_time_ = INT64_MIN / 4;           // What the engine was told (min over partitions).
  int parse_tasks_ = 0;
  int eos_seen_ = 0;
  int64_t epoch_ = 0;
};

}  // namespace

std::unique_ptr<topology::Bolt> MakeCepBolt(const PipelineOptions& options,
                                            std::shared_ptr<const AssignedPartitions> assigned) {
  return std::make_unique<CepBolt>(options, std::move(assigned));
}

}  // namespace smartcar::pipeline
