// LogSpout: reads the driving topic as a member of the consumer group, parses each record in
// its own task (LineParser, chained: no queue or thread between reading and parsing; rejects go
// to the dead-letter file) and emits one tuple per driving event, unanchored: records are not
// tracked one by one (no acker entry, no XOR edges).
// Completion is tracked per offset range instead, by marks (Flink's checkpoint barriers, without
// state snapshots): every kRecordsPerMark records, and whenever the spout has caught up, it
// emits a mark on kMarkStream with a message id and the offsets read so far. A mark travels
// the same queues as the records behind it (all groupings keep each task pair's order), and each
// bolt passes it on and acks it only once everything before it is done there: written to the
// table, its rule progress recorded, its detections in the hot store.
// So when a mark's tree completes, every record before it is processed, and its offsets become
// committable (marks complete in order: a later one waits for the earlier ones).
//
// Offsets are committed no further than the marks completed and than the first event of a
// still-open rule window, with the rule lanes' closed-through event time as commit metadata
// (CepProgress); so a restart replays from there and rebuilds exactly the windows that were
// open. A failed or timed-out mark (a failed table write), or a reject that could not be kept,
// restarts the whole spout from the committed offsets in a new epoch, as after a crash (Flink's
// restart from the last checkpoint; repeated restarts wait 50 ms doubling to 5 s): replaying one
// record into the rule engine's windows could not be right (it would count it twice, or skip it
// as a redelivery).
//
// Rebalance (several processes in one group, see docs/TOPOLOGY.md "Scale-out"): on revoke the
// spout commits what is acked, abandons every record in flight and starts a new epoch. Each
// tuple carries its epoch; a CEP task that sees a newer epoch drops its windows and held inputs,
// and tuples of an older epoch are settled without effect. The partitions are read again from
// their committed offsets (by this process or by their new owner), which rebuilds the windows
// exactly as after a crash. Message ids are a per-process sequence, never reused, so a late ack
// of an abandoned tuple cannot be mistaken for the ack of its replay.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <thread>
#include <unordered_map>

#include "pipeline/cep_progress.h"
#include "pipeline/components.h"
#include "pipeline/line_parser.h"
#include "queue/log.h"

namespace smartcar::pipeline {
namespace {

using topology::MessageId;

class LogSpout final : public topology::Spout, public queue::RebalanceListener {
 public:
  LogSpout(const PipelineOptions& o, std::shared_ptr<CepProgress> progress)
      : o_(o), progress_(std::move(progress)), parser_(o.topic, o.dead_letter_path, o.counters) {}

  void DeclareOutputFields(topology::OutputFieldsDeclarer& d) const override {
    d.Declare(topology::Fields{field::kCarNumber, field::kEvent, field::kEpoch, field::kPartition,
                               field::kOffset});
    d.DeclareStream(kEndOfInputStream, topology::Fields{field::kFrom, field::kEpoch});
    d.DeclareStream(kMarkStream, topology::Fields{field::kEpoch});
  }

  Status Open(const topology::TopologyContext&,
              topology::SpoutOutputCollector& collector) override {
    collector_ = &collector;
    queue::ConsumerOptions co;
    co.group = o_.group;
    co.reset = queue::OffsetReset::kEarliest;
    co.listener = this;
    auto consumer = o_.log->NewConsumer(co);
    if (!consumer) return consumer.error();
    consumer_ = std::move(*consumer);
    last_activity_ = std::chrono::steady_clock::now();
    queue::SubscribeOptions so;
    so.topics = {o_.topic};
    return consumer_->Subscribe(so);
  }

