// Sink processors: failover and load_balance over a sink group (Flume's sinkgroups).
#include <algorithm>
#include <numeric>

#include "collect/sinks/sinks.h"
#include "core/random.h"

namespace smartcar::collect {
namespace {

class SinkGroup final : public Sink {
 public:
  SinkGroup(std::string name, std::vector<std::unique_ptr<Sink>> sinks, SinkGroupOptions o)
      : Sink(std::move(name)),
        sinks_(std::move(sinks)),
        o_(std::move(o)),
        clock_(o_.clock ? o_.clock : SystemClock::Default()),
        benched_until_us_(sinks_.size(), 0),
        failures_(sinks_.size(), 0),
        rng_(0x5eed) {
    order_.resize(sinks_.size());
    std::iota(order_.begin(), order_.end(), 0);
    if (o_.kind == SinkGroupOptions::Kind::kFailover) {
      o_.priorities.resize(sinks_.size(), 0);
      std::stable_sort(order_.begin(), order_.end(),
                       [this](size_t a, size_t b) { return o_.priorities[a] > o_.priorities[b]; });
    }
  }

  Status Deliver(const EventBatch& batch) override {
    const int64_t now = clock_->NowMicros();
    std::vector<size_t> tries;
    if (o_.kind == SinkGroupOptions::Kind::kFailover) {
      tries = order_;
    } else {
      const size_t n = sinks_.size();
      const size_t first = o_.random ? rng_.Uniform(n) : next_++ % n;
      for (size_t i = 0; i < n; ++i) tries.push_back((first + i) % n);
    }
    // Healthy sinks first, in order; benched ones only if nothing else is left.
    std::stable_partition(tries.begin(), tries.end(),
                          [&](size_t i) { return benched_until_us_[i] <= now; });
    Status last = Status::IOError("sink group '" + name() + "' has no sinks");
    for (size_t i : tries) {
      Status s = sinks_[i]->Deliver(batch);
      if (s.ok()) {
        failures_[i] = 0;
        benched_until_us_[i] = 0;
        return s;
      }
      ++failures_[i];
      if (o_.backoff || o_.kind == SinkGroupOptions::Kind::kFailover) {
        const int64_t penalty_ms =
            std::min<int64_t>(o_.max_penalty_ms, int64_t{1000} << std::min(failures_[i], 20));
        benched_until_us_[i] = now + penalty_ms * 1000;
      }
      last = s.WithPrefix("sink '" + sinks_[i]->name() + "': ");
    }
    return last;
  }

  Status Close() override {
    Status first;
    for (auto& s : sinks_) {
      Status st = s->Close();
      if (first.ok()) first = st;
    }
    return first;
  }

 private:
  std::vector<std::unique_ptr<Sink>> sinks_;
  SinkGroupOptions o_;
  Clock* clock_;
  std::vector<size_t> order_;
  std::vector<int64_t> benched_until_us_;
  std::vector<int> failures_;
  size_t next_ = 0;
  Random rng_;
};

}  // namespace

std::unique_ptr<Sink> MakeSinkGroup(const std::string& name,
                                    std::vector<std::unique_ptr<Sink>> sinks,
                                    const SinkGroupOptions& options) {
  return std::make_unique<SinkGroup>(name, std::move(sinks), options);
}

}  // namespace smartcar::collect
