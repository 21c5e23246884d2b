// The durable log: Kafka's model (topics, partitions, offsets, consumer groups) behind one
// interface with two engines. `OpenLog()` picks the engine from QueueOptions:
//   - kEmbedded: RocksDB in `data_dir`, no server (src/queue/embedded/).
//   - kKafka: a Kafka cluster through librdkafka (src/queue/kafka/).
// Both pass the same conformance suite (tests/queue/log_conformance_test.cc); docs/QUEUE.md has
// the details and the on-disk layout.
//
// Offsets follow Kafka: a partition's records are numbered 0, 1, 2, ...; a committed offset and a
// consumer position name the NEXT record to read; "latest" is the offset the next append gets.
//
// Thread safety: a Log and a Producer are safe for concurrent use. A Consumer belongs to one
// thread at a time (as a KafkaConsumer). Producers and Consumers must not outlive their Log.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "storage/rocks_repair.h"

namespace smartcar::queue {

// The position of a record inside a partition. Strong type: not a PartitionId, not a count.
struct Offset {
  int64_t value = 0;
  constexpr Offset() = default;
  constexpr explicit Offset(int64_t v) : value(v) {}
  friend constexpr auto operator<=>(Offset, Offset) = default;
};

// A partition number inside a topic, 0 .. partitions-1.
struct PartitionId {
  int32_t value = 0;
  constexpr PartitionId() = default;
  constexpr explicit PartitionId(int32_t v) : value(v) {}
  friend constexpr auto operator<=>(PartitionId, PartitionId) = default;
};

struct TopicPartition {
  std::string topic;
  PartitionId partition;
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
};

// "topic/3".
std::string ToString(const TopicPartition& tp);

struct Header {
  std::string key;
  std::string value;
  friend bool operator==(const Header&, const Header&) = default;
};

// A record to append.
struct Record {
  // Records with the same non-empty key always land in the same partition (Kafka's default
  // partitioner, see partitioner.h). Empty key: partitions are used round robin.
  std::string key;
  std::string value;
  // Event time in ms since the Unix epoch; 0 = stamped with the append time.
  int64_t timestamp_ms = 0;
  std::vector<Header> headers;
  // Set: the record goes to this partition and the partitioner is skipped.
  std::optional<PartitionId> partition;
};

// Where an appended record was stored.
struct RecordPosition {
  PartitionId partition;
  Offset offset;
};

// A record read from the log.
struct ConsumedRecord {
  std::string topic;
  PartitionId partition;
  Offset offset;
  std::string key;
  std::string value;
  int64_t timestamp_ms = 0;
  std::vector<Header> headers;
};

enum class Engine { kEmbedded, kKafka };

// "embedded" / "kafka".
std::string_view EngineName(Engine e);
// Parses "embedded" or "kafka"; InvalidArgument naming the accepted values otherwise.
Result<Engine> ParseEngine(std::string_view name);

// How to open a log. Filled from flags or smartcar.yaml's `queue:` section.
struct QueueOptions {
  Engine engine = Engine::kEmbedded;

  // --- embedded engine ---
  // Folder of the RocksDB database; created when missing.
  std::string data_dir = "./smartcar-data";
  // true: each group commit fsyncs the WAL (survives power loss, costs one fsync per batch).
  // false (default, like Kafka's log.flush.*): the WAL is written to the OS on every append, so
  // an acknowledged record survives a crash of the process, not of the machine.
  bool sync = false;
  // true: open beside the process that holds the folder, as a RocksDB secondary instance (its
  // own files in a temporary folder, nothing written into data_dir). It sees that process's
  // records as they come (it catches up before each poll and describe); topic changes,
  // appends, commits and retention are NotSupported. For `consume`, `consumer-groups` and
  // `topic list|describe` beside a live `smartcar run`.
  bool read_only = false;
  // How often a background thread applies retention (Kafka's log.retention.check.interval.ms).
  // 0 disables the thread; EnforceRetention() still works.
  int64_t retention_check_interval_ms = 5 * 60 * 1000;

