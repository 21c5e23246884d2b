// RunBacktest (stored events → one RuleLane per partition and rule, on worker threads) and
// CompareByDay (the day-by-day difference of two rules).
#include "pipeline/backtest.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <tuple>

#include <nlohmann/json.hpp>

#include "core/event_time.h"
#include "core/line_codec.h"
#include "pipeline/rule_lane.h"

namespace smartcar::pipeline {
namespace {

constexpr int64_t kStallMs = 30'000;  // No record from an unfinished partition for this long.

bool DetectionLess(const hot::Detection& a, const hot::Detection& b) {
  return std::tie(a.date, a.car, a.window_start_ms, a.rule, a.window_end_ms) <
         std::tie(b.date, b.car, b.window_start_ms, b.rule, b.window_end_ms);
}

// Reads some partitions of the topic and runs every rule over them.
class Worker {
 public:
  Worker(queue::Log* log, const std::vector<cep::CompiledRule>& rules, const BacktestOptions& o,
         std::atomic<uint64_t>* read)
      : log_(log), rules_(rules), o_(o), read_(read) {
    detections_.resize(rules.size());
    late_.assign(rules.size(), 0);
  }

  void Add(const queue::PartitionState& p, PartitionTimeIndex* index) {
    Part& st = parts_[p.partition.value];
    st.earliest = p.earliest.value;
    st.end = p.latest.value;
    st.index = index;
  }

  Status Run() {
    auto consumer = log_->NewConsumer(queue::ConsumerOptions{});
    if (!consumer) return consumer.error();
    queue::AssignOptions assign;
    for (const auto& [p, st] : parts_) {
      assign.partitions.push_back(queue::TopicPartition{o_.topic, queue::PartitionId{p}});
    }
    SMARTCAR_RETURN_IF_ERROR((*consumer)->Assign(assign));
    size_t remaining = 0;
    for (auto& [p, st] : parts_) {
      queue::SeekOptions seek;
      seek.tp = queue::TopicPartition{o_.topic, queue::PartitionId{p}};
      seek.target = queue::SeekTarget::kOffset;
      seek.offset = queue::Offset{st.earliest};
      if (st.index != nullptr) {
        auto start = StartOffsetFor(log_, o_.topic, p, st.earliest, o_.from_ms, st.index);
        if (!start) return start.error();
        seek.offset = queue::Offset{*start};
        skipped_ += static_cast<uint64_t>(*start - st.earliest);
      }
      SMARTCAR_RETURN_IF_ERROR((*consumer)->Seek(seek));
      auto pos = (*consumer)->Position(seek.tp);
      if (!pos) return pos.error();
      if (pos->value >= st.end) {
        st.done = true;
      } else {
        ++remaining;
        st.lanes = NewLanes();
      }
    }
    auto last_progress = std::chrono::steady_clock::now();
    queue::PollOptions poll;
    poll.max_records = 4096;
    poll.timeout_ms = 200;
    while (remaining > 0) {
      auto records = (*consumer)->Poll(poll);
      if (!records) return records.error();
      const auto now = std::chrono::steady_clock::now();
      if (records->empty()) {
        // The end offset may be past the last record (Kafka's transaction markers).
        for (auto& [p, st] : parts_) {
          if (st.done) continue;
          auto pos = (*consumer)->Position({o_.topic, queue::PartitionId{p}});
          if (pos && pos->value >= st.end) Finish(p, st, consumer->get(), &remaining);
        }
        if (remaining > 0 && now - last_progress > std::chrono::milliseconds(kStallMs)) {
          return Status::IOError("no records from topic '" + o_.topic + "' for " +
                                 std::to_string(kStallMs / 1000) +
                                 " s before the end it had when the backtest started");
        }
        continue;
      }
      last_progress = now;
      read_->fetch_add(records->size(), std::memory_order_relaxed);
      for (const queue::ConsumedRecord& r : *records) {
        Part& st = parts_[r.partition.value];
        if (st.done) continue;
        if (r.offset.value < st.end) Process(r, st);
        if (r.offset.value + 1 >= st.end ||
            st.lanes.front()->event_time() > o_.to_ms + o_.stop_after_ms) {
          Finish(r.partition.value, st, consumer->get(), &remaining);
        }
      }
    }
    return Status::OK();
  }

