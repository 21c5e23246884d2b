// One blocking connection to a Redis server or Sentinel (a thin RAII wrapper over hiredis's
// redisContext; hiredis itself stays inside redis_connection.cc). Not thread-safe: the
// RedisStore pool lends each connection to one caller at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "hot/hot_store.h"

namespace smartcar::hot {

// A reply, copied out of hiredis.
struct RedisReply {
  enum class Type : unsigned char { kString, kStatus, kInteger, kNil, kArray, kError };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus, kError
  int64_t integer = 0;
  std::vector<RedisReply> elements;  // kArray
  bool is_error() const { return type == Type::kError; }
};

// One command: its arguments (binary safe). The views must outlive the call.
using RedisCommand = std::vector<std::string_view>;

class RedisConnection {
 public:
  // Connects within `connect_timeout_ms`; every later command round trip is bounded by
  // `command_timeout_ms`. IOError "<host:port>: <reason>" when the server cannot be reached.
  static Result<std::unique_ptr<RedisConnection>> Connect(const Endpoint& endpoint,
                                                          int connect_timeout_ms,
                                                          int command_timeout_ms);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends all `commands` in one pipeline and reads one reply per command into *replies.
  // IOError when the connection fails or times out (the connection is then broken()).
  // Error replies are returned as replies, not as a Status.
  Status Pipeline(const std::vector<RedisCommand>& commands, std::vector<RedisReply>* replies);
  // One command.
  Result<RedisReply> Command(const RedisCommand& command);

  bool broken() const { return broken_; }
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  RedisConnection(Endpoint endpoint, void* ctx) : endpoint_(std::move(endpoint)), ctx_(ctx) {}
  Status IoError(std::string_view what);

  Endpoint endpoint_;
  void* ctx_;  // redisContext*
  bool broken_ = false;
};

}  // namespace smartcar::hot
