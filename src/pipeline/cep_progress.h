// CepProgress: how far the rule engine has closed its windows, per log partition, shared by the
// log spout and the CEP bolt tasks of one process. It decides what the spout commits, so that a
// restart (after a crash, Ctrl-C or a rebalance) rebuilds every open window exactly and never
// re-evaluates one that had already closed.
//
// The CEP bolt runs one engine per (task, partition) — a "lane" — whose event time is the newest
// event time of that partition it has seen (a partition is read in order, so a fast partition
// can never make a slow one's events late, however uneven a backlog is). For each input it
// records (offset, event time, closed-through after it) before acking the input; a detection is
// anchored to the input that closed its window, so the input is acked only once the detection
// is stored.
//
// For partition p, with every offset below `acked` fully acked (table, rule engine, hot store):
//   closed(lane) = closed-through after the lane's last input of the fully acked prefix
//                  (in processing order): every window that closed up to there is stored;
//   offset       = the smallest offset of an input whose event time is within `hold_ms` of its
//                  lane's closed-through (its windows may still be open), else `acked`.
// The spout commits `offset` with the lanes' closed-through in the commit metadata (as Kafka
// Streams keeps a partition's stream time there). On restart each lane's engine starts at its
// stored closed-through and reads from `offset`: windows that had closed stay closed (their
// replayed inputs are dropped as already processed), windows still open get every input again.
//
// Memory: a lane keeps one 24-byte entry per input within `hold_ms` of event time (cars x
// hold / interval), never per backlog size.
//
// Thread safety: all methods are safe for concurrent use.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smartcar::pipeline {

class CepProgress {
 public:
  // `hold_ms`: event time an input's offset stays uncommitted behind its lane's closed-through;
  // at least the longest window plus its allowed lateness plus the log's disorder. `tasks`: the
  // CEP bolt's parallelism (lanes per partition).
  CepProgress(int64_t hold_ms, int tasks) : hold_ms_(hold_ms), tasks_(tasks) {}

  struct Entry {
    int64_t offset = 0;
    int64_t event_time = 0;    // The input's own event time (ms).
    int64_t closed_after = 0;  // The lane's closed-through event time after this input.
  };

  // The restored state of one partition, read from the commit metadata.
  struct Restored {
    int tasks = 0;                             // CEP tasks that wrote it.
    std::vector<std::optional<int64_t>> lane;  // Closed-through per task; nullopt = fresh.
  };

  // Spout: a rebalance abandoned everything in flight; entries of older epochs are ignored.
  void StartEpoch(int64_t epoch);
  // Spout, before emitting the first record of `partition` in `epoch`: its commit metadata.
  void SetRestored(int64_t epoch, int32_t partition, const std::string& metadata);
  // CEP task `task`: where its new engine for `partition` starts (nullopt = fresh). A restore
  // written by another number of tasks starts every lane at their minimum.
  std::optional<int64_t> RestoredClosedThrough(int64_t epoch, int32_t partition, int task) const;
  // CEP task: the inputs of `partition` it executed, in order. REQUIRES: before acking them.
  void Record(int64_t epoch, int task, int32_t partition, std::span<const Entry> entries);

  // Spout: what to commit for `partition` when every offset below `acked` is fully acked.
  struct Commit {
    int64_t offset = 0;
    std::string metadata;  // Empty: no lane has closed anything (a restart starts fresh).
  };
  Commit ForCommit(int32_t partition, int64_t acked);

  // The commit metadata codec: "smartcar-cep/1 tasks=2 closed=1650931230000,-".
  static std::string EncodeMetadata(const Restored& r);
  // nullopt for empty or foreign metadata (a restart then starts fresh).
  static std::optional<Restored> DecodeMetadata(std::string_view metadata);

  // Entries held over all lanes (for tests and stats).
  size_t HeldEntries() const;

 private:
  struct Lane {
    std::deque<Entry> entries;
    size_t scanned = 0;             // Entries known fully acked, from the front.
    std::optional<int64_t> closed;  // Closed-through of the fully acked prefix.
    // Offsets ascend from the front (a lane's inputs come from one spout in offset order): the
    // least offset held is the front's. Cleared, should an input ever come out of order.
    bool ascending = true;
  };

  // REQUIRES: mu_ held.
  std::optional<int64_t> RestoredLocked(int32_t partition, int task) const;

  const int64_t hold_ms_;
  const int tasks_;
  mutable std::mutex mu_;
  int64_t epoch_ = 0;                             // GUARDED_BY(mu_)
  std::map<int32_t, std::map<int, Lane>> lanes_;  // GUARDED_BY(mu_) partition → task.
  std::map<int32_t, Restored> restored_;          // GUARDED_BY(mu_)
};

}  // namespace smartcar::pipeline
