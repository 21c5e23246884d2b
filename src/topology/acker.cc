// The acker's timeout buckets as open-addressing hash tables (Fibonacci hashing, linear probing,
// backward-shift erase), and its XOR updates, failures, rotation and completion hand-off.
#include "topology/acker.h"

#include <bit>

namespace smartcar::topology {

Acker::Entry* Acker::Bucket::Find(uint64_t root) {
  if (size_ == 0) return nullptr;
  const size_t mask = slots_.size() - 1;
  for (size_t i = Home(root);; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (!s.used) return nullptr;
    if (s.root == root) return &s.entry;
  }
}

bool Acker::Bucket::Insert(uint64_t root, const Entry& e) {
  if ((size_ + 1) * 2 > slots_.size()) Grow();  // Load factor at most 1/2.
  const size_t mask = slots_.size() - 1;
  for (size_t i = Home(root);; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (!s.used) {
      s = Slot{e, root, true};
      ++size_;
      return true;
    }
    if (s.root == root) return false;
  }
}

void Acker::Bucket::Erase(Entry* e) {
  // Backward-shift deletion: move later members of the probe run into the hole.
  const size_t mask = slots_.size() - 1;
  size_t hole = static_cast<size_t>(reinterpret_cast<Slot*>(e) - slots_.data());
  for (size_t j = (hole + 1) & mask; slots_[j].used; j = (j + 1) & mask) {
    const size_t home = Home(slots_[j].root);
    // Slot j may move to the hole unless its home lies cyclically in (hole, j].
    const bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (!stays) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole].used = false;
  --size_;
}

template <class F>
void Acker::Bucket::Drain(F f) {
  if (size_ == 0) return;
  for (Slot& s : slots_) {
    if (!s.used) continue;
    f(s.entry);
    s.used = false;
  }
  size_ = 0;
}

void Acker::Bucket::Grow() {
  std::vector<Slot> old = std::move(slots_);
  const size_t capacity = old.empty() ? 1024 : old.size() * 2;
  slots_.assign(capacity, Slot{Entry{}, 0, false});
  shift_ = 64 - std::countr_zero(capacity);
  size_ = 0;
  for (const Slot& s : old) {
    if (s.used) Insert(s.root, s.entry);
  }
}

Acker::Entry* Acker::Find(uint64_t root, Bucket** bucket) {
  for (Bucket& b : buckets_) {
    if (Entry* e = b.Find(root)) {
      *bucket = &b;
      return e;
    }
  }
  *bucket = nullptr;
  return nullptr;
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
  buckets_.front().Insert(root, e);
  pending_mirror_.store(++pending_, std::memory_order_release);
}

void Acker::Update(uint64_t root, uint64_t value) {
  const AckUpdate u{root, value};
  UpdateMany(&u, 1);
}

void Acker::UpdateMany(const AckUpdate* updates, size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  std::chrono::steady_clock::time_point now{};
  for (size_t i = 0; i < n; ++i) {
    Bucket* b = nullptr;
    Entry* e = Find(updates[i].root, &b);
    if (e == nullptr) continue;
    e->value ^= updates[i].value;
    if (e->value == 0) {
      if (now == std::chrono::steady_clock::time_point{}) now = std::chrono::steady_clock::now();
      Complete(*e, true, now);
      b->Erase(e);
      pending_mirror_.store(--pending_, std::memory_order_release);
    }
  }
}

void Acker::Fail(uint64_t root) {
  std::lock_guard<std::mutex> lock(mu_);
  Bucket* b = nullptr;
  Entry* e = Find(root, &b);
  if (e == nullptr) return;
  Complete(*e, false, std::chrono::steady_clock::now());
  b->Erase(e);
  pending_mirror_.store(--pending_, std::memory_order_release);
}

size_t Acker::Rotate() {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  // The oldest bucket's roots fail; its emptied table becomes the newest bucket.
  Bucket expired = std::move(buckets_.back());
  buckets_.pop_back();
  const size_t n = expired.size();
  expired.Drain([&](const Entry& e) { Complete(e, false, now); });
  buckets_.push_front(std::move(expired));
  pending_ -= n;
  pending_mirror_.store(pending_, std::memory_order_release);
  return n;
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
