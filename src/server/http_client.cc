// HttpGet and HttpPost with cpp-httplib's client: splits http://HOST:PORT/PATH and applies the
// one timeout to connecting, reading and writing.
#include "server/http_client.h"

#include <httplib.h>

namespace smartcar::server {

namespace {

Result<HttpResponse> Request(bool post, std::string_view url, std::chrono::milliseconds timeout,
                             std::string_view token) {
  std::string_view rest = url;
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (rest.find("://") != std::string_view::npos) {
    return Err(Status::InvalidArgument("'" + std::string(url) + "': only http:// URLs are read"));
  }
  const size_t slash = rest.find('/');
  const std::string authority(rest.substr(0, slash));
  const std::string path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (authority.empty()) {
    return Err(
        Status::InvalidArgument("'" + std::string(url) + "': no host (want http://HOST:PORT)"));
  }
  httplib::Client client("http://" + authority);
  if (!client.is_valid()) {
    return Err(Status::InvalidArgument("'" + std::string(url) + "' is not a valid http URL"));
  }
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("X-Smartcar-Token", std::string(token));
  httplib::Result r = post ? client.Post(path, headers) : client.Get(path, headers);
  if (!r) {
    return Err(Status::IOError((post ? "POST " : "GET ") + std::string(url) + ": " +
                               httplib::to_string(r.error())));
  }
  HttpResponse out;
  out.status = r->status;
  out.content_type = r->get_header_value("Content-Type");
  out.body = std::move(r->body);
  return out;
}

}  // namespace

Result<HttpResponse> HttpGet(std::string_view url, std::chrono::milliseconds timeout) {
  return Request(false, url, timeout, {});
}

Result<HttpResponse> HttpPost(std::string_view url, std::chrono::milliseconds timeout,
                              std::string_view token) {
  return Request(true, url, timeout, token);
}

std::string QueryParam(std::string_view value) {
  return httplib::detail::encode_query_param(std::string(value));
}

}  // namespace smartcar::server
