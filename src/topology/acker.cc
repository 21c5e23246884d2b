#include "topology/acker.h"

namespace smartcar::topology {

void Acker::Start(uint64_t root, MessageId id, uint64_t initial_xor, TimePoint now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = pending_.emplace(root, Entry{initial_xor, id, now});
  if (!inserted) return;  // Root ids are random 64-bit values; a clash is ignored.
  if (initial_xor == 0) {
    CompleteLocked(it, true, now);
    return;
  }
  by_start_.emplace_back(now, root);
}

void Acker::Update(uint64_t root, uint64_t value) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pending_.find(root);
  if (it == pending_.end()) return;
  it->second.value ^= value;
  if (it->second.value == 0) CompleteLocked(it, true, std::chrono::steady_clock::now());
}

void Acker::Fail(uint64_t root) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pending_.find(root);
  if (it != pending_.end()) CompleteLocked(it, false, std::chrono::steady_clock::now());
}

size_t Acker::ExpireOlderThan(TimePoint now, std::chrono::milliseconds timeout) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  while (!by_start_.empty() && by_start_.front().first + timeout <= now) {
    auto it = pending_.find(by_start_.front().second);
    // The root may be gone, or restarted later under the same id (then it is younger).
    if (it != pending_.end() && it->second.started == by_start_.front().first) {
      CompleteLocked(it, false, now);
      ++n;
    }
    by_start_.pop_front();
  }
  return n;
}

void Acker::CompleteLocked(std::unordered_map<uint64_t, Entry>::iterator it, bool acked,
                           TimePoint now) {
  const int64_t us =
      std::chrono::duration_cast<std::chrono::microseconds>(now - it->second.started).count();
  completions_.push_back(Completion{it->second.id, acked, us});
  pending_.erase(it);
  if (pending_.empty()) by_start_.clear();
  cv_.notify_one();
}

void Acker::TakeCompletions(std::vector<Completion>* out, std::chrono::microseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  if (completions_.empty() && !woken_ && wait.count() > 0) {
    cv_.wait_for(lock, wait, [&] { return !completions_.empty() || woken_; });
  }
  woken_ = false;
  for (Completion& c : completions_) out->push_back(c);
  completions_.clear();
}

void Acker::Wake() {
  std::lock_guard<std::mutex> lock(mu_);
  woken_ = true;
  cv_.notify_one();
}

size_t Acker::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_.size();
}

size_t Acker::undelivered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return completions_.size();
}

}  // namespace smartcar::topology
