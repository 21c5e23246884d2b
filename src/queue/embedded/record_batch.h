// The embedded engine's on-disk format (docs/QUEUE.md has the picture).
//
// One RocksDB database. Keys start with a one-byte tag; numbers in keys are big-endian so
// RocksDB's bytewise order is (topic, partition, offset) order. Record batches ('R') live in the
// column family of their partition number (RecordFamilyName: partition p of every topic in
// "records-<p % kRecordFamilies>"), everything else in the default one:
//   'T' name                          -> topic metadata (id, partitions, retention)
//   'I'                               -> next topic id
//   'R' topic_id:4 partition:4 last:8 -> a record batch whose LAST offset is `last`
//   'S' topic_id:4 partition:4        -> log start offset (after retention)
//   'C' group '\0' topic_id:4 part:4  -> committed offset (next to read)
//   'P' topic_id:4 key                -> producer state (AppendOptions::state_key), written in
//                                        the same WriteBatch as the records it describes
// Keying a batch by its last offset makes Seek(offset) land on the batch holding `offset`.
// Files of the database never hold two partitions' batches (kPartitionPrefixLength below), and a
// partition's flushes do not overlap one another, so they move down the levels untouched.
// Folders written before the column families (every key in the default one) have their batches
// moved once, when a writer opens them.
// Retention deletes [R id p 0, R id p new_start) with one DeleteRange.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/coding.h"  // PutFixed64BE, DecodeFixed64BE, DecodeFixed32BE (keys, values)
#include "core/status.h"
#include "queue/log.h"

namespace smartcar::queue::embedded {

inline constexpr char kTopicTag = 'T';
inline constexpr char kNextIdTag = 'I';
inline constexpr char kRecordTag = 'R';
inline constexpr char kStartTag = 'S';
inline constexpr char kCommitTag = 'C';
inline constexpr char kStateTag = 'P';
// The column families holding record batches: partition p's are in RecordFamilyName(p). A
// memtable flush writes one file per family, so with one family per partition (up to this many
// partitions) a flush's file spans offsets newer than any file of that family already on disk.
inline constexpr int32_t kRecordFamilies = 8;
// Which record family holds `partition`: 0 .. kRecordFamilies - 1.
inline size_t RecordFamilyIndex(int32_t partition) {
  return static_cast<uint32_t>(partition) % kRecordFamilies;
}
std::string RecordFamilyName(int32_t partition);
// A key every record family holds from its creation on, never deleted: RocksDB's repair learns a
// column family from the family's files only, and drops the WAL's writes to a family it does not
// know. Sorts before every batch; as long as a partition prefix, so no file holds it and a batch.
inline constexpr char kFamilyMarkTag = 'F';
std::string FamilyMarkKey();

// The length of the prefix 'R' topic_id:4 partition:4 shared by every batch of one partition.
inline constexpr size_t kPartitionPrefixLength = 9;

std::string TopicKey(std::string_view name);
std::string RecordKey(uint32_t topic_id, int32_t partition, int64_t last_offset);
// The kPartitionPrefixLength bytes shared by every record batch of one partition.
std::string PartitionPrefix(uint32_t topic_id, int32_t partition);
std::string StartKey(uint32_t topic_id, int32_t partition);
std::string CommitKey(std::string_view group, uint32_t topic_id, int32_t partition);
std::string ProducerStateKey(uint32_t topic_id, std::string_view key);

struct TopicMeta {
  uint32_t id = 0;
  TopicConfig config;
};
std::string EncodeTopicMeta(const TopicMeta& m);
Status DecodeTopicMeta(std::string_view in, TopicMeta* out);

// The fixed part of a batch value, readable without decoding the records.
struct BatchHeader {
  int64_t base_offset = 0;
  uint32_t count = 0;
  int64_t max_timestamp_ms = 0;
};
inline constexpr size_t kBatchHeaderSize = 8 + 4 + 8 + 4;  // + crc32 of the record bytes.

// Appends the value of one batch holding `records` (already stamped) with offsets base.. to *out.
void EncodeBatch(int64_t base_offset, std::span<const Record* const> records, std::string* out);
Status DecodeBatchHeader(std::string_view value, BatchHeader* out);
// Decodes the records of `value` whose offset is in [from, to) and appends them to *out, stopping
// after *budget records (decremented). Corruption when the bytes do not parse or fail the CRC.
Status DecodeBatch(std::string_view value, const std::string& topic, PartitionId partition,
                   int64_t from, int64_t to, size_t* budget, std::vector<ConsumedRecord>* out);

}  // namespace smartcar::queue::embedded
