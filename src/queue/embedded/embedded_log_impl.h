// The embedded engine's classes. Internal to src/queue/embedded/ (RocksDB stays behind this
// folder). Locking: one mutex, mu_, guards every member marked GUARDED_BY; RocksDB calls run
// without it except the tiny metadata writes of CreateTopic/DeleteTopic.
#pragma once

#include <rocksdb/db.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "queue/embedded/record_batch.h"
#include "queue/log.h"

namespace smartcar::queue::embedded {

class EmbeddedConsumer;

// In-memory state of one partition, rebuilt from RocksDB at open.
struct PartState {
  int64_t start = 0;  // Log start offset.
  int64_t next = 0;   // High watermark: records [start, next) are durable and readable.
};

struct TopicState {
  TopicMeta meta;
  std::vector<PartState> partitions;
  uint64_t round_robin = 0;  // For keyless records.
};

// A consumer group living in this process.
struct GroupState {
  std::vector<EmbeddedConsumer*> members;  // In join order.
  // Target assignment from the last rebalance. A member takes a partition only once its previous
  // owner has let go of it (after its revoke callback), so hand-offs never overlap.
  std::map<EmbeddedConsumer*, std::set<TopicPartition>> target;
};

class EmbeddedLog final : public Log {
 public:
  explicit EmbeddedLog(QueueOptions options) : options_(std::move(options)) {}
  ~EmbeddedLog() override;

  Status Open();

  Status CreateTopic(const CreateTopicOptions& options) override;
  Status DeleteTopic(std::string_view name) override;
  Result<std::vector<std::string>> ListTopics() override;
  Result<TopicDescription> DescribeTopic(std::string_view name) override;
  Result<std::unique_ptr<Producer>> NewProducer(const ProducerOptions& options) override;
  Result<std::unique_ptr<Consumer>> NewConsumer(const ConsumerOptions& options) override;
  Result<GroupDescription> DescribeGroup(std::string_view group) override;
  Result<RetentionResult> EnforceRetention(const RetentionOptions& options) override;
  Result<std::optional<std::string>> ReadProducerState(std::string_view topic,
                                                       std::string_view key) override;

  // --- used by the producer (embedded_write.cc) ---
  Result<std::vector<RecordPosition>> Append(const AppendOptions& options,
                                             std::span<const Record> records);

  // --- used by consumers (embedded_consumer.cc) ---
  rocksdb::DB* db() { return db_.get(); }
  // The column family holding partition `partition`'s record batches (record_batch.h).
  rocksdb::ColumnFamilyHandle* RecordFamily(int32_t partition) const {
    return record_families_[RecordFamilyIndex(partition)];
  }
  bool read_only() const { return options_.read_only; }
  // Read-only: catches up with the writing process (new records, topics, commits); `polling`
  // does so at most every 50 ms. A no-op otherwise.
  Status CatchUp(bool polling = false);
  // NotSupported naming `what` (a write on a read-only log).
  Status ReadOnlyError(std::string_view what) const;
  const QueueOptions& options() const { return options_; }
  std::mutex& mu() { return mu_; }
  std::condition_variable& data_cv() { return data_cv_; }
  // REQUIRES: mu_ held. Null when the topic does not exist.
  TopicState* FindTopicLocked(std::string_view name);
  std::map<std::string, GroupState>& groups_locked() { return groups_; }
  // REQUIRES: mu_ held. Recomputes the target assignment of `group` and wakes its members.
  void RebalanceLocked(const std::string& group);
  // The committed offset of `group` on (topic_id, partition), or nullopt.
  Result<std::optional<int64_t>> ReadCommitted(const std::string& group, uint32_t topic_id,
                                               int32_t partition);
  // The committed offset and its metadata, or nullopt.
  Result<std::optional<std::pair<int64_t, std::string>>> ReadCommittedWithMetadata(
      const std::string& group, uint32_t topic_id, int32_t partition);
  rocksdb::WriteOptions write_options() const;

 private:
  struct Writer;
  // Builds the WriteBatch for the writers of one group commit. REQUIRES: mu_ held.
  void BuildBatchLocked(const std::vector<Writer*>& group, rocksdb::WriteBatch* batch,
                        std::map<std::pair<TopicState*, int32_t>, int64_t>* next);
  void RetentionLoop();
  // Reads the topics and each partition's start and high watermark from RocksDB; topics already
  // known are updated in place (consumers hold pointers to them). REQUIRES: mu_ held.
  Status LoadTopicsLocked();
  // Opens the database with its column families, creating the record families if missing.
  Status OpenDb(const rocksdb::Options& o, const std::string& what);
  // Moves record batches kept in the default column family (folders written before the record
  // families) to their partition's family. A no-op once done; safe to repeat after a crash.
  Status MoveRecordsToTheirFamilies();
  void CloseDb();

  const QueueOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  // Every open column family's handle (the default one included), destroyed before db_ closes.
  std::vector<rocksdb::ColumnFamilyHandle*> families_;
  std::vector<rocksdb::ColumnFamilyHandle*> record_families_;  // kRecordFamilies, by index.
  std::string secondary_dir_;  // Read-only: the secondary instance's own folder (removed at close).
  std::chrono::steady_clock::time_point last_catch_up_{};  // GUARDED_BY(mu_)

  std::mutex mu_;
  std::condition_variable data_cv_;                        // New records, rebalances, shutdown.
  std::map<std::string, TopicState, std::less<>> topics_;  // GUARDED_BY(mu_)
  uint32_t next_topic_id_ = 1;                             // GUARDED_BY(mu_)
  std::deque<Writer*> writers_;                            // GUARDED_BY(mu_)
  Status bg_error_;                                        // GUARDED_BY(mu_)
  std::map<std::string, GroupState> groups_;               // GUARDED_BY(mu_)
  bool closing_ = false;                                   // GUARDED_BY(mu_)
  std::condition_variable closing_cv_;
  std::thread retention_thread_;
};

Status FromRocks(const rocksdb::Status& s, std::string_view what);

// The options the log's database is opened (and repaired) with.
rocksdb::Options LogOptions();

}  // namespace smartcar::queue::embedded