  // --- kafka engine ---
  // bootstrap.servers, "host:port,host:port".
  std::string brokers;
  // Any librdkafka property ("linger.ms", "compression.type", "security.protocol", ...); these
  // override our defaults (acks=all, enable.idempotence=true, murmur2_random partitioner, manual
  // commits). Unknown names or bad values make OpenLog fail with InvalidArgument.
  std::map<std::string, std::string> kafka_properties;
  // Reaching the cluster at open: `connect_attempts` metadata requests of
  // connect_timeout_ms / connect_attempts each, then Unavailable-style IOError naming the brokers.
  int64_t connect_timeout_ms = 10000;
  int connect_attempts = 3;
  // Upper bound for one request (delivery of an append, admin calls, commits).
  int64_t request_timeout_ms = 30000;
};

// Per-topic configuration, Kafka's names in comments.
struct TopicConfig {
  int32_t partitions = 1;          // num.partitions; >= 1.
  int16_t replication_factor = 1;  // Kafka only; the embedded engine keeps one copy.
  // retention.ms: records older than this (by timestamp) are deleted; -1 = keep forever.
  int64_t retention_ms = 7LL * 24 * 3600 * 1000;
  // retention.bytes: per-partition size cap; oldest records go first; -1 = no cap.
  int64_t retention_bytes = -1;
};

struct CreateTopicOptions {
  std::string name;  // [a-zA-Z0-9._-]{1,249}, as Kafka.
  TopicConfig config;
};

struct PartitionState {
  PartitionId partition;
  Offset earliest;  // First offset still stored (log start offset).
  Offset latest;    // Offset the next append gets (high watermark).
};

struct TopicDescription {
  std::string name;
  TopicConfig config;
  std::vector<PartitionState> partitions;
};

// One partition's progress for a consumer group.
struct GroupPartitionLag {
  TopicPartition tp;
  Offset committed;  // Next offset the group will read.
  Offset latest;
  int64_t lag = 0;  // latest - committed.
};

struct GroupDescription {
  std::string group;
  std::vector<std::string> members;  // Members currently in the group (those this process sees).
  std::vector<GroupPartitionLag> partitions;
};

struct AppendOptions {
  std::string topic;
  // Producer state stored atomically with the records (in the same write): a collector's source
  // position, so a crash can never leave records without the position after them, nor the
  // reverse (Kafka Connect's exactly-once source offsets). Read back with
  // Log::ReadProducerState(topic, state_key). Empty key: none. The Kafka engine makes such an
  // Append one transaction (the records plus a state record in a hidden compacted topic);
  // after an ambiguous commit timeout, a retry with the same state that finds it stored
  // returns positions with offset -1 instead of storing the batch again.
  std::string state_key;
  std::string state_value;
};

struct ProducerOptions {
  std::string client_id = "smartcar";
};

// Receives partition hand-overs, on the consumer's thread inside Poll(): revoked partitions
// first (finish or abandon in-flight work and Commit now), then newly assigned ones.
class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  virtual void OnPartitionsRevoked(const std::vector<TopicPartition>& partitions) = 0;
  virtual void OnPartitionsAssigned(const std::vector<TopicPartition>& partitions) = 0;
};

// Where a consumer starts on a partition without a committed offset (auto.offset.reset).
enum class OffsetReset { kEarliest, kLatest };

struct ConsumerOptions {
  // Consumer group; required for Subscribe() and Commit(). Empty: Assign() only.
  std::string group;
  OffsetReset reset = OffsetReset::kLatest;
  // Not owned; must outlive the consumer. Null: no callbacks.
  RebalanceListener* listener = nullptr;
  std::string client_id = "smartcar";
};

struct SubscribeOptions {
  std::vector<std::string> topics;
};

struct AssignOptions {
  std::vector<TopicPartition> partitions;
};

struct PollOptions {
  size_t max_records = 500;
  // Blocks up to this long for the first record; 0 returns at once.
  int64_t timeout_ms = 1000;
};

struct TopicPartitionOffset {
  TopicPartition tp;
  Offset offset;  // The next offset to read.
  // Stored with the offset and returned by Consumer::Committed() (Kafka's commit metadata; Kafka
  // Streams keeps a partition's stream time there). At most kMaxCommitMetadataBytes.
  std::string metadata;
};

// Kafka's default offset.metadata.max.bytes.
inline constexpr size_t kMaxCommitMetadataBytes = 4096;

struct CommitOptions {
  // Empty: commit, for every assigned partition, the offset after the last record Poll returned.
  std::vector<TopicPartitionOffset> offsets;
};

enum class SeekTarget { kEarliest, kLatest, kOffset, kTime };

struct SeekOptions {
  TopicPartition tp;  // REQUIRES: assigned to this consumer.
  SeekTarget target = SeekTarget::kEarliest;
  Offset offset;             // kOffset.
  int64_t timestamp_ms = 0;  // kTime: first record with timestamp >= this.
};

struct RetentionOptions {
  // "Now" in ms since the epoch for retention.ms; 0 = the wall clock.
  int64_t now_ms = 0;
};

struct RetentionResult {
  int64_t records_deleted = 0;
};

// Appends records. Thread-safe.
class Producer {
 public:
  virtual ~Producer() = default;
  // Appends `records` to options.topic and returns where each went, in order. Returns only once
  // every record is durable (embedded: in the WAL; kafka: acknowledged by the broker with
  // acks=all). NotFound for an unknown topic, InvalidArgument for a bad partition, IOError when
  // the storage or the cluster fails; on error none of the records should be considered stored.
  virtual Result<std::vector<RecordPosition>> Append(const AppendOptions& options,
                                                     std::span<const Record> records) = 0;
};