  Status NextTuple() override {
    if (restart_) {
      if (std::chrono::steady_clock::now() < restart_at_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return Status::OK();
      }
      return RestartFromCommitted();
    }
    if (eos_sent_) {
      if (marks_.empty() && !final_committed_) return FinalCommit();
      MaybeCommit(false);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return Status::OK();
    }
    MaybeCommit(false);
    SMARTCAR_RETURN_IF_ERROR(FollowIntakePause());
    if (need_restore_) SMARTCAR_RETURN_IF_ERROR(RestoreProgress());
    queue::PollOptions po;
    po.max_records = 500;
    // Poll returns as soon as records arrive: the timeout only paces an idle spout (commits of
    // acked marks, the end-of-input checks), 10 times a second. Once the input is complete there
    // is nothing to wait for: an empty answer means the end.
    const bool complete = o_.input_complete != nullptr && o_.input_complete->load();
    po.timeout_ms = complete ? 0 : 100;
    auto recs = consumer_->Poll(po);
    if (!recs) return recs.error();
    if (!rewind_.empty()) SMARTCAR_RETURN_IF_ERROR(Rewind(&*recs));
    if (!o_.stop_offsets.empty()) SMARTCAR_RETURN_IF_ERROR(DropPastStop(&*recs));
    if (need_restore_) {
      // A rebalance inside this Poll: restore the rule lanes before emitting any record; if the
      // commit metadata cannot be read, read these records again afterwards.
      Status s = RestoreProgress();
      if (!s.ok()) {
        for (const auto& tp : consumer_->Assignment()) {
          auto c = consumer_->Committed(tp);
          if (c && c->has_value()) rewind_[tp] = (*c)->offset.value;
        }
        return s;
      }
    }
    if (!recs->empty()) last_activity_ = std::chrono::steady_clock::now();
    for (const auto& r : *recs) {
      if (o_.counters) o_.counters->consumed++;  // (replays after a restart included)
      DriverEvent event;
      auto parsed = parser_.Parse(r.value, r.partition.value, r.offset.value, &event);
      if (!parsed) {
        // A reject that could not be kept: read again from the last commit, after a while.
        std::fprintf(stderr, "smartcar: %s\n", parsed.error().message().c_str());
        RestartSoon();
        return Status::OK();
      }
      SMARTCAR_RETURN_IF_ERROR(
          EmitRecord(r.partition.value, r.offset.value, *parsed ? &event : nullptr));
    }
    // A mark every kRecordsPerMark records, and behind the last records whenever the spout has
    // caught up (a short poll) or a while has passed, so a slow trickle still commits.
    if (since_mark_ >= kRecordsPerMark ||
        (since_mark_ > 0 && (recs->size() < static_cast<size_t>(po.max_records) ||
                             std::chrono::steady_clock::now() - last_mark_ >= kMarkEvery))) {
      SMARTCAR_RETURN_IF_ERROR(EmitMark());
    }
    if (recs->empty() && o_.input_complete != nullptr && o_.input_complete->load() && AtEnd()) {
      return EndInput();
    }
    if (recs->empty() && o_.drain_when_idle_ms > 0 && IdleAndCaughtUp()) return EndInput();
    if (recs->empty() && !o_.stop_offsets.empty() && AtStop()) return EndInput();
    return Status::OK();
  }

  // A mark's tree completed: once every older mark has too, their offsets are committable.
  // Acks of marks abandoned by StartEpoch find nothing; after a failure none counts any more
  // (the spout restarts from what was committed before it).
  void Ack(MessageId id) override {
    if (restart_) return;
    for (Mark& m : marks_) {
      if (m.id == id) m.done = true;
    }
    if (!marks_.empty() && marks_.front().done) restart_wait_ = kFirstRestartWait;  // Working.
    while (!marks_.empty() && marks_.front().done) {
      for (const auto& [partition, next] : marks_.front().next) {
        int64_t& done = done_[partition];
        done = std::max(done, next);
      }
      marks_.pop_front();
    }
  }

  void Fail(MessageId id) override {
    for (const Mark& m : marks_) {
      if (m.id == id) {
        RestartSoon();
        return;
      }
    }
  }

  bool Finished() const override { return eos_sent_ && marks_.empty() && final_committed_; }
  bool WaitsForInput() const override { return true; }  // Poll waits up to 100 ms (NextTuple).

  void Close() override {
    // After the final commit (end offsets, every window closed by the final watermark) the
    // lanes' progress no longer applies: a later run starts fresh from the end.
    MaybeCommit(true);
    if (consumer_) (void)consumer_->Close();
  }

