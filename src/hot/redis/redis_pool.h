// Connections to the current Redis master, shared by threads, and the retry loop around them.
//
// The master is either options.redis or what Sentinel answers to
// `SENTINEL get-master-addr-by-name <master_name>`. A failed round trip (connection lost,
// timeout, READONLY after a failover, LOADING, ...) marks the master stale: every pooled
// connection is dropped, the next attempt asks Sentinel again and reconnects, with exponential
// backoff between attempts. Authentication errors and unknown master names are not retried.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "hot/hot_store.h"
#include "hot/redis/redis_connection.h"

namespace smartcar::hot {

// Whether an attempt that failed with `s` may succeed later (IOError / Busy).
inline bool IsRetriable(const Status& s) {
  return s.code() == Status::Code::kIOError || s.code() == Status::Code::kBusy;
}

// The Status for error reply `err` from `endpoint` while doing `what`: retriable (IOError) for
// READONLY, LOADING, MASTERDOWN, TRYAGAIN; InvalidArgument for auth, permission and type errors.
Status ReplyErrorStatus(const Endpoint& endpoint, std::string_view what, std::string_view err);

// Thread-safe.
class RedisPool {
 public:
  explicit RedisPool(HotOptions options);
  ~RedisPool();

  // Calls fn with a connection to the master until it returns OK or a non-retriable Status, or
  // `timeout_ms` has passed (then IOError with the attempts made and the last error).
  Status Run(int timeout_ms, std::string_view what,
             const std::function<Status(RedisConnection&)>& fn);

  // "redis HOST:PORT" or "redis sentinel MASTER (HOST:PORT)".
  std::string Describe();

 private:
  struct Lease {
    std::unique_ptr<RedisConnection> conn;
    uint64_t generation = 0;
  };
  Result<Lease> Acquire(int64_t deadline_us);
  void Release(Lease lease, bool healthy);
  void MarkStale(uint64_t generation);
  // Opens, authenticates and checks a new connection to the master (asking Sentinel if needed).
  Result<std::unique_ptr<RedisConnection>> Dial();
  Result<Endpoint> AskSentinels();
  Status Authenticate(RedisConnection& c, std::string_view user, std::string_view password);

  const HotOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;  // GUARDED_BY(mu_)
  int open_ = 0;                                        // Connections idle or lent out.
  uint64_t generation_ = 0;                             // Bumped when the master goes stale.
  bool stale_ = true;                                   // master_ must be (re)discovered.
  Endpoint master_;
};

}  // namespace smartcar::hot
