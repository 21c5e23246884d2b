// The routes of the metrics endpoint: metrics, stats, health, the console's pages, the stats as
// Server-Sent Events, the API (rate-limited per client), and the body of its 404s.
#include "server/metrics_routes.h"

#include <algorithm>
#include <string>
#include <thread>

#include "server/console_assets.h"

namespace smartcar::server {

bool RateLimiter::Allow(const std::string& client) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  if (buckets_.size() > 4096) buckets_.clear();  // many addresses: start them all afresh
  auto [it, fresh] = buckets_.try_emplace(client, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
    b.at = now;
  }
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

namespace {

// One Server-Sent Events message: `event: NAME` and the data, a `data:` line per line of it.
std::string EventMessage(const char* name, const std::string& data) {
  std::string out = std::string("event: ") + name + "\n";
  size_t from = 0;
  while (true) {
    const size_t nl = data.find('\n', from);
    out += "data: " + data.substr(from, nl == std::string::npos ? nl : nl - from) + "\n";
    if (nl == std::string::npos || nl + 1 == data.size()) break;
    from = nl + 1;
  }
  return out + "\n";
}

// One chunk of GET /api/v1/events: a `stats` event, then, until the next is due, a comment line
// every 250 ms (a write to a client that has gone fails, the second after it closed, which frees
// this thread soon after). Ends the stream (done) when the server stops; false when the client
// went.
bool StreamStats(const MetricsProviders* providers, RouteState* state, httplib::DataSink& sink) {
  const std::string message = EventMessage("stats", providers->stats_json());
  if (!sink.write(message.data(), message.size())) return false;
  const auto next = std::chrono::steady_clock::now() + state->event_interval;
  auto beat = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < next) {
    if (state->stopping.load()) break;
    if (!sink.is_writable()) return false;
    if (std::chrono::steady_clock::now() - beat >= std::chrono::milliseconds(250)) {
      if (!sink.write(":\n", 2)) return false;
      beat = std::chrono::steady_clock::now();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (state->stopping.load()) sink.done();  // the stream's end, cleanly: the server stops
  return true;
}

// The stats as they change, pushed (the console's overview listens instead of polling): one
// `stats` event at once, then one per event_interval, on one of the server's threads; 429 when
// max_streams are open.
void OpenEventStream(const MetricsProviders* providers, RouteState* state, httplib::Response& res) {
  if (state->streams.fetch_add(1) >= state->max_streams) {
    state->streams.fetch_sub(1);
    res.status = 429;
    res.set_content("{\"error\":\"too many open event streams (at most " +
                        std::to_string(state->max_streams) + "); close one or poll /stats.json\"}",
                    "application/json");
    return;
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider(
      "text/event-stream",
      [providers, state](size_t, httplib::DataSink& sink) {
        return StreamStats(providers, state, sink);
      },
      [state](bool) { state->streams.fetch_sub(1); });
}

}  // namespace

void AddMetricsRoutes(httplib::Server* server, const MetricsProviders* providers,
                      RouteState* state) {
  server->Get("/metrics", [providers](const httplib::Request&, httplib::Response& res) {
    res.set_content(providers->metrics(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server->Get("/stats.json", [providers](const httplib::Request&, httplib::Response& res) {
    res.set_content(providers->stats_json(), "application/json");
  });
  server->Get("/healthz", [providers](const httplib::Request&, httplib::Response& res) {
    const std::string why = providers->health ? providers->health() : std::string();
    if (why.empty()) {
      res.set_content("ok\n", "text/plain; charset=utf-8");
    } else {
      res.status = 503;
      res.set_content("degraded: " + why + "\n", "text/plain; charset=utf-8");
    }
  });
  server->Get("/api/v1/events",
              [providers, state](const httplib::Request&, httplib::Response& res) {
                OpenEventStream(providers, state, res);
              });
  auto api = [providers](const httplib::Request& req, httplib::Response& res) {
    if (!providers->api) {
      res.status = 404;
      return;
    }
    ApiRequest in;
    in.method = req.method;
    in.path = req.matches.size() > 1 ? std::string(req.matches[1]) : "";
    for (const auto& [k, v] : req.params) in.params[k] = v;
    in.token = req.get_header_value("X-Smartcar-Token");
    if (req.get_header_value("Content-Type") != "application/x-www-form-urlencoded") {
      in.body = req.body;
    }
    const ApiResponse out = providers->api(in);
    res.status = out.status;
    res.set_content(out.body, "application/json");
  };
  // The console: fixed pages compiled in (no file system behind these paths, so nothing else
  // can be reached through them), allowed to load only from this endpoint.
  auto page = [](std::string_view body, const char* type) {
    return [body, type](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Security-Policy", "default-src 'self'");
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_content(std::string(body), type);
    };
  };
  if (state->console) {
    server->Get("/", page(kConsoleIndexHtml, "text/html; charset=utf-8"));
    server->Get("/ui/app.js", page(kConsoleAppJs, "text/javascript; charset=utf-8"));
    server->Get("/ui/app.css", page(kConsoleAppCss, "text/css; charset=utf-8"));
  }
  // Each client address may make kApiRequestsPerSecond requests a second under /api/v1/.
  server->set_pre_routing_handler([state](const httplib::Request& req, httplib::Response& res) {
    if (!state->limit_rate || req.path.rfind("/api/v1/", 0) != 0 ||
        state->limiter.Allow(req.remote_addr)) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.status = 429;
    res.set_header("Retry-After", "1");
    res.set_content("{\"error\":\"more than " +
                        std::to_string(static_cast<int>(kApiRequestsPerSecond)) +
                        " API requests a second from " + req.remote_addr + "; slow down\"}",
                    "application/json");
    return httplib::Server::HandlerResponse::Handled;
  });
  server->set_payload_max_length(kMaxApiBody);
  server->Get(R"(/api/v1/(.*))", api);
  server->Post(R"(/api/v1/(.*))", api);
  // Unknown paths (and methods other than GET) get a body saying what exists.
  server->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 413) {
      res.set_content(
          "{\"error\":\"request body larger than " + std::to_string(kMaxApiBody) + " bytes\"}",
          "application/json");
      return;
    }
    if (res.status == 404 || res.status == 405) {
      res.set_content(std::to_string(res.status) + " " + req.method + " " + req.path +
                          ": not found; this endpoint serves the console at GET /, GET /metrics, "
                          "GET /stats.json, GET /healthz, GET /api/v1/events and /api/v1/\n",
                      "text/plain; charset=utf-8");
    }
  });
}

}  // namespace smartcar::server
