// The three GET routes of the metrics endpoint and the body of its 404s.
#include "server/metrics_routes.h"

#include <string>

#include "server/console_assets.h"

namespace smartcar::server {

void AddMetricsRoutes(httplib::Server* server, const MetricsProviders* providers) {
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
  server->Get("/", page(kConsoleIndexHtml, "text/html; charset=utf-8"));
  server->Get("/ui/app.js", page(kConsoleAppJs, "text/javascript; charset=utf-8"));
  server->Get("/ui/app.css", page(kConsoleAppCss, "text/css; charset=utf-8"));
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
                          "GET /stats.json, GET /healthz and /api/v1/\n",
                      "text/plain; charset=utf-8");
    }
  });
}

}  // namespace smartcar::server
