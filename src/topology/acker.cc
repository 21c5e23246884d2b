#include "topology/acker.h"

namespace smartcar::topology {

Acker::Bucket::iterator Acker::Find(uint64_t root, Bucket** bucket) {
  for (Bucket& b : buckets_) {
    auto it = b.find(root);
    if (it != b.end()) {
      *bucket = &b;
      return it;
    }
  }
  *bucket = nullptr;
  return {};
}

void Acker::Start(uint64_t root, MessageId id, uint64_t initial_xor, TimePoint now) {
  std::lock_guard<std::mutex> lock(mu_);
  const Entry e{initial_xor, id, now};
  if (initial_xor == 0) {
    Complete(e, true, now);
    return;
  }
  Bucket* b = nullptr;
  Find(root, &b);
  if (b != nullptr) return;  // Root ids are random 64-bit values; a clash is ignored.
  buckets_.front().emplace(root, e);
  pending_mirror_.store(++pending_, std::memory_order_release);
}

void Acker::Update(uint64_t root, uint64_t value) {
  std::lock_guard<std::mutex> lock(mu_);
  Bucket* b = nullptr;
  auto it = Find(root, &b);
  if (b == nullptr) return;
  it->second.value ^= value;
  if (it->second.value == 0) {
    Complete(it->second, true, std::chrono::steady_clock::now());
    b->erase(it);
    pending_mirror_.store(--pending_, std::memory_order_release);
  }
}

void Acker::UpdateMany(const AckUpdate* updates, size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  std::chrono::steady_clock::time_point now{};
  for (size_t i = 0; i < n; ++i) {
    Bucket* b = nullptr;
    auto it = Find(updates[i].root, &b);
    if (b == nullptr) continue;
    it->second.value ^= updates[i].value;
    if (it->second.value == 0) {
      if (now == std::chrono::steady_clock::time_point{}) now = std::chrono::steady_clock::now();
      Complete(it->second, true, now);
      b->erase(it);
      pending_mirror_.store(--pending_, std::memory_order_release);
    }
  }
}

void Acker::Fail(uint64_t root) {
  std::lock_guard<std::mutex> lock(mu_);
  Bucket* b = nullptr;
  auto it = Find(root, &b);
  if (b == nullptr) return;
  Complete(it->second, false, std::chrono::steady_clock::now());
  b->erase(it);
  pending_mirror_.store(--pending_, std::memory_order_release);
}

size_t Acker::Rotate() {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  Bucket expired = std::move(buckets_.back());
  buckets_.pop_back();
  buckets_.emplace_front();
  for (const auto& [root, e] : expired) Complete(e, false, now);
  pending_ -= expired.size();
  pending_mirror_.store(pending_, std::memory_order_release);
  return expired.size();
}

void Acker::Complete(const Entry& e, bool acked, TimePoint now) {
  const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(now - e.started).count();
  completions_.push_back(Completion{e.id, acked, us});
  undelivered_mirror_.store(completions_.size(), std::memory_order_release);
  cv_.notify_one();
}

void Acker::TakeCompletions(std::vector<Completion>* out, std::chrono::microseconds wait) {
  if (wait.count() <= 0 && undelivered_mirror_.load(std::memory_order_acquire) == 0) return;
  std::unique_lock<std::mutex> lock(mu_);
  if (completions_.empty() && !woken_ && wait.count() > 0) {
    cv_.wait_for(lock, wait, [&] { return !completions_.empty() || woken_; });
  }
  woken_ = false;
  for (Completion& c : completions_) out->push_back(c);
  completions_.clear();
  undelivered_mirror_.store(0, std::memory_order_release);
}

void Acker::Wake() {
  std::lock_guard<std::mutex> lock(mu_);
  woken_ = true;
  cv_.notify_one();
}

size_t Acker::pending() const { return pending_mirror_.load(std::memory_order_acquire); }

size_t Acker::undelivered() const { return undelivered_mirror_.load(std::memory_order_acquire); }

}  // namespace smartcar::topology