  std::vector<std::vector<hot::Detection>> detections_;
  std::vector<uint64_t> late_;
  std::map<int64_t, uint64_t> events_by_day_;  // Days since the epoch → events sent.
  uint64_t records_ = 0, bad_ = 0, duplicates_ = 0, skipped_ = 0;
  int64_t first_ = INT64_MAX, last_ = INT64_MIN;

 private:
  struct Part {
    int64_t earliest = 0;
    int64_t end = 0;
    PartitionTimeIndex* index = nullptr;
    bool done = false;
    std::vector<std::unique_ptr<RuleLane>> lanes;  // One per rule.
  };

  std::vector<std::unique_ptr<RuleLane>> NewLanes() {
    std::vector<std::unique_ptr<RuleLane>> lanes;
    for (size_t i = 0; i < rules_.size(); ++i) {
      auto lane = std::make_unique<RuleLane>([this, i](const cep::OutputEvent& ev) {
        if (ev.late) {
          ++late_[i];
          return;
        }
        std::optional<hot::Detection> d = DetectionOf(ev);
        if (d && d->window_start_ms >= o_.from_ms && d->window_start_ms < o_.to_ms) {
          detections_[i].push_back(std::move(*d));
        }
      });
      (void)lane->engine().Deploy("backtest", rules_[i]);  // Compiled: cannot fail on a new engine.
      lanes.push_back(std::move(lane));
    }
    return lanes;
  }

  void Process(const queue::ConsumedRecord& r, Part& st) {
    ++records_;
    DriverEvent e;
    auto kind = ParseDriverLine(r.value, &e);
    const bool event = kind && *kind == LineKind::kRecord;
    if (st.index != nullptr) {
      st.index->Observe(r.offset.value, r.timestamp_ms,
                        event ? std::optional<int64_t>(e.time.value) : std::nullopt);
    }
    if (!kind) {
      ++bad_;
      return;
    }
    if (!event) return;
    const int64_t t = e.time.value;
    first_ = std::min(first_, t);
    last_ = std::max(last_, t);
    const bool in = t >= o_.from_ms && t < o_.to_ms &&
                    (o_.cars.empty() || o_.cars.count(std::string(e.car_number.view())) > 0);
    if (!in) {
      for (auto& lane : st.lanes) lane->Observe(t);
      return;
    }
    bool sent = false;
    for (auto& lane : st.lanes) sent = lane->Offer(e, o_.hold_ms);
    if (!sent) {
      ++duplicates_;
      return;
    }
    const int64_t day = t >= 0 ? t / kMsPerDay : (t - kMsPerDay + 1) / kMsPerDay;
    if (day != last_day_) {
      last_day_ = day;
      day_count_ = &events_by_day_[day];
    }
    ++*day_count_;
  }

  void Finish(int32_t p, Part& st, queue::Consumer* consumer, size_t* remaining) {
    for (auto& lane : st.lanes) lane->Finish();  // The final watermark, as at the end of a run.
    st.lanes.clear();
    st.done = true;
    --*remaining;
    (void)consumer->Pause({queue::TopicPartition{o_.topic, queue::PartitionId{p}}});
  }

  queue::Log* log_;
  const std::vector<cep::CompiledRule>& rules_;
  const BacktestOptions& o_;
  std::atomic<uint64_t>* read_;
  std::map<int32_t, Part> parts_;
  int64_t last_day_ = INT64_MIN;
  uint64_t* day_count_ = nullptr;
};

}  // namespace

Result<int64_t> StartOffsetFor(queue::Log* log, const std::string& topic, int32_t partition,
                               int64_t earliest, int64_t from_ms, PartitionTimeIndex* index) {
  if (index == nullptr) return earliest;
  index->Trim(earliest);
  const int64_t start = std::max(index->StartFor(from_ms), earliest);
  const PartitionTimeIndex::Block* check = index->BlockFor(start);
  if (check == nullptr) return earliest;
  auto consumer = log->NewConsumer(queue::ConsumerOptions{});
  if (!consumer) return Err(consumer.error());
  const queue::TopicPartition tp{topic, queue::PartitionId{partition}};
  SMARTCAR_RETURN_IF_ERROR((*consumer)->Assign({{tp}}));
  SMARTCAR_RETURN_IF_ERROR(
      (*consumer)->Seek({tp, queue::SeekTarget::kOffset, queue::Offset{check->base}, 0}));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    auto records = (*consumer)->Poll({1, 200});
    if (!records) return Err(records.error());
    if (records->empty()) continue;
    const queue::ConsumedRecord& r = records->front();
    if (r.offset.value < check->end && r.timestamp_ms == check->first_append_ms) return start;
    break;
  }
  index->Clear();  // Not this log's index (the topic was created again).
  return earliest;
}

