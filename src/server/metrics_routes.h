// The metrics endpoint's routes on a cpp-httplib server (internal to server/; also used by
// fuzz/server_http_fuzz.cc to feed raw requests through the same handlers).
#pragma once

#include <httplib.h>

#include "server/metrics_server.h"

namespace smartcar::server {

// GET /metrics, /stats.json, /healthz, and a 404/405 body naming them. `providers` must outlive
// `server`.
void AddMetricsRoutes(httplib::Server* server, const MetricsProviders* providers);

}  // namespace smartcar::server
