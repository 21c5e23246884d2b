// HttpGet and HttpPost: plain HTTP requests to a live run's endpoint (`smartcar topology stats`,
// `smartcar replay` beside a live run).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/status.h"

namespace smartcar::server {

struct HttpResponse {
  int status = 0;            // HTTP status code, e.g. 200.
  std::string content_type;  // The Content-Type header, empty if none.
  std::string body;
};

// GETs `url` ("http://HOST:PORT/PATH"; "HOST:PORT/PATH" is taken as http). Any HTTP status is a
// response; IOError when nothing answers within `timeout` (connection refused, timeout);
// InvalidArgument for a URL that is not http://HOST[:PORT][/PATH].
Result<HttpResponse> HttpGet(std::string_view url,
                             std::chrono::milliseconds timeout = std::chrono::seconds(2));
// POSTs an empty body to `url` (parameters in its query string), with `token` (when not empty)
// in an X-Smartcar-Token header (the API's paths that change something need it); otherwise as
// HttpGet.
Result<HttpResponse> HttpPost(std::string_view url,
                              std::chrono::milliseconds timeout = std::chrono::seconds(2),
                              std::string_view token = {});

// `value` percent-encoded for a URL's query string (cpp-httplib's encoding).
std::string QueryParam(std::string_view value);

}  // namespace smartcar::server