Result<BacktestResult> RunBacktest(queue::Log* log, const std::vector<cep::CompiledRule>& rules,
                                   const BacktestOptions& options) {
  auto topic = log->DescribeTopic(options.topic);
  if (!topic) return Err(topic.error());
  BacktestResult result;
  result.partitions = static_cast<int>(topic->partitions.size());
  const int threads =
      std::max(1, std::min(options.threads, static_cast<int>(topic->partitions.size())));
  std::atomic<uint64_t> read{0};
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < threads; ++i) {
    workers.push_back(std::make_unique<Worker>(log, rules, options, &read));
  }
  uint64_t total = 0;
  for (size_t i = 0; i < topic->partitions.size(); ++i) {
    const queue::PartitionState& p = topic->partitions[i];
    workers[i % threads]->Add(
        p, options.index != nullptr ? &options.index->partition(p.partition.value) : nullptr);
    total += static_cast<uint64_t>(std::max<int64_t>(0, p.latest.value - p.earliest.value));
  }
  std::vector<Status> status(threads);
  std::atomic<int> running{threads};
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&, i] {
      status[i] = workers[i]->Run();
      running--;
    });
  }
  while (running.load() > 0) {
    if (options.progress) options.progress(read.load(), total);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (std::thread& t : pool) t.join();
  if (options.progress) options.progress(read.load(), total);
  for (const Status& s : status) {
    if (!s.ok()) return Err(s);
  }

  result.detections.resize(rules.size());
  result.late.assign(rules.size(), 0);
  int64_t first = INT64_MAX, last = INT64_MIN;
  for (const auto& w : workers) {
    for (size_t i = 0; i < rules.size(); ++i) {
      auto& all = result.detections[i];
      all.insert(all.end(), w->detections_[i].begin(), w->detections_[i].end());
      result.late[i] += w->late_[i];
    }
    for (const auto& [day, n] : w->events_by_day_) {
      result.events_by_day[FormatDate8FromDays(day)] += n;
    }
    result.records_read += w->records_;
    result.records_skipped += w->skipped_;
    result.bad_records += w->bad_;
    result.duplicates += w->duplicates_;
    first = std::min(first, w->first_);
    last = std::max(last, w->last_);
  }
  if (first <= last) {
    result.stored_first_ms = first;
    result.stored_last_ms = last;
  }
  for (auto& d : result.detections) std::stable_sort(d.begin(), d.end(), DetectionLess);
  return result;
}

namespace {

std::vector<std::string> CarsOf(const std::vector<hot::Detection>& ds) {
  std::vector<std::string> cars;
  for (const hot::Detection& d : ds) cars.push_back(d.car);
  std::sort(cars.begin(), cars.end());
  cars.erase(std::unique(cars.begin(), cars.end()), cars.end());
  return cars;
}

std::vector<hot::Detection> OfDay(const std::vector<hot::Detection>& ds, const std::string& day) {
  std::vector<hot::Detection> out;
  for (const hot::Detection& d : ds) {
    if (d.date == day) out.push_back(d);
  }
  return out;
}

}  // namespace

Status CompareBacktestDays(BacktestReport* r, const std::string& range) {
  const BacktestResult& result = *r->result;
  uint64_t events = 0;
  for (const auto& [day, n] : result.events_by_day) events += n;
  if (events == 0) {
    return Status::InvalidArgument(
        "no stored driving events in " + range + ": " +
        (result.stored_last_ms > 0
             ? "the log holds events from " +
                   FormatTimestamp14(EventTimeMs{result.stored_first_ms}) + " to " +
                   FormatTimestamp14(EventTimeMs{result.stored_last_ms})
             : std::string("the log holds no driving events")));
  }
  static const std::vector<hot::Detection> kNone;
  r->days = CompareByDay(result.events_by_day, result.detections[0],
                         result.detections.size() > 1 ? result.detections[1] : kNone);
  return Status::OK();
}

