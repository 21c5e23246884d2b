// Status and Result: how SmartCar reports errors on hot paths (LevelDB's shape).
//
// A Status is either OK (no allocation) or a code plus a human-readable message that says where
// and why ("line 12, field 7 (speed): 'x9' is not an integer"). Status is [[nodiscard]]: with
// -Werror an ignored Status fails the build. Result<T> carries a value or a Status.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace smartcar {

class [[nodiscard]] Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kNotFound,
    kInvalidArgument,
    kCorruption,
    kIOError,
    kNotSupported,
    kBusy,
    kAborted,
  };

  // An OK status.
  Status() noexcept = default;
  Status(const Status& other)
      : state_(other.state_ ? std::make_unique<State>(*other.state_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) state_ = other.state_ ? std::make_unique<State>(*other.state_) : nullptr;
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status InvalidArgument(std::string_view msg) {
    return Status(Code::kInvalidArgument, msg);
  }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status IOError(std::string_view msg) { return Status(Code::kIOError, msg); }
  static Status NotSupported(std::string_view msg) { return Status(Code::kNotSupported, msg); }
  static Status Busy(std::string_view msg) { return Status(Code::kBusy, msg); }
  static Status Aborted(std::string_view msg) { return Status(Code::kAborted, msg); }

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  bool IsNotFound() const { return code() == Code::kNotFound; }
  bool IsInvalidArgument() const { return code() == Code::kInvalidArgument; }
  bool IsCorruption() const { return code() == Code::kCorruption; }
  bool IsIOError() const { return code() == Code::kIOError; }

  // The message alone, without the code name. Empty for OK.
  const std::string& message() const;
  // "OK", or "<code name>: <message>".
  std::string ToString() const;
  // A copy of this status whose message is "<prefix><message>". OK stays OK.
  Status WithPrefix(std::string_view prefix) const;

 private:
  struct State {
    Code code;
    std::string message;
  };
  Status(Code code, std::string_view msg)
      : state_(std::make_unique<State>(State{code, std::string(msg)})) {}

  std::unique_ptr<State> state_;  // nullptr means OK.
};

// The name of a code, e.g. "Invalid argument".
std::string_view CodeName(Status::Code code);

// A value or the Status explaining why there is none.
template <class T>
using Result = tl::expected<T, Status>;

// Wraps a non-OK Status for returning from a function that returns Result<T>.
inline tl::unexpected<Status> Err(Status s) { return tl::unexpected<Status>(std::move(s)); }

namespace status_internal {
// Converts to Status or to any Result<T>, so SMARTCAR_RETURN_IF_ERROR works in both kinds of
// function.
struct ErrorReturn {
  Status status;
  operator Status() && { return std::move(status); }  // NOLINT(google-explicit-constructor)
  template <class T>
  operator tl::expected<T, Status>() && {  // NOLINT(google-explicit-constructor)
    return tl::unexpected<Status>(std::move(status));
  }
};
}  // namespace status_internal

}  // namespace smartcar

// Returns early from the enclosing function with the status of `expr` when it is not OK.
#define SMARTCAR_RETURN_IF_ERROR(expr)                                              \
  do {                                                                              \
    ::smartcar::Status _st = (expr);                                                \
    if (!_st.ok()) return ::smartcar::status_internal::ErrorReturn{std::move(_st)}; \
  } while (0)
