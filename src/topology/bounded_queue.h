// A bounded multi-producer, single-consumer queue between executors (internal to the runtime).
//
// Push blocks while the queue is full: a slow consumer throttles its producers, so memory stays
// bounded (backpressure). Producers hand over batches (PushAll) and the consumer takes everything
// queued at once (micro-batching): one lock round trip per batch on each side instead of per
// tuple. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "topology/thread_annotations.h"

namespace smartcar::topology {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Appends `item`, blocking while the queue holds `capacity` items. Returns false (dropping the
  // item) if the queue is or becomes closed.
  bool Push(T&& item) EXCLUDES(mu_) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    if (items_.size() > high_water_) high_water_ = items_.size();
    if (items_.size() == 1) not_empty_.notify_one();
    return true;
  }

  // Appends the items of *items in order (moving from them), one lock round trip per run of
  // free slots, blocking while the queue is full. Returns how many were appended: fewer than
  // items->size() when the queue is or becomes closed (the rest are dropped).
  size_t PushAll(std::vector<T>* items) EXCLUDES(mu_) {
    size_t i = 0;
    std::unique_lock<std::mutex> lock(mu_);
    while (i < items->size()) {
      not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
      if (closed_) break;
      const bool was_empty = items_.empty();
      while (i < items->size() && items_.size() < capacity_) {
        items_.push_back(std::move((*items)[i++]));
      }
      if (items_.size() > high_water_) high_water_ = items_.size();
      if (was_empty) not_empty_.notify_one();
    }
    return i;
  }

  // Moves up to `max_items` queued items into `out` (appending), waiting until `deadline` for
  // the first. Returns false when the queue is closed and empty.
  template <class Clock, class Duration>
  bool PopAll(std::vector<T>* out, size_t max_items,
              std::chrono::time_point<Clock, Duration> deadline) EXCLUDES(mu_) {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait_until(lock, deadline, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return !closed_;
    const bool was_full = items_.size() >= capacity_;
    size_t n = std::min(max_items, items_.size());
    for (size_t i = 0; i < n; ++i) {
      out->push_back(std::move(items_.front()));
      items_.pop_front();
    }
    if (was_full || n > 0) not_full_.notify_all();
    return true;
  }

  // Wakes every waiter; later Pushes fail, PopAll drains what is left.
  void Close() EXCLUDES(mu_) {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  size_t size() const EXCLUDES(mu_) {
    std::lock_guard<std::mutex> lock(mu_);
    return items_.size();
  }
  size_t high_water() const EXCLUDES(mu_) {
    std::lock_guard<std::mutex> lock(mu_);
    return high_water_;
  }
  size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<T> items_ GUARDED_BY(mu_);
  size_t high_water_ GUARDED_BY(mu_) = 0;
  bool closed_ GUARDED_BY(mu_) = false;
};

}  // namespace smartcar::topology