  // Everything acked is committed; everything in flight is abandoned (its acks will find no
  // record) and read again from the committed offset by whoever owns the partition next. The
  // Kafka engine rebalances eagerly, so every assigned partition is revoked here; a partition
  // this process keeps (incremental hand-over) is rewound to its committed offset, because the
  // new epoch drops the CEP state of every car.
  void OnPartitionsRevoked(const std::vector<queue::TopicPartition>& revoked) override {
    MaybeCommit(true);
    bool kept_some = false;
    if (consumer_) {
      for (const auto& tp : consumer_->Assignment()) {
        if (std::find(revoked.begin(), revoked.end(), tp) != revoked.end()) continue;
        kept_some = true;
        auto c = committed_.find(tp.partition.value);
        if (c != committed_.end() && c->second.offset >= 0) rewind_[tp] = c->second.offset;
      }
    }
    StartEpoch();
    // Everything revoked (eager): the next assignment follows; until then there is none.
    between_revoke_and_assign_ = !kept_some;
    last_activity_ = std::chrono::steady_clock::now();
  }
  void OnPartitionsAssigned(const std::vector<queue::TopicPartition>& partitions) override {
    ever_assigned_ = true;
    need_restore_ = true;
    between_revoke_and_assign_ = false;
    last_activity_ = std::chrono::steady_clock::now();
    if (o_.on_assignment) {
      std::vector<int32_t> ids;
      for (const auto& tp : consumer_ ? consumer_->Assignment() : partitions) {
        ids.push_back(tp.partition.value);
      }
      o_.on_assignment(ids);
    }
  }

 private:
  // Under a backlog a mark settles 4096 records, and the table bolt writes up to as many rows at
  // once: against 2048 and 1000, 2,000,000 events took ~5-9 % less CPU (fewer marks through every
  // bolt, longer sorted runs into the memtable) for ~8 MiB more peak RSS (BENCHMARKS.md).
  static constexpr size_t kRecordsPerMark = 4096;
  static constexpr std::chrono::milliseconds kMarkEvery{100};
  static constexpr std::chrono::milliseconds kFirstRestartWait{50};
  // Acked offsets are committed at most this often. (Once a second instead saved little at the
  // pilot's load once ForCommit stopped scanning every entry held, and left runs of a second
  // or two with nothing committed.)
  static constexpr std::chrono::milliseconds kCommitEvery{200};

  // Reads again from the committed offsets on the next NextTuple after restart_wait_, which
  // doubles up to 5 s while restarts follow each other with no mark completing in between.
  void RestartSoon() {
    if (restart_) return;
    restart_ = true;
    restart_at_ = std::chrono::steady_clock::now() + restart_wait_;
    restart_wait_ = std::min(restart_wait_ * 2, std::chrono::milliseconds(5000));
  }

  // A mark in flight: the offset after the last record emitted before it, per partition read in
  // this epoch.
  struct Mark {
    MessageId id = 0;
    std::vector<std::pair<int32_t, int64_t>> next;
    bool done = false;  // Its tree completed (it waits for the older marks).
  };

  // Intake paused (the data disk): the assigned partitions are paused, not the polling, so the
  // consumer stays in its group (Kafka: max.poll.interval.ms) and rebalances are still served;
  // partitions assigned while paused are paused too. Paused is not idle (no end of input).
  Status FollowIntakePause() {
    const bool pause = o_.intake_paused != nullptr && o_.intake_paused->load();
    if (pause) {
      SMARTCAR_RETURN_IF_ERROR(consumer_->Pause(consumer_->Assignment()));
      last_activity_ = std::chrono::steady_clock::now();
    } else if (paused_) {
      SMARTCAR_RETURN_IF_ERROR(consumer_->Resume(consumer_->Assignment()));
    }
    paused_ = pause;
    return Status::OK();
  }

