// The embedded engine's write path: group commit (LevelDB's writer queue). Each Append waits in
// writers_; the writer at the front becomes the leader, folds every waiting Append into one
// RocksDB WriteBatch (one entry per partition per Append, WAL on) and wakes the others when the
// batch is durable. Offsets become visible to readers only after the write succeeded.
#include <rocksdb/write_batch.h>

#include <chrono>

#include "core/clock.h"
#include "queue/embedded/embedded_log_impl.h"
#include "queue/partitioner.h"

namespace smartcar::queue::embedded {

struct EmbeddedLog::Writer {
  const AppendOptions* options;
  std::span<const Record> records;
  std::vector<RecordPosition> positions;
  Status status;
  bool done = false;
  std::condition_variable cv;
};

namespace {

constexpr size_t kMaxGroupBytes = 16 << 20;   // Stop folding writers past this.
constexpr size_t kMaxRecordsPerEntry = 4096;  // Bounds one RocksDB value.

size_t ApproxBytes(std::span<const Record> records) {
  size_t n = 0;
  for (const Record& r : records) n += r.key.size() + r.value.size() + 24;
  return n;
}

class EmbeddedProducer final : public Producer {
 public:
  explicit EmbeddedProducer(EmbeddedLog* log) : log_(log) {}
  Result<std::vector<RecordPosition>> Append(const AppendOptions& options,
                                             std::span<const Record> records) override {
    return log_->Append(options, records);
  }

 private:
  EmbeddedLog* log_;
};

}  // namespace

Result<std::unique_ptr<Producer>> EmbeddedLog::NewProducer(const ProducerOptions&) {
  if (options_.read_only) return Err(ReadOnlyError("producing"));
  return std::unique_ptr<Producer>(std::make_unique<EmbeddedProducer>(this));
}

void EmbeddedLog::BuildBatchLocked(const std::vector<Writer*>& group, rocksdb::WriteBatch* batch,
                                   std::map<std::pair<TopicState*, int32_t>, int64_t>* next) {
  const int64_t now = WallClockMs();
  std::string value;
  std::vector<std::vector<const Record*>> by_partition;
  std::vector<Record> stamped;  // Copies only for records without a timestamp.
  for (Writer* w : group) {
    TopicState* t = FindTopicLocked(w->options->topic);
    if (t == nullptr) {
      w->status = Status::NotFound("topic '" + w->options->topic + "' does not exist");
      continue;
    }
    const int32_t n = t->meta.config.partitions;
    by_partition.assign(static_cast<size_t>(n), {});
    size_t need_stamp = 0;
    for (const Record& r : w->records) need_stamp += r.timestamp_ms == 0 ? 1 : 0;
    stamped.clear();
    stamped.reserve(need_stamp);
    w->positions.resize(w->records.size());
    for (size_t i = 0; i < w->records.size(); ++i) {
      const Record* r = &w->records[i];
      PartitionId p;
      if (r->partition.has_value()) {
        p = *r->partition;
        if (p.value < 0 || p.value >= n) {
          w->status = Status::InvalidArgument("record " + std::to_string(i + 1) + ": partition " +
                                              std::to_string(p.value) +
                                              " is out of range for topic '" + w->options->topic +
                                              "' (" + std::to_string(n) + " partitions)");
          break;
        }
      } else if (!r->key.empty()) {
        p = PartitionForKey(r->key, n);
      } else {
        p = PartitionId(static_cast<int32_t>(t->round_robin++ % static_cast<uint64_t>(n)));
      }
      if (r->timestamp_ms == 0) {
        stamped.push_back(*r);
        stamped.back().timestamp_ms = now;
        r = &stamped.back();
      }
      by_partition[static_cast<size_t>(p.value)].push_back(r);
      w->positions[i].partition = p;
    }
    if (!w->status.ok()) continue;
    // Offsets in record order per partition.
    std::vector<int64_t> first(static_cast<size_t>(n), -1);
    for (int32_t p = 0; p < n; ++p) {
      auto key = std::make_pair(t, p);
      auto it = next->find(key);
      if (it == next->end()) {
        it = next->emplace(key, t->partitions[static_cast<size_t>(p)].next).first;
      }
      first[static_cast<size_t>(p)] = it->second;
      const auto& recs = by_partition[static_cast<size_t>(p)];
      for (size_t off = 0; off < recs.size(); off += kMaxRecordsPerEntry) {
        const size_t cnt = std::min(kMaxRecordsPerEntry, recs.size() - off);
        const int64_t base = it->second;
        value.clear();
        EncodeBatch(base, std::span<const Record* const>(recs.data() + off, cnt), &value);
        batch->Put(RecordFamily(p), RecordKey(t->meta.id, p, base + static_cast<int64_t>(cnt) - 1),
                   value);
        it->second += static_cast<int64_t>(cnt);
      }
    }
    for (RecordPosition& pos : w->positions) {
      pos.offset = Offset(first[static_cast<size_t>(pos.partition.value)]++);
    }
    if (!w->options->state_key.empty()) {
      batch->Put(ProducerStateKey(t->meta.id, w->options->state_key), w->options->state_value);
    }
  }
}

Result<std::vector<RecordPosition>> EmbeddedLog::Append(const AppendOptions& options,
                                                        std::span<const Record> records) {
  if (records.empty()) return std::vector<RecordPosition>();
  Writer w;
  w.options = &options;
  w.records = records;
  std::unique_lock<std::mutex> l(mu_);
  if (FindTopicLocked(options.topic) == nullptr) {
    return Err(Status::NotFound("topic '" + options.topic + "' does not exist"));
  }
  writers_.push_back(&w);
  while (!w.done && &w != writers_.front()) w.cv.wait(l);
  if (w.done) {
    if (!w.status.ok()) return Err(std::move(w.status));
    return std::move(w.positions);
  }
  // This writer leads a group commit.
  std::vector<Writer*> group;
  size_t bytes = 0;
  for (Writer* x : writers_) {
    if (!group.empty() && bytes + ApproxBytes(x->records) > kMaxGroupBytes) break;
    bytes += ApproxBytes(x->records);
    group.push_back(x);
  }
  Status status = bg_error_;
  std::map<std::pair<TopicState*, int32_t>, int64_t> next;
  rocksdb::WriteBatch batch;
  if (status.ok()) {
    BuildBatchLocked(group, &batch, &next);
    l.unlock();
    status = FromRocks(db_->Write(write_options(), &batch), "appending to the queue");
    l.lock();
    if (status.ok()) {
      for (const auto& [tp, n] : next) {
        // A topic deleted during the write is gone from topics_; its pointer is stale then.
        for (auto& [name, t] : topics_) {
          if (&t == tp.first) t.partitions[static_cast<size_t>(tp.second)].next = n;
        }
      }
      data_cv_.notify_all();
    } else {
      bg_error_ = status;  // Offsets were not advanced; later appends fail fast.
    }
  }
  for (Writer* x : group) {
    writers_.pop_front();
    if (!status.ok() && x->status.ok()) x->status = status;
    x->done = true;
    if (x != &w) x->cv.notify_one();
  }
  if (!writers_.empty()) writers_.front()->cv.notify_one();
  if (!w.status.ok()) return Err(std::move(w.status));
  return std::move(w.positions);
}

}  // namespace smartcar::queue::embedded