// Reads records, alone (Assign) or as a member of a group (Subscribe). One thread at a time.
class Consumer {
 public:
  virtual ~Consumer() = default;
  // Joins options.group for these topics; partitions are shared among the group's members and
  // handed over through the RebalanceListener. NotFound for an unknown topic.
  virtual Status Subscribe(const SubscribeOptions& options) = 0;
  // Reads exactly these partitions, without group membership.
  virtual Status Assign(const AssignOptions& options) = 0;
  // Up to max_records records from the assigned partitions, in offset order per partition;
  // blocks up to timeout_ms for the first one (woken by new data, no polling). Empty on timeout.
  virtual Result<std::vector<ConsumedRecord>> Poll(const PollOptions& options) = 0;
  // Stores committed offsets (and their metadata) for the group atomically. Aborted when a
  // partition is no longer assigned to this consumer (it was handed on): its records will be
  // redelivered elsewhere. InvalidArgument for metadata over kMaxCommitMetadataBytes.
  virtual Status Commit(const CommitOptions& options) = 0;
  // The group's committed offset and metadata for `tp` (assigned or not), or nullopt when the
  // group has committed none there. InvalidArgument without a group.
  virtual Result<std::optional<TopicPartitionOffset>> Committed(const TopicPartition& tp) = 0;
  // Moves the position of one assigned partition.
  virtual Status Seek(const SeekOptions& options) = 0;
  // The partitions currently assigned (after the last Poll's rebalance callbacks).
  virtual std::vector<TopicPartition> Assignment() = 0;
  // Stops fetching from these assigned partitions until Resume: Poll returns nothing from them,
  // while the consumer keeps polling and so stays in its group (Kafka's pause(); a consumer that
  // stops polling leaves its group after max.poll.interval.ms). A partition revoked and assigned
  // again starts unpaused. Partitions not assigned are ignored.
  virtual Status Pause(const std::vector<TopicPartition>& partitions) = 0;
  virtual Status Resume(const std::vector<TopicPartition>& partitions) = 0;
  // The next offset Poll will return for `tp`. NotFound when not assigned.
  virtual Result<Offset> Position(const TopicPartition& tp) = 0;
  // Leaves the group (its partitions go to the other members). Does not commit. Idempotent; the
  // destructor calls it.
  virtual Status Close() = 0;
};

class Log {
 public:
  virtual ~Log() = default;

  // InvalidArgument for a bad name or config, or "topic 'x' already exists".
  virtual Status CreateTopic(const CreateTopicOptions& options) = 0;
  // NotFound for an unknown topic. Records and committed offsets of the topic are dropped.
  virtual Status DeleteTopic(std::string_view name) = 0;
  // Topic names, sorted.
  virtual Result<std::vector<std::string>> ListTopics() = 0;
  // NotFound for an unknown topic.
  virtual Result<TopicDescription> DescribeTopic(std::string_view name) = 0;

  virtual Result<std::unique_ptr<Producer>> NewProducer(const ProducerOptions& options) = 0;
  virtual Result<std::unique_ptr<Consumer>> NewConsumer(const ConsumerOptions& options) = 0;

  // Committed offsets and lag of `group` per partition. NotFound when it has committed nothing
  // and has no members.
  virtual Result<GroupDescription> DescribeGroup(std::string_view group) = 0;

  // The producer state last appended under `key` with records of `topic` (AppendOptions), or
  // nullopt when there is none. NotFound for an unknown topic. Kafka: fences an earlier
  // producer of this key first (its open transaction is aborted), then reads committed state.
  virtual Result<std::optional<std::string>> ReadProducerState(std::string_view topic,
                                                               std::string_view key) = 0;

  // Applies retention.ms / retention.bytes now. The embedded engine deletes whole batches (one
  // RocksDB DeleteRange per partition). Kafka brokers apply retention themselves: NotSupported.
  virtual Result<RetentionResult> EnforceRetention(const RetentionOptions& options) = 0;
};

// Opens the engine `options.engine` names. InvalidArgument for a bad configuration; IOError when
// the data folder cannot be opened or no broker answers (the message names the brokers).
Result<std::unique_ptr<Log>> OpenLog(const QueueOptions& options);

// Rebuilds the embedded log's database in `data_dir` (DATA/queue) from what is readable
// (storage/rocks_repair.h). No process may hold it.
Result<storage::RepairResult> RepairEmbeddedLog(const std::string& data_dir);

// Validates a topic name as Kafka does.
Status ValidateTopicName(std::string_view name);

}  // namespace smartcar::queue
