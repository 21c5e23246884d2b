// The embedded engine's read path and in-process consumer groups.
//
// Readers block on EmbeddedLog::data_cv(), notified by every group commit, rebalance and close:
// no polling loop. Group membership: each Subscribe/Close recomputes a range assignment (Kafka's
// RangeAssignor); a member gives a partition up inside its own Poll() (after its revoke
// callback, where it may Commit) and only then can the new owner take it, reading the committed
// offset. So a hand-off never lets two members read the same partition at once.
// One file (~480 lines): group membership and reading share the consumer's positions and the
// log's lock; record encoding is in record_batch.*, appends in embedded_write.cc.
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <chrono>

#include "queue/embedded/embedded_log_impl.h"

namespace smartcar::queue::embedded {

class EmbeddedConsumer final : public Consumer {
 public:
  EmbeddedConsumer(EmbeddedLog* log, ConsumerOptions options)
      : log_(log), options_(std::move(options)) {}
  ~EmbeddedConsumer() override { (void)Close(); }

  Status Subscribe(const SubscribeOptions& options) override;
  Status Assign(const AssignOptions& options) override;
  Result<std::vector<ConsumedRecord>> Poll(const PollOptions& options) override;
  Status Commit(const CommitOptions& options) override;
  Result<std::optional<TopicPartitionOffset>> Committed(const TopicPartition& tp) override;
  Status Seek(const SeekOptions& options) override;
  std::vector<TopicPartition> Assignment() override;
  Status Pause(const std::vector<TopicPartition>& partitions) override;
  Status Resume(const std::vector<TopicPartition>& partitions) override;
  Result<Offset> Position(const TopicPartition& tp) override;
  Status Close() override;

  // REQUIRES: log mu held.
  const std::vector<std::string>& subscription_locked() const { return subscription_; }
  const std::set<TopicPartition>& owned_locked() const { return owned_; }

 private:
  struct Ready {
    TopicPartition tp;
    uint32_t topic_id;
    int64_t from, to;
  };
  // Applies the group's target assignment: revokes, then takes free partitions.
  Status SyncAssignment();
  // REQUIRES: mu held. True when SyncAssignment() has something to do now.
  bool RebalancePendingLocked();
  // The starting position of a newly owned partition: committed offset or the reset policy.
  Result<int64_t> InitialPosition(const TopicPartition& tp);
  Status CheckOpen() const;