  // Emits the record's driving event (none for a header line or a reject): [car_number, event,
  // epoch, partition, offset]. Its offset is processed either way.
  Status EmitRecord(int32_t partition, int64_t offset, const DriverEvent* event) {
    int64_t& next = emitted_next_[partition];
    next = std::max(next, offset + 1);
    ++since_mark_;
    if (event == nullptr) return Status::OK();
    // Built in place: a braced list's values would each be copied out of it (the car number, and
    // the event's shared count taken and dropped once more).
    topology::Values values;
    values.reserve(5);
    values.emplace_back(std::string(event->car_number.view()));
    values.emplace_back(topology::Object::Make(*event));
    values.emplace_back(epoch_);
    values.emplace_back(int64_t{partition});
    values.emplace_back(offset);
    return collector_->Emit(topology::kDefaultStream, std::move(values), std::nullopt);
  }

  Status EmitMark() {
    Mark m;
    m.id = next_id_++;
    m.next.assign(emitted_next_.begin(), emitted_next_.end());
    marks_.push_back(std::move(m));
    since_mark_ = 0;
    last_mark_ = std::chrono::steady_clock::now();
    return collector_->Emit(kMarkStream, {topology::Value{epoch_}}, marks_.back().id);
  }

  // After the end of input, once everything is acked: commits the end offsets of the partitions
  // this process owns. A commit refused because the group is rebalancing (another worker left)
  // is retried after this consumer has rejoined; Poll drives the rejoin, and its records are
  // not emitted any more (a partition that moved away is committed by its new owner).
  Status FinalCommit() {
    const auto assigned = consumer_->Assignment();
    if (!final_computed_) {
      for (const auto& tp : assigned) {
        auto done = done_.find(tp.partition.value);
        if (done != done_.end()) final_offsets_[tp] = done->second;
      }
      final_computed_ = true;
    }
    queue::CommitOptions co;
    for (const auto& [tp, offset] : final_offsets_) {
      if (std::find(assigned.begin(), assigned.end(), tp) != assigned.end()) {
        co.offsets.push_back(queue::TopicPartitionOffset{tp, queue::Offset(offset)});
      }
    }
    // Between a revoke and the next assignment nothing is assigned: wait (a bounded time) for
    // the assignment.
    const bool waiting =
        between_revoke_and_assign_ &&
        std::chrono::steady_clock::now() - last_activity_ < std::chrono::seconds(60);
    if (!waiting && (co.offsets.empty() || consumer_->Commit(co).ok())) {
      final_committed_ = true;
      return Status::OK();
    }
    queue::PollOptions po;
    po.max_records = 100;
    po.timeout_ms = 100;
    auto recs = consumer_->Poll(po);
    return recs ? Status::OK() : recs.error();
  }

  // Abandons everything in flight (acks of older epochs find no record) and starts a new epoch;
  // the rule lanes' progress is read again from the commit metadata before the next record.
  void StartEpoch() {
    marks_.clear();
    emitted_next_.clear();
    done_.clear();
    since_mark_ = 0;
    committed_.clear();
    ++epoch_;
    if (progress_) progress_->StartEpoch(epoch_);
    need_restore_ = true;
  }

  // Everything in flight is abandoned and every assigned partition is read again from its
  // committed offset in a new epoch (the CEP lanes restart from the commit metadata).
  Status RestartFromCommitted() {
    MaybeCommit(true);
    for (const auto& tp : consumer_->Assignment()) {
      auto c = consumer_->Committed(tp);
      if (!c) return c.error().WithPrefix("restarting from the committed offsets: ");
      rewind_[tp] = c->has_value() ? (*c)->offset.value : kRewindToEarliest;
    }
    StartEpoch();
    eos_sent_ = false;
    restart_ = false;
    if (o_.counters) o_.counters->restarts++;
    std::fprintf(stderr,
                 "smartcar: records could not be processed (a write failed or a mark timed "
                 "out): reading again from the committed offsets (epoch %lld)\n",
                 static_cast<long long>(epoch_));
    return Status::OK();
  }

