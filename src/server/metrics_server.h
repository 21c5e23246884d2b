// MetricsServer: a small HTTP endpoint for a running pipeline (Prometheus scrapes it, and
// `smartcar topology stats` reads it).
//
//   GET /metrics     Prometheus text exposition (text/plain; version=0.0.4)
//   GET /stats.json  the stats snapshot as JSON (see server/stats_json.h)
//   GET /healthz     "ok" (200), or "degraded: <why>" (503) while the health provider says so
//   GET /            the operator's console (web/, compiled in; MetricsServerOptions::console)
//   GET /api/v1/events   Server-Sent Events: `event: stats` with the stats JSON every second
//   GET|POST /api/v1/<path>   the api provider's JSON answer (commands through the running
//                    process, e.g. `smartcar replay` beside a live run); 404 without one
//   anything else    404 with a body naming the paths above
//
// The server knows nothing of the pipeline: it calls the providers it is given on each request,
// on its own worker threads, so providers must be safe to call from any thread.
//
//   auto server = MetricsServer::Start(options, providers);   // Binds now; errors say why.
//   ... (*server)->url() ...                                  // http://127.0.0.1:9464
//   (*server)->Stop();                                        // Also done by the destructor.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/status.h"

namespace smartcar::server {

struct MetricsServerOptions {
  // Address to bind. Default loopback only; "0.0.0.0" exposes the endpoint to the network.
  std::string host = "127.0.0.1";
  // TCP port; 0 picks a free port (read it back with port()). 9464 is the default of `run`.
  int port = 0;
  // Worker threads answering requests; each open event stream (GET /api/v1/events) holds one, and
  // at most threads - 2 may be open, so scrapes and the API always have two.
  int threads = 4;
  // Serve the operator's console (GET /, /ui/...); false: `--ui off`.
  bool console = true;
};

// Requests per second (and burst) one client address may make under /api/v1/: 429 beyond.
inline constexpr double kApiRequestsPerSecond = 50;
inline constexpr double kApiRequestsBurst = 200;

// A request under /api/v1/: "GET" or "POST", the path after /api/v1/ ("replay"), the query
// parameters (and those of a form-encoded POST body), and the body of any other POST (at most
// kMaxApiBody bytes: a larger request is answered 413 before it reaches the provider).
struct ApiRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> params;
  std::string body;
  std::string token;  // The X-Smartcar-Token header (mutating paths check it).
};
inline constexpr size_t kMaxApiBody = 1 << 20;
// Status code and JSON body.
struct ApiResponse {
  int status = 200;
  std::string body;
};

struct MetricsProviders {
  std::function<std::string()> metrics;     // Body of GET /metrics (Prometheus text).
  std::function<std::string()> stats_json;  // Body of GET /stats.json.
  // "" when healthy, else why not (GET /healthz answers 503). May be empty: always healthy.
  std::function<std::string()> health;
  // Answers GET and POST /api/v1/... May be empty: those paths are 404.
  std::function<ApiResponse(const ApiRequest&)> api;
};

class MetricsServer {
 public:
  // Binds host:port and starts answering. IOError "cannot listen on HOST:PORT: address in use"
  // (or the system's reason); InvalidArgument for a port outside 0..65535 or a missing provider.
  static Result<std::unique_ptr<MetricsServer>> Start(const MetricsServerOptions& options,
                                                      MetricsProviders providers);
  // Stops the server (see Stop()).
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Stops accepting, finishes requests in progress and joins the threads. Idempotent.
  void Stop();
  // The bound port (the chosen one when options.port was 0).
  int port() const;
  const std::string& host() const;
  // "http://HOST:PORT".
  std::string url() const;

  class Impl;

 private:
  explicit MetricsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace smartcar::server
