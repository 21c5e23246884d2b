// A Sink stores batches of events. Deliver() returns OK only once the batch is durably stored
// (the sink's acknowledgement); on error nothing may be assumed stored and the batch is
// delivered again. Sinks must tolerate re-delivery (at-least-once). One thread at a time.
#pragma once

#include <string>

#include "collect/event.h"
#include "core/status.h"

namespace smartcar::collect {

class Sink {
 public:
  explicit Sink(std::string name) : name_(std::move(name)) {}
  virtual ~Sink() = default;
  virtual Status Deliver(const EventBatch& batch) = 0;
  // Flushes and closes what is open (files are rolled). Called once at shutdown.
  virtual Status Close() { return Status::OK(); }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

}  // namespace smartcar::collect