  // Kept partitions restart at their committed offset: drop what this Poll read past it.
  Status Rewind(std::vector<queue::ConsumedRecord>* recs) {
    std::erase_if(*recs, [this](const queue::ConsumedRecord& r) {
      return rewind_.count(queue::TopicPartition{r.topic, r.partition}) != 0;
    });
    for (const auto& [tp, offset] : rewind_) {
      queue::SeekOptions so;
      so.tp = tp;
      so.target =
          offset == kRewindToEarliest ? queue::SeekTarget::kEarliest : queue::SeekTarget::kOffset;
      so.offset = queue::Offset(offset);
      Status s = consumer_->Seek(so);
      if (!s.ok() && consumer_->Position(tp)) return s;  // Not assigned any more: nothing to do.
      // A replay's partition paused at its stop offset reads again up to it.
      if (s.ok() && !o_.stop_offsets.empty() && !paused_) (void)consumer_->Resume({tp});
    }
    rewind_.clear();
    return Status::OK();
  }

  // End of input, then a mark behind it: the final commit waits until every task has passed
  // the end of input on (every window closed, its detections stored).
  Status EndInput() {
    SMARTCAR_RETURN_IF_ERROR(collector_->Emit(
        kEndOfInputStream, {topology::Value{std::string(component::kLog)}, topology::Value{epoch_}},
        std::nullopt));
    eos_sent_ = true;
    return EmitMark();
  }

  // drain_when_idle_ms: partitions assigned once and not in the middle of a rebalance, no record
  // or rebalance for that long, and every assigned partition read to its end (checked at most
  // every 200 ms).
  bool IdleAndCaughtUp() {
    const auto now = std::chrono::steady_clock::now();
    if (!ever_assigned_ || between_revoke_and_assign_ ||
        now - last_activity_ < std::chrono::milliseconds(o_.drain_when_idle_ms) ||
        now - last_end_check_ < std::chrono::milliseconds(200)) {
      return false;
    }
    last_end_check_ = now;
    const auto assigned = consumer_->Assignment();
    if (assigned.empty()) return true;
    auto desc = o_.log->DescribeTopic(o_.topic);
    if (!desc) return false;
    for (const auto& tp : assigned) {
      auto pos = consumer_->Position(tp);
      if (!pos) return false;
      for (const auto& p : desc->partitions) {
        if (p.partition == tp.partition && pos->value < p.latest.value) return false;
      }
    }
    return true;
  }

  int64_t StopOffset(int32_t partition) const {
    auto it = o_.stop_offsets.find(partition);
    return it == o_.stop_offsets.end() ? 0 : it->second;
  }

  // A replay: records at or past their partition's stop offset are not emitted, and that
  // partition is paused (a live run may keep appending to it).
  Status DropPastStop(std::vector<queue::ConsumedRecord>* recs) {
    std::vector<queue::TopicPartition> done;
    std::erase_if(*recs, [&](const queue::ConsumedRecord& r) {
      if (r.offset.value < StopOffset(r.partition.value)) return false;
      queue::TopicPartition tp{r.topic, r.partition};
      if (std::find(done.begin(), done.end(), tp) == done.end()) done.push_back(std::move(tp));
      return true;
    });
    return done.empty() ? Status::OK() : consumer_->Pause(done);
  }

  // A replay: every assigned partition has reached its stop offset.
  bool AtStop() {
    if (!ever_assigned_ || between_revoke_and_assign_) return false;
    for (const auto& tp : consumer_->Assignment()) {
      auto pos = consumer_->Position(tp);
      if (!pos || pos->value < StopOffset(tp.partition.value)) return false;
    }
    return true;
  }

  // True when every assigned partition has been read to its end.
  bool AtEnd() {
    auto desc = o_.log->DescribeTopic(o_.topic);
    if (!desc) return false;
    for (const auto& p : desc->partitions) {
      auto pos = consumer_->Position(queue::TopicPartition{o_.topic, p.partition});
      if (!pos) {
        if (p.latest.value > p.earliest.value) return false;  // Not assigned yet but has data.
        continue;
      }
      if (pos->value < p.latest.value) return false;
    }
    return true;
  }