std::vector<BacktestDay> CompareByDay(const std::map<std::string, uint64_t>& events_by_day,
                                      const std::vector<hot::Detection>& candidate,
                                      const std::vector<hot::Detection>& deployed) {
  std::set<std::string> dates;
  for (const auto& [date, n] : events_by_day) dates.insert(date);
  for (const hot::Detection& d : candidate) dates.insert(d.date);
  for (const hot::Detection& d : deployed) dates.insert(d.date);
  std::vector<BacktestDay> days;
  for (const std::string& date : dates) {
    BacktestDay day;
    day.date = date;
    if (auto it = events_by_day.find(date); it != events_by_day.end()) day.events = it->second;
    day.candidate = OfDay(candidate, date);
    day.deployed = OfDay(deployed, date);
    day.candidate_cars = CarsOf(day.candidate);
    day.deployed_cars = CarsOf(day.deployed);
    std::set_difference(day.candidate_cars.begin(), day.candidate_cars.end(),
                        day.deployed_cars.begin(), day.deployed_cars.end(),
                        std::back_inserter(day.added));
    std::set_difference(day.deployed_cars.begin(), day.deployed_cars.end(),
                        day.candidate_cars.begin(), day.candidate_cars.end(),
                        std::back_inserter(day.removed));
    days.push_back(std::move(day));
  }
  return days;
}

// The first kBacktestExamples detections of `cars` in `ds`.
std::vector<const hot::Detection*> BacktestExamples(const std::vector<hot::Detection>& ds,
                                                    const std::vector<std::string>& cars) {
  std::vector<const hot::Detection*> out;
  for (const hot::Detection& d : ds) {
    if (out.size() == kBacktestExamples) break;
    if (std::binary_search(cars.begin(), cars.end(), d.car)) out.push_back(&d);
  }
  return out;
}

namespace {

nlohmann::ordered_json DetectionJson(const hot::Detection& d) {
  return nlohmann::ordered_json::parse(hot::DetectionToJson(d));
}

}  // namespace

std::string BacktestReportJson(const BacktestReport& r) {
  using J = nlohmann::ordered_json;
  J doc;
  doc["candidate"] = r.candidate;
  doc["deployed"] = r.compare() ? J(r.against) : J(nullptr);
  doc["from"] = r.from;
  doc["to"] = r.to;
  J days = J::array();
  uint64_t events = 0;
  size_t c_rows = 0, d_rows = 0;
  for (const BacktestDay& d : r.days) {
    events += d.events;
    c_rows += d.candidate.size();
    d_rows += d.deployed.size();
    J day;
    day["date"] = d.date;
    day["events"] = d.events;
    day["candidate"] = {{"detections", d.candidate.size()}, {"cars", d.candidate_cars}};
    if (r.compare()) {
      day["deployed"] = {{"detections", d.deployed.size()}, {"cars", d.deployed_cars}};
      day["added"] = d.added;
      day["removed"] = d.removed;
      J ex = J::array();
      for (const hot::Detection* x : BacktestExamples(d.candidate, d.added))
        ex.push_back(DetectionJson(*x));
      day["added_examples"] = ex;
      ex = J::array();
      for (const hot::Detection* x : BacktestExamples(d.deployed, d.removed))
        ex.push_back(DetectionJson(*x));
      day["removed_examples"] = ex;
    }
    days.push_back(std::move(day));
  }
  doc["days"] = std::move(days);
  J total;
  total["events"] = events;
  total["candidate_detections"] = c_rows;
  if (r.compare()) total["deployed_detections"] = d_rows;
  total["late"] = r.result->late;
  total["duplicates"] = r.result->duplicates;
  total["bad_records"] = r.result->bad_records;
  doc["total"] = std::move(total);
  return doc.dump() + "\n";
}

}  // namespace smartcar::pipeline
