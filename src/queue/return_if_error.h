// QUEUE_RETURN_IF_ERROR: like SMARTCAR_RETURN_IF_ERROR but also usable in functions returning
// Result<T> (internal to src/queue/).
#pragma once

#include <utility>

#include "core/status.h"

namespace smartcar::queue::internal {

// Converts to a Status or to any Result<T> holding the error.
struct ReturnedError {
  Status status;
  operator Status() && { return std::move(status); }  // NOLINT(google-explicit-constructor)
  template <class T>
  operator tl::expected<T, Status>() && {  // NOLINT(google-explicit-constructor)
    return tl::unexpected<Status>(std::move(status));
  }
};

}  // namespace smartcar::queue::internal

#define QUEUE_RETURN_IF_ERROR(expr)                                            \
  do {                                                                         \
    ::smartcar::Status _queue_st = (expr);                                     \
    if (!_queue_st.ok()) {                                                     \
      return ::smartcar::queue::internal::ReturnedError{std::move(_queue_st)}; \
    }                                                                          \
  } while (0)
