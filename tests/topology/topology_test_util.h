// Components for topology tests: a replaying counting spout and recording bolts.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "topology/topology.h"

namespace smartcar::topology::testing {

// What a NumberSpout saw, shared with the test.
struct SpoutLog {
  std::mutex mu;
  std::map<int64_t, int> acks;   // id -> times acked
  std::map<int64_t, int> fails;  // id -> times failed
  std::map<int64_t, int> emits;  // id -> times emitted
  int AckedCount() {
    std::lock_guard<std::mutex> l(mu);
    return static_cast<int>(acks.size());
  }
};

// Emits {n, "k<n % keys>"} for n in [0, count), message id n when `reliable`, replaying failed
// ids. Finished once every id is acked (reliable) or emitted (not).
class NumberSpout : public Spout {
 public:
  NumberSpout(int64_t count, bool reliable, std::shared_ptr<SpoutLog> log, int keys = 10)
      : count_(count), reliable_(reliable), keys_(keys), log_(std::move(log)) {}
  void DeclareOutputFields(OutputFieldsDeclarer& d) const override { d.Declare({"n", "key"}); }
  Status Open(const TopologyContext& ctx, SpoutOutputCollector& c) override {
    collector_ = &c;
    context_ = ctx;
    return Status::OK();
  }
  Status NextTuple() override {
    int64_t n;
    if (!replay_.empty()) {
      n = *replay_.begin();
      replay_.erase(replay_.begin());
    } else if (next_ < count_) {
      n = next_++;
    } else {
      return Status::OK();
    }
    {
      std::lock_guard<std::mutex> l(log_->mu);
      log_->emits[n]++;
    }
    Values v{n, std::string("k") + std::to_string(n % keys_)};
    return reliable_ ? collector_->Emit(std::move(v), static_cast<MessageId>(n))
                     : collector_->Emit(std::move(v));
  }
  void Ack(MessageId id) override {
    std::lock_guard<std::mutex> l(log_->mu);
    log_->acks[static_cast<int64_t>(id)]++;
    ++acked_;
  }
  void Fail(MessageId id) override {
    {
      std::lock_guard<std::mutex> l(log_->mu);
      log_->fails[static_cast<int64_t>(id)]++;
    }
    replay_.insert(static_cast<int64_t>(id));
  }
  bool Finished() const override {
    return reliable_ ? acked_ >= count_ : next_ >= count_ && replay_.empty();
  }

 protected:
  SpoutOutputCollector* collector_ = nullptr;
  TopologyContext context_;
  int64_t next_ = 0;          // The next new number to emit.
  std::set<int64_t> replay_;  // Failed numbers to emit again first.

 private:
  int64_t count_;
  bool reliable_;
  int keys_;
  std::shared_ptr<SpoutLog> log_;
  int64_t acked_ = 0;
};

// Tuples received per task, shared with the test.
struct Sink {
  std::mutex mu;
  std::map<int, std::vector<Values>> by_task;
  size_t Total() {
    std::lock_guard<std::mutex> l(mu);
    size_t n = 0;
    for (auto& [t, v] : by_task) n += v.size();
    return n;
  }
};

// Records each input under its task id and acks it.
class RecordBolt : public Bolt {
 public:
  explicit RecordBolt(std::shared_ptr<Sink> sink) : sink_(std::move(sink)) {}
  Status Prepare(const TopologyContext& ctx, OutputCollector& c) override {
    task_ = ctx.task_id;
    collector_ = &c;
    return Status::OK();
  }
  Status Execute(const Tuple& t) override {
    {
      std::lock_guard<std::mutex> l(sink_->mu);
      sink_->by_task[task_].push_back(t.values());
    }
    collector_->Ack(t);
    return Status::OK();
  }

 private:
  std::shared_ptr<Sink> sink_;
  int task_ = 0;
  OutputCollector* collector_ = nullptr;
};

template <class T, class... Args>
SpoutFactory SpoutOf(Args... args) {
  return [=]() -> Result<std::unique_ptr<Spout>> { return std::make_unique<T>(args...); };
}
template <class T, class... Args>
BoltFactory BoltOf(Args... args) {
  return [=]() -> Result<std::unique_ptr<Bolt>> { return std::make_unique<T>(args...); };
}

// A config for tests: short waits, small queues.
inline TopologyConfig TestConfig() {
  TopologyConfig c;
  c.name = "test";
  c.queue_capacity = 64;
  c.max_batch = 16;
  c.tick_interval = std::chrono::milliseconds(10);
  c.message_timeout = std::chrono::milliseconds(30000);
  return c;
}

inline constexpr std::chrono::milliseconds kRunLimit{60000};

}  // namespace smartcar::topology::testing
