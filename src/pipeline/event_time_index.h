// EventTimeIndex: where the events of a time range lie in each partition of the driving topic.
//
// The log stamps a record with its append time; a driving event's own time is inside its line,
// and a partition holds them roughly in event-time order only. This sparse index cuts each
// partition into blocks of kBlockRecords offsets and keeps each block's smallest and largest
// event time, so a reader of a range (a backtest) starts at the first block that can hold an
// event of the range instead of at the partition's start. Exact whatever the disorder: every
// block before the start holds only earlier events.
//
// It is built as a side effect of reading: a reader feeds Observe() every record it reads, and
// records at the partition's indexed end extend it (whole blocks only). It is kept in a small
// text file in the data folder (docs/FORMATS.md, "Event-time index"), written atomically, and
// checked when used: each block remembers the append time of its first record, and a reader that
// finds another record there (the topic was deleted and created again) drops that partition's
// blocks and reads from the start.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace smartcar::pipeline {

// The blocks of one partition. Not thread-safe; distinct partitions may be used by distinct
// threads.
class PartitionTimeIndex {
 public:
  static constexpr int64_t kBlockRecords = 65536;

  explicit PartitionTimeIndex(int64_t block_records = kBlockRecords)
      : block_records_(block_records) {}

  struct Block {
    int64_t base = 0;                // First offset.
    int64_t end = 0;                 // One past the last offset.
    int64_t min_ms = 0, max_ms = 0;  // Event times (min > max: no event in the block).
    int64_t first_append_ms = 0;     // The record at `base`: its append timestamp.
    friend bool operator==(const Block&, const Block&) = default;
  };

  // Where to start reading for events at or after `from_ms`: the base of the first block whose
  // newest event is >= from_ms, else the indexed end.
  int64_t StartFor(int64_t from_ms) const;
  // The block holding `offset`, or the last block when `offset` is the indexed end; null when
  // nothing is indexed.
  const Block* BlockFor(int64_t offset) const;
  // Feeds one record read from the partition: its offset, append timestamp and event time
  // (nullopt for a header or bad line). Only records from the indexed end on extend the index,
  // in whole blocks.
  void Observe(int64_t offset, int64_t append_ms, std::optional<int64_t> event_ms);
  // Forgets blocks wholly before `earliest` (deleted by retention); everything when none is
  // left, so a reader starting at `earliest` indexes from there.
  void Trim(int64_t earliest);
  // Forgets every block (they no longer describe the log).
  void Clear();
  // One past the last indexed offset (0 when nothing is indexed).
  int64_t indexed_end() const { return blocks_.empty() ? 0 : blocks_.back().end; }
  const std::vector<Block>& blocks() const { return blocks_; }
  bool changed() const { return changed_; }

 private:
  friend class EventTimeIndex;
  int64_t block_records_;
  std::vector<Block> blocks_;
  std::optional<Block> open_;  // Being built from the indexed end.
  bool changed_ = false;
};

class EventTimeIndex {
 public:
  // Blocks of `block_records` offsets (smaller in tests).
  explicit EventTimeIndex(std::string topic,
                          int64_t block_records = PartitionTimeIndex::kBlockRecords)
      : topic_(std::move(topic)), block_records_(block_records) {}

  // Parses Serialize()'s text. InvalidArgument with the line number when it is not one, or when
  // it indexes another topic.
  static Result<EventTimeIndex> Parse(std::string_view text, std::string_view topic,
                                      int64_t block_records = PartitionTimeIndex::kBlockRecords);
  std::string Serialize() const;

  // Loads `path`; a missing file is an empty index. A damaged one is an error (callers drop it).
  static Result<EventTimeIndex> Load(const std::string& path, std::string_view topic);
  // Writes to `path` atomically (a temporary file renamed over it); creates the folder.
  Status Save(const std::string& path) const;

  // Partition `p`'s blocks (created empty). Call for every partition before handing them to
  // threads: the returned reference stays valid.
  PartitionTimeIndex& partition(int32_t p) {
    return parts_.try_emplace(p, block_records_).first->second;
  }
  bool changed() const;

 private:
  std::string topic_;
  int64_t block_records_;
  std::map<int32_t, PartitionTimeIndex> parts_;
};

}  // namespace smartcar::pipeline
