// A Source reads lines from somewhere and hands them out in batches with transaction
// semantics: the position after a batch becomes durable only on Commit(), called after every
// sink downstream acknowledged the batch; Rollback() re-delivers the uncommitted batch.
// One thread uses a Source at a time.
#pragma once

#include <cstdint>
#include <string>

#include "collect/event.h"
#include "core/status.h"

namespace smartcar::collect {

class Source {
 public:
  virtual ~Source() = default;
  // Fills *batch (cleared first) with up to `max` events. An empty batch means "nothing right
  // now"; the caller waits and asks again. Errors name the file or command.
  virtual Status Next(size_t max, EventBatch* batch) = 0;
  // Makes the position after the last batch durable.
  virtual Status Commit() = 0;
  // Rewinds to the last committed position.
  virtual Status Rollback() = 0;
  // True when all input seen so far has been returned and committed (used to drain and stop).
  virtual bool Idle() = 0;
  // Called when Next() returned nothing: waits until new input may be there. A source told of
  // changes (TAILDIR's inotify) returns as soon as one comes, and after at most a quarter of a
  // second so the caller notices a stop; others (the default) sleep `poll_ms`.
  virtual void WaitForInput(int64_t poll_ms);
  // Bytes of input not yet committed (lag), for metrics; 0 when unknown.
  virtual uint64_t LagBytes() { return 0; }
  // The position after the batch Next() returned (what Commit() would make durable), as text a
  // sink can store atomically with the batch; "" when the source has no such position.
  virtual std::string PendingPosition() { return ""; }
  // Makes `position` (a PendingPosition() a sink stored with a batch) the committed position,
  // durably. Called before the first Next() when the sink holds a position newer than the
  // source's own (a crash came between the sink's write and the source's Commit()).
  virtual Status RestorePosition(const std::string& /*position*/) {
    return Status::NotSupported("this source cannot restore a position");
  }
};

}  // namespace smartcar::collect
