// The metrics endpoint's routes on a cpp-httplib server (internal to server/; also used by
// fuzz/server_http_fuzz.cc to feed raw requests through the same handlers).
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "server/metrics_server.h"

namespace smartcar::server {

// Requests under /api/v1/ a client address may make: a bucket of `burst` refilled at `per_second`
// (429 beyond). Thread-safe.
class RateLimiter {
 public:
  RateLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}
  // False when `client` has used its bucket up.
  bool Allow(const std::string& client);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  const double per_second_;
  const double burst_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;  // GUARDED_BY(mu_); cleared past 4096 clients
};

// What the routes share with the server that serves them.
struct RouteState {
  bool console = true;  // GET / and /ui/... (the console's pages)
  // Set when the server stops: open event streams end.
  std::atomic<bool> stopping{false};
  // GET /api/v1/events streams open now, and at most (each holds one of the server's threads).
  std::atomic<int> streams{0};
  int max_streams = 2;
  std::chrono::milliseconds event_interval{1000};
  bool limit_rate = true;  // false: no per-client limit (the fuzz harness)
  RateLimiter limiter{kApiRequestsPerSecond, kApiRequestsBurst};
};

// GET /metrics, /stats.json, /healthz, the console's pages, /api/v1/events (Server-Sent Events of
// the stats), /api/v1/... (the api provider), and a 404/405 body naming them. `providers` and
// `state` must outlive `server`.
void AddMetricsRoutes(httplib::Server* server, const MetricsProviders* providers,
                      RouteState* state);

}  // namespace smartcar::server