  EmbeddedLog* const log_;
  const ConsumerOptions options_;
  // Guarded by log_->mu(): read by other members of the group.
  std::set<TopicPartition> owned_;
  std::vector<std::string> subscription_;
  bool subscribed_ = false;
  bool closed_ = false;
  // Consumer thread only.
  std::map<TopicPartition, int64_t> positions_;
  std::set<TopicPartition> paused_;
  size_t round_robin_ = 0;
};

namespace {

std::vector<TopicPartition> Diff(const std::set<TopicPartition>& a,
                                 const std::set<TopicPartition>& b) {
  std::vector<TopicPartition> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Status NotAssigned(const TopicPartition& tp) {
  return Status::InvalidArgument("partition " + ToString(tp) + " is not assigned to this consumer");
}

}  // namespace

Result<std::unique_ptr<Consumer>> EmbeddedLog::NewConsumer(const ConsumerOptions& options) {
  if (options.group.find('\0') != std::string::npos) {
    return Err(Status::InvalidArgument("consumer group name contains a NUL byte"));
  }
  return std::unique_ptr<Consumer>(std::make_unique<EmbeddedConsumer>(this, options));
}

void EmbeddedLog::RebalanceLocked(const std::string& group) {
  auto git = groups_.find(group);
  if (git == groups_.end()) return;
  GroupState& g = git->second;
  g.target.clear();
  std::map<std::string, std::vector<EmbeddedConsumer*>> by_topic;
  for (EmbeddedConsumer* m : g.members) {
    g.target[m];
    for (const std::string& t : m->subscription_locked()) by_topic[t].push_back(m);
  }
  for (const auto& [topic, members] : by_topic) {
    TopicState* t = FindTopicLocked(topic);
    if (t == nullptr) continue;
    const int32_t n = t->meta.config.partitions;
    const auto m = static_cast<int32_t>(members.size());
    const int32_t per = n / m, extra = n % m;
    for (int32_t i = 0; i < m; ++i) {
      const int32_t start = per * i + std::min(i, extra);
      const int32_t len = per + (i < extra ? 1 : 0);
      for (int32_t p = start; p < start + len; ++p) {
        g.target[members[static_cast<size_t>(i)]].insert({topic, PartitionId(p)});
      }
    }
  }
  if (g.members.empty()) groups_.erase(git);
  data_cv_.notify_all();
}

Status EmbeddedConsumer::CheckOpen() const {
  return closed_ ? Status::Aborted("consumer is closed") : Status::OK();
}

Status EmbeddedConsumer::Subscribe(const SubscribeOptions& options) {
  if (options_.group.empty()) {
    return Status::InvalidArgument("Subscribe needs a consumer group (ConsumerOptions.group)");
  }
  if (options.topics.empty()) return Status::InvalidArgument("Subscribe: no topics given");
  std::lock_guard<std::mutex> l(log_->mu());
  SMARTCAR_RETURN_IF_ERROR(CheckOpen());
  if (!subscribed_ && !owned_.empty()) {
    return Status::InvalidArgument("Subscribe after Assign: use one or the other");
  }
  for (const std::string& t : options.topics) {
    if (log_->FindTopicLocked(t) == nullptr) {
      return Status::NotFound("topic '" + t + "' does not exist");
    }
  }
  subscription_ = options.topics;
  GroupState& g = log_->groups_locked()[options_.group];
  if (!subscribed_) g.members.push_back(this);
  subscribed_ = true;
  log_->RebalanceLocked(options_.group);
  return Status::OK();
}

Result<int64_t> EmbeddedConsumer::InitialPosition(const TopicPartition& tp) {
  uint32_t id;
  int64_t start, next;
  {
    std::lock_guard<std::mutex> l(log_->mu());
    TopicState* t = log_->FindTopicLocked(tp.topic);
    if (t == nullptr) return Err(Status::NotFound("topic '" + tp.topic + "' does not exist"));
    id = t->meta.id;
    start = t->partitions[static_cast<size_t>(tp.partition.value)].start;
    next = t->partitions[static_cast<size_t>(tp.partition.value)].next;
  }
  if (!options_.group.empty()) {
    auto committed = log_->ReadCommitted(options_.group, id, tp.partition.value);
    if (!committed) return Err(committed.error());
    if (committed->has_value()) return std::max(start, **committed);
  }
  return options_.reset == OffsetReset::kEarliest ? start : next;
}

Status EmbeddedConsumer::Assign(const AssignOptions& options) {
  std::set<TopicPartition> wanted;
  {
    std::lock_guard<std::mutex> l(log_->mu());
    SMARTCAR_RETURN_IF_ERROR(CheckOpen());
    if (subscribed_) return Status::InvalidArgument("Assign after Subscribe: use one or the other");
    for (const TopicPartition& tp : options.partitions) {
      TopicState* t = log_->FindTopicLocked(tp.topic);
      if (t == nullptr) return Status::NotFound("topic '" + tp.topic + "' does not exist");
      if (tp.partition.value < 0 || tp.partition.value >= t->meta.config.partitions) {
        return Status::InvalidArgument("partition " + ToString(tp) + " does not exist (topic has " +
                                       std::to_string(t->meta.config.partitions) + " partitions)");
      }
      wanted.insert(tp);
    }
  }
  std::map<TopicPartition, int64_t> positions;
  for (const TopicPartition& tp : wanted) {
    auto pos = InitialPosition(tp);
    if (!pos) return pos.error();
    positions[tp] = *pos;
  }
  std::lock_guard<std::mutex> l(log_->mu());
  owned_ = std::move(wanted);
  positions_ = std::move(positions);
  paused_.clear();  // As Kafka's assign(): a new assignment starts unpaused.
  return Status::OK();
}

bool EmbeddedConsumer::RebalancePendingLocked() {
  if (!subscribed_) return false;
  auto& groups = log_->groups_locked();
  auto g = groups.find(options_.group);
  if (g == groups.end()) return false;
  const std::set<TopicPartition>& target = g->second.target[this];
  for (const TopicPartition& tp : owned_) {
    if (target.count(tp) == 0) return true;
  }
  for (const TopicPartition& tp : target) {
    if (owned_.count(tp) != 0) continue;
    bool taken = false;
    for (EmbeddedConsumer* m : g->second.members) {
      if (m != this && m->owned_locked().count(tp) != 0) taken = true;
    }
    if (!taken) return true;
  }
  return false;
}

Status EmbeddedConsumer::SyncAssignment() {
  if (!subscribed_) return Status::OK();
  std::vector<TopicPartition> revoked;
  {
    std::lock_guard<std::mutex> l(log_->mu());
    auto& groups = log_->groups_locked();
    auto g = groups.find(options_.group);
    if (g == groups.end()) return Status::OK();
    revoked = Diff(owned_, g->second.target[this]);
  }
  if (!revoked.empty()) {
    if (options_.listener != nullptr) options_.listener->OnPartitionsRevoked(revoked);
    std::lock_guard<std::mutex> l(log_->mu());
    for (const TopicPartition& tp : revoked) {
      owned_.erase(tp);
      positions_.erase(tp);
      paused_.erase(tp);
    }
    log_->data_cv().notify_all();  // The new owners may take them now.
  }
  std::vector<TopicPartition> added;
  {
    std::lock_guard<std::mutex> l(log_->mu());
    auto& groups = log_->groups_locked();
    auto g = groups.find(options_.group);
    if (g == groups.end()) return Status::OK();
    for (const TopicPartition& tp : g->second.target[this]) {
      if (owned_.count(tp) != 0) continue;
      bool taken = false;
      for (EmbeddedConsumer* m : g->second.members) {
        if (m != this && m->owned_locked().count(tp) != 0) taken = true;
      }
      if (!taken) {
        owned_.insert(tp);
        added.push_back(tp);
      }
    }
  }
  if (added.empty()) return Status::OK();
  for (const TopicPartition& tp : added) {
    auto pos = InitialPosition(tp);
    if (!pos) return pos.error();
    positions_[tp] = *pos;
  }
  if (options_.listener != nullptr) options_.listener->OnPartitionsAssigned(added);
  return Status::OK();
}

Result<std::vector<ConsumedRecord>> EmbeddedConsumer::Poll(const PollOptions& options) {
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(std::max<int64_t>(0, options.timeout_ms));
  std::vector<Ready> ready;
  for (;;) {
    SMARTCAR_RETURN_IF_ERROR(log_->CatchUp(/*polling=*/true));  // Read-only: new records.
    SMARTCAR_RETURN_IF_ERROR(SyncAssignment());
    std::unique_lock<std::mutex> l(log_->mu());
    SMARTCAR_RETURN_IF_ERROR(CheckOpen());
    if (RebalancePendingLocked()) continue;
    for (const TopicPartition& tp : owned_) {
      if (paused_.count(tp) != 0) continue;
      TopicState* t = log_->FindTopicLocked(tp.topic);
      if (t == nullptr) continue;
      const PartState& ps = t->partitions[static_cast<size_t>(tp.partition.value)];
      int64_t& pos = positions_[tp];
      pos = std::max(pos, ps.start);  // Retention passed us by: resume at the log start.
      if (pos < ps.next) ready.push_back({tp, t->meta.id, pos, ps.next});
    }
    if (!ready.empty()) break;
    if (std::chrono::steady_clock::now() >= deadline) return std::vector<ConsumedRecord>();
    // Read-only: another process appends, nothing here notifies; look again every 50 ms.
    log_->data_cv().wait_until(l, log_->read_only()
                                      ? std::min(deadline, std::chrono::steady_clock::now() +
                                                               std::chrono::milliseconds(50))
                                      : deadline);
  }
  std::vector<ConsumedRecord> out;
  size_t budget = std::max<size_t>(1, options.max_records);
  out.reserve(std::min<size_t>(budget, 4096));  // Growing it moved every record read so far.
  // Records are read once, in order: like Kafka's fetches they go through the OS page cache, not
  // the block cache, which they would only fill with blocks never read again.
  rocksdb::ReadOptions read;
  read.fill_cache = false;
  // One iterator per record family read (a partition's batches are in its own, record_batch.h).
  std::array<std::unique_ptr<rocksdb::Iterator>, kRecordFamilies> iterators;
  const size_t start = round_robin_++ % ready.size();
  for (size_t k = 0; k < ready.size() && budget > 0; ++k) {
    const Ready& r = ready[(start + k) % ready.size()];
    auto& it = iterators[RecordFamilyIndex(r.tp.partition.value)];
    if (!it) it.reset(log_->db()->NewIterator(read, log_->RecordFamily(r.tp.partition.value)));
    const std::string prefix = PartitionPrefix(r.topic_id, r.tp.partition.value);
    const size_t before = out.size();
    for (it->Seek(RecordKey(r.topic_id, r.tp.partition.value, r.from));
         it->Valid() && budget > 0 && it->key().starts_with(prefix); it->Next()) {
      SMARTCAR_RETURN_IF_ERROR(DecodeBatch(std::string_view(it->value().data(), it->value().size()),
                                           r.tp.topic, r.tp.partition, r.from, r.to, &budget,
                                           &out));
      if (out.size() > before && out.back().offset.value + 1 >= r.to) break;
    }
    SMARTCAR_RETURN_IF_ERROR(FromRocks(it->status(), "reading " + ToString(r.tp)));
    if (out.size() > before) positions_[r.tp] = out.back().offset.value + 1;
  }
  return out;
}

Status EmbeddedConsumer::Commit(const CommitOptions& options) {
  if (log_->read_only()) return log_->ReadOnlyError("committing offsets");
  if (options_.group.empty()) {
    return Status::InvalidArgument("Commit needs a consumer group (ConsumerOptions.group)");
  }
  std::vector<TopicPartitionOffset> offsets = options.offsets;
  rocksdb::WriteBatch batch;
  {
    std::lock_guard<std::mutex> l(log_->mu());
    SMARTCAR_RETURN_IF_ERROR(CheckOpen());
    if (offsets.empty()) {
      for (const TopicPartition& tp : owned_) {
        auto p = positions_.find(tp);
        if (p != positions_.end()) offsets.push_back({tp, Offset(p->second)});
      }
    }
    for (const TopicPartitionOffset& o : offsets) {
      if (subscribed_ && owned_.count(o.tp) == 0) {
        return Status::Aborted("cannot commit " + ToString(o.tp) +
                               ": the partition was handed to another member of group '" +
                               options_.group + "'; its records will be redelivered there");
      }
      TopicState* t = log_->FindTopicLocked(o.tp.topic);
      if (t == nullptr) return Status::NotFound("topic '" + o.tp.topic + "' does not exist");
      if (o.tp.partition.value < 0 || o.tp.partition.value >= t->meta.config.partitions) {
        return Status::InvalidArgument("partition " + ToString(o.tp) + " does not exist");
      }
      if (o.metadata.size() > kMaxCommitMetadataBytes) {
        return Status::InvalidArgument("commit metadata of " + ToString(o.tp) + " is " +
                                       std::to_string(o.metadata.size()) + " bytes; at most " +
                                       std::to_string(kMaxCommitMetadataBytes) + " are kept");
      }
      std::string v;
      PutFixed64BE(&v, static_cast<uint64_t>(o.offset.value));
      v += o.metadata;
      batch.Put(CommitKey(options_.group, t->meta.id, o.tp.partition.value), v);
    }
  }
  if (batch.Count() == 0) return Status::OK();
  return FromRocks(log_->db()->Write(log_->write_options(), &batch),
                   "committing offsets of group '" + options_.group + "'");
}

Result<std::optional<TopicPartitionOffset>> EmbeddedConsumer::Committed(const TopicPartition& tp) {
  if (options_.group.empty()) {
    return Err(Status::InvalidArgument("Committed needs a consumer group (ConsumerOptions.group)"));
  }
  uint32_t topic_id = 0;
  {
    std::lock_guard<std::mutex> l(log_->mu());
    SMARTCAR_RETURN_IF_ERROR(CheckOpen());
    TopicState* t = log_->FindTopicLocked(tp.topic);
    if (t == nullptr) return Err(Status::NotFound("topic '" + tp.topic + "' does not exist"));
    topic_id = t->meta.id;
  }
  auto c = log_->ReadCommittedWithMetadata(options_.group, topic_id, tp.partition.value);
  if (!c) return Err(c.error());
  if (!c->has_value()) return std::optional<TopicPartitionOffset>();
  return std::optional<TopicPartitionOffset>(
      TopicPartitionOffset{tp, Offset((*c)->first), std::move((*c)->second)});
}

Status EmbeddedConsumer::Seek(const SeekOptions& options) {
  uint32_t id;
  int64_t start, next;
  {
    std::lock_guard<std::mutex> l(log_->mu());
    SMARTCAR_RETURN_IF_ERROR(CheckOpen());
    if (owned_.count(options.tp) == 0) return NotAssigned(options.tp);
    TopicState* t = log_->FindTopicLocked(options.tp.topic);
    if (t == nullptr) return Status::NotFound("topic '" + options.tp.topic + "' does not exist");
    id = t->meta.id;
    start = t->partitions[static_cast<size_t>(options.tp.partition.value)].start;
    next = t->partitions[static_cast<size_t>(options.tp.partition.value)].next;
  }
  int64_t pos = next;
  switch (options.target) {
    case SeekTarget::kEarliest:
      pos = start;
      break;
    case SeekTarget::kLatest:
      pos = next;
      break;
    case SeekTarget::kOffset:
      if (options.offset.value < 0) {
        return Status::InvalidArgument("seek offset " + std::to_string(options.offset.value) +
                                       " is negative");
      }
      pos = std::min(std::max(options.offset.value, start), next);
      break;
    case SeekTarget::kTime: {
      const int32_t p = options.tp.partition.value;
      const std::string prefix = PartitionPrefix(id, p);
      std::unique_ptr<rocksdb::Iterator> it(
          log_->db()->NewIterator(rocksdb::ReadOptions(), log_->RecordFamily(p)));
      for (it->Seek(RecordKey(id, p, start)); it->Valid() && it->key().starts_with(prefix);
           it->Next()) {
        const std::string_view v(it->value().data(), it->value().size());
        BatchHeader h;
        SMARTCAR_RETURN_IF_ERROR(DecodeBatchHeader(v, &h));
        if (h.max_timestamp_ms < options.timestamp_ms) continue;
        std::vector<ConsumedRecord> recs;
        size_t budget = h.count;
        SMARTCAR_RETURN_IF_ERROR(
            DecodeBatch(v, options.tp.topic, options.tp.partition, start, next, &budget, &recs));
        for (const ConsumedRecord& r : recs) {
          if (r.timestamp_ms >= options.timestamp_ms) {
            pos = r.offset.value;
            break;
          }
        }
        break;
      }
      SMARTCAR_RETURN_IF_ERROR(FromRocks(it->status(), "seeking " + ToString(options.tp)));
      break;
    }
  }
  positions_[options.tp] = pos;
  return Status::OK();
}

Status EmbeddedConsumer::Pause(const std::vector<TopicPartition>& partitions) {
  SMARTCAR_RETURN_IF_ERROR(CheckOpen());
  std::lock_guard<std::mutex> l(log_->mu());
  for (const TopicPartition& tp : partitions) {
    if (owned_.count(tp) != 0) paused_.insert(tp);
  }
  return Status::OK();
}

Status EmbeddedConsumer::Resume(const std::vector<TopicPartition>& partitions) {
  SMARTCAR_RETURN_IF_ERROR(CheckOpen());
  for (const TopicPartition& tp : partitions) paused_.erase(tp);
  return Status::OK();
}

std::vector<TopicPartition> EmbeddedConsumer::Assignment() {
  std::lock_guard<std::mutex> l(log_->mu());
  return {owned_.begin(), owned_.end()};
}

Result<Offset> EmbeddedConsumer::Position(const TopicPartition& tp) {
  auto p = positions_.find(tp);
  if (p == positions_.end()) return Err(NotAssigned(tp));
  return Offset(p->second);
}

Status EmbeddedConsumer::Close() {
  std::vector<TopicPartition> owned;
  {
    std::lock_guard<std::mutex> l(log_->mu());
    if (closed_) return Status::OK();
    owned.assign(owned_.begin(), owned_.end());
  }
  if (subscribed_ && !owned.empty() && options_.listener != nullptr) {
    options_.listener->OnPartitionsRevoked(owned);
  }
  std::lock_guard<std::mutex> l(log_->mu());
  closed_ = true;
  owned_.clear();
  positions_.clear();
  if (subscribed_) {
    auto& groups = log_->groups_locked();
    auto g = groups.find(options_.group);
    if (g != groups.end()) {
      auto& members = g->second.members;
      members.erase(std::remove(members.begin(), members.end(), this), members.end());
      g->second.target.erase(this);
      log_->RebalanceLocked(options_.group);
    }
  }
  log_->data_cv().notify_all();
  return Status::OK();
}

}  // namespace smartcar::queue::embedded
