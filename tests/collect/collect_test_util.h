// Test doubles for the collector: a sink that keeps what it is given and can be told to fail.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "collect/agent.h"
#include "collect/sink.h"

namespace smartcar::collect::testing {

// Shared between the test and the sink the agent owns.
struct MemorySinkState {
  std::mutex mu;
  std::vector<std::string> bodies;
  std::vector<std::vector<std::pair<std::string, std::string>>> headers;
  std::atomic<int> fail_next{0};  // Fail this many deliveries, then succeed.
  std::atomic<bool> fail_always{false};
  std::atomic<int> deliveries{0};

  std::vector<std::string> Bodies() {
    std::lock_guard<std::mutex> lock(mu);
    return bodies;
  }
};

class MemorySink final : public Sink {
 public:
  MemorySink(std::string name, std::shared_ptr<MemorySinkState> state)
      : Sink(std::move(name)), state_(std::move(state)) {}
  Status Deliver(const EventBatch& batch) override {
    state_->deliveries++;
    if (state_->fail_always.load()) return Status::IOError("sink " + name() + " is down");
    if (state_->fail_next.load() > 0) {
      state_->fail_next--;
      return Status::IOError("sink " + name() + " failed once");
    }
    std::lock_guard<std::mutex> lock(state_->mu);
    for (const Event& e : batch) {
      state_->bodies.push_back(e.body);
      state_->headers.push_back(e.headers);
    }
    return Status::OK();
  }

 private:
  std::shared_ptr<MemorySinkState> state_;
};

// Agent options whose `log` sinks are MemorySinks keyed by sink name.
inline AgentOptions MemoryLogOptions(
    const std::string& data_dir, std::map<std::string, std::shared_ptr<MemorySinkState>>* sinks) {
  AgentOptions o;
  o.data_dir = data_dir;
  o.poll_interval_ms = 5;
  o.retry_backoff_ms = 1;
  o.log = stderr;
  o.make_log_sink = [sinks](const std::string& name,
                            ComponentParams* p) -> Result<std::unique_ptr<Sink>> {
    p->String("topic", "");
    p->String("kafka.topic", "");
    p->String("brokerList", "");
    p->String("kafka.bootstrap.servers", "");
    p->String("requiredAcks", "");
    p->String("batchSize", "");
    auto& st = (*sinks)[name];
    if (!st) st = std::make_shared<MemorySinkState>();
    return std::unique_ptr<Sink>(new MemorySink(name, st));
  };
  return o;
}

}  // namespace smartcar::collect::testing
