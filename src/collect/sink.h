// A Sink stores batches of events. Deliver() returns OK only once the batch is durably stored
// (the sink's acknowledgement); on error nothing may be assumed stored and the batch is
// delivered again. Sinks must tolerate re-delivery (at-least-once). One thread at a time.
#pragma once

#include <optional>
#include <string>

#include "collect/event.h"
#include "core/status.h"

namespace smartcar::collect {

class Sink {
 public:
  explicit Sink(std::string name) : name_(std::move(name)) {}
  virtual ~Sink() = default;
  virtual Status Deliver(const EventBatch& batch) = 0;
  // Deliver, storing `position` (the source's position after this batch, Source::
  // PendingPosition) under `source` atomically with the batch when the sink can; the default
  // ignores it. With such a sink a crash between delivery and the source's Commit() re-delivers
  // nothing (exactly-once), see LastPosition.
  virtual Status DeliverWithPosition(const EventBatch& batch, const std::string& /*source*/,
                                     const std::string& /*position*/) {
    return Deliver(batch);
  }
  // The position last stored with a batch of `source`, or nullopt (none, or not supported).
  virtual Result<std::optional<std::string>> LastPosition(const std::string& /*source*/) {
    return std::optional<std::string>();
  }
  // Flushes and closes what is open (files are rolled). Called once at shutdown.
  virtual Status Close() { return Status::OK(); }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

}  // namespace smartcar::collect
