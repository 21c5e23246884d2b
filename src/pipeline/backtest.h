// Backtest: runs rules over the driving events stored in the durable log, exactly as the live
// pipeline ran them, and compares two rules day by day (`smartcar rules backtest`).
//
// Each log partition is read in offset order into its own RuleLane per rule (pipeline/
// rule_lane.h), the class the live CEP bolt runs: the same event-time clock per partition, the
// same allowed lateness, the same redelivery filter, the same final watermark at the end. So a
// backtest of the deployed rule detects what the live run detected, and two rules differ only by
// their text. Partitions are independent, so they are shared among `threads` workers; the result
// does not depend on the interleaving (detections are sorted before they are returned).
//
// The range [from_ms, to_ms): events inside it are sent to the rules; events outside it that are
// read still move their partition's clock (as they did live), so lateness is judged as it was.
// A window open across `from_ms` sees only the events from `from_ms` on: with windows anchored on
// a grid (ext_timed_batch with a reference point, as the shipped rule) and a range on that grid
// (whole days), the backtest equals the live run. Detections are kept when their window starts
// inside the range.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cep/engine.h"
#include "core/status.h"
#include "hot/detection.h"
#include "pipeline/event_time_index.h"
#include "queue/log.h"

namespace smartcar::pipeline {

// How far past a range's end its partitions are read: every window of the range has closed by
// then unless a rule allows more lateness.
inline constexpr int64_t kReadPastRangeMs = 10 * 60 * 1000;

struct BacktestOptions {
  std::string topic = "SmartCar-Topic";
  int64_t from_ms = 0;         // Event time, inclusive.
  int64_t to_ms = 0;           // Event time, exclusive.
  std::set<std::string> cars;  // Only these cars (empty: every car).
  int64_t hold_ms = 70'000;    // The redelivery horizon of the live run (cep_hold_ms).
  // A partition is read until its clock passes to_ms + stop_after_ms (every window of the range
  // has closed by then unless a rule allows more lateness), or to its end.
  int64_t stop_after_ms = kReadPastRangeMs;
  int threads = 2;
  // Optional: where each partition's range starts (pipeline/event_time_index.h). Partitions are
  // read from the first block that can hold the range, and the records read extend the index
  // (the caller saves it when changed()). Null: every partition is read from its start.
  EventTimeIndex* index = nullptr;
  // Called about ten times a second from the calling thread: records read so far, and the
  // records to read at most.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct BacktestResult {
  // Per rule (in the order given): its detections inside the range, sorted by date, car,
  // window start and statement.
  std::vector<std::vector<hot::Detection>> detections;
  std::vector<uint64_t> late;                     // Per rule: events its statements reported late.
  std::map<std::string, uint64_t> events_by_day;  // Events sent (inside the range), by yyyyMMdd.
  uint64_t records_read = 0;
  uint64_t records_skipped = 0;  // Before the range, skipped by the event-time index.
  uint64_t bad_records = 0;      // Records that are not driving-log lines (header lines excluded).
  uint64_t duplicates = 0;       // Redelivered events counted once.
  int partitions = 0;
  int64_t stored_first_ms = 0;  // Event times of every record read (0 when none).
  int64_t stored_last_ms = 0;
};

// Runs `rules` over the stored events of options' range. NotFound when the topic does not exist;
// errors of the log otherwise.
Result<BacktestResult> RunBacktest(queue::Log* log, const std::vector<cep::CompiledRule>& rules,
                                   const BacktestOptions& options);

// Where to start reading partition `partition` for events at or after `from_ms`: the first
// block of `index` that can hold them, once that block's first record is found to be the one the
// index remembers; otherwise (or without an index) `earliest`, after clearing `index`'s blocks,
// which no longer describe this log.
Result<int64_t> StartOffsetFor(queue::Log* log, const std::string& topic, int32_t partition,
                               int64_t earliest, int64_t from_ms, PartitionTimeIndex* index);

// One day of a comparison: candidate rule against deployed rule.
struct BacktestDay {
  std::string date;  // yyyyMMdd
  uint64_t events = 0;
  std::vector<hot::Detection> candidate, deployed;         // Sorted as BacktestResult's.
  std::vector<std::string> candidate_cars, deployed_cars;  // Sorted, unique.
  std::vector<std::string> added;    // Cars the candidate detects and the deployed does not.
  std::vector<std::string> removed;  // Cars the deployed detects and the candidate does not.
};

// The days of `events_by_day` and of both detection lists, in date order.
std::vector<BacktestDay> CompareByDay(const std::map<std::string, uint64_t>& events_by_day,
                                      const std::vector<hot::Detection>& candidate,
                                      const std::vector<hot::Detection>& deployed);

// What `smartcar rules backtest` and the console's backtest report: the candidate rule's
// detections per day beside the deployed rule's.
struct BacktestReport {
  std::string candidate, against;  // What each side is (a file, a store version); against
                                   // empty when the candidate is shown alone.
  std::string from, to;            // The range as given.
  const BacktestResult* result = nullptr;
  std::vector<BacktestDay> days;
  bool compare() const { return !against.empty(); }
};

// Fills r->days from r->result (the candidate's detections first, the deployed rule's second
// when there are two). InvalidArgument "no stored driving events in <range>: the log holds
// events from A to B" (or "...: the log holds no driving events") when the range held none.
Status CompareBacktestDays(BacktestReport* r, const std::string& range);

// Example rows per day for added and removed cars.
inline constexpr size_t kBacktestExamples = 3;

// The first kBacktestExamples detections of `cars` (sorted) in `ds`.
std::vector<const hot::Detection*> BacktestExamples(const std::vector<hot::Detection>& ds,
                                                    const std::vector<std::string>& cars);

// The report as one JSON object (`rules backtest --format json`, the API's rules/backtest):
// {"candidate","deployed","from","to","days":[{"date","events","candidate":{"detections",
// "cars"},"deployed":{...},"added","removed","added_examples","removed_examples"}],"total":{...}}
std::string BacktestReportJson(const BacktestReport& r);

}  // namespace smartcar::pipeline