  // Reads each assigned partition's commit metadata into the rule lanes' progress (where they
  // start). The spout calls it before emitting the first record of a new assignment.
  Status RestoreProgress() {
    for (const auto& tp : consumer_->Assignment()) {
      auto c = consumer_->Committed(tp);
      if (!c)
        return c.error().WithPrefix("reading the committed offset of " + queue::ToString(tp) +
                                    ": ");
      Committed& last = committed_[tp.partition.value];
      last = c->has_value() ? Committed{(*c)->offset.value, (*c)->metadata} : Committed{};
      if (progress_) progress_->SetRestored(epoch_, tp.partition.value, last.metadata);
    }
    need_restore_ = false;
    return Status::OK();
  }

  void MaybeCommit(bool force) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_commit_ < kCommitEvery) return;
    last_commit_ = now;
    if (need_restore_) return;  // The lanes' progress is not known yet.
    // After the final commit (end offsets, every window closed by the final watermark) the
    // lanes' progress no longer applies: a later run starts fresh from the end.
    if (final_committed_) return;
    queue::CommitOptions co;
    for (const auto& tp :
         consumer_ ? consumer_->Assignment() : std::vector<queue::TopicPartition>{}) {
      auto done = done_.find(tp.partition.value);
      if (done == done_.end()) continue;
      CepProgress::Commit want{done->second, ""};
      if (progress_) want = progress_->ForCommit(tp.partition.value, done->second);
      const Committed& last = committed_[tp.partition.value];
      if (last.offset == want.offset && last.metadata == want.metadata) continue;
      co.offsets.push_back(
          queue::TopicPartitionOffset{tp, queue::Offset(want.offset), std::move(want.metadata)});
    }
    if (!co.offsets.empty()) {
      Status s = consumer_->Commit(co);
      if (s.ok()) {
        for (const auto& tpo : co.offsets) {
          committed_[tpo.tp.partition.value] = Committed{tpo.offset.value, tpo.metadata};
        }
      }
    }
  }

  struct Committed {
    int64_t offset = -1;
    std::string metadata;
  };

  PipelineOptions o_;
  std::shared_ptr<CepProgress> progress_;  // May be null.
  bool need_restore_ = true;
  topology::SpoutOutputCollector* collector_ = nullptr;
  std::unique_ptr<queue::Consumer> consumer_;
  std::deque<Mark> marks_;                             // In flight, oldest first.
  std::unordered_map<int32_t, int64_t> emitted_next_;  // Per partition: after the last emitted.
  std::unordered_map<int32_t, int64_t> done_;  // Per partition: everything below is processed.
  size_t since_mark_ = 0;                      // Records emitted since the last mark.
  std::chrono::steady_clock::time_point last_mark_{};
  LineParser parser_;
  bool restart_ = false;  // A mark failed: RestartFromCommitted() at restart_at_.
  std::chrono::steady_clock::time_point restart_at_{};
  std::chrono::milliseconds restart_wait_ = kFirstRestartWait;
  static constexpr int64_t kRewindToEarliest = -1;
  std::unordered_map<int32_t, Committed> committed_;  // What this process last committed.
  std::map<queue::TopicPartition, int64_t> rewind_;
  std::chrono::steady_clock::time_point last_commit_{};
  bool eos_sent_ = false;
  bool final_committed_ = false;
  bool final_computed_ = false;
  bool between_revoke_and_assign_ = false;
  std::map<queue::TopicPartition, int64_t> final_offsets_;  // End offsets to commit at the end.
  MessageId next_id_ = 1;
  int64_t epoch_ = 0;
  bool ever_assigned_ = false;
  std::chrono::steady_clock::time_point last_activity_{};
  bool paused_ = false;  // The assigned partitions are paused (intake paused: disk).
  std::chrono::steady_clock::time_point last_end_check_{};
};

}  // namespace

std::unique_ptr<topology::Spout> MakeLogSpout(const PipelineOptions& options,
                                              std::shared_ptr<CepProgress> progress) {
  return std::make_unique<LogSpout>(options, std::move(progress));
}

}  // namespace smartcar::pipeline
