// libFuzzer target for the metrics endpoint's request path: raw bytes arrive on a connection
// and go through cpp-httplib's request parsing and our routes (server/metrics_routes.h), as
// MetricsServer serves them. Nothing may crash, and whatever is written back is an HTTP/1.1
// response (status line first).
#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "server/metrics_routes.h"

namespace {

// A connection whose reads return the fuzzer's bytes and whose writes are kept.
class FuzzStream final : public httplib::Stream {
 public:
  FuzzStream(const uint8_t* data, size_t size)
      : data_(reinterpret_cast<const char*>(data)), size_(size) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, size_ - pos_);
    std::copy(data_ + pos_, data_ + pos_ + n, ptr);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 40000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 9464;
  }
  socket_t socket() const override { return 0; }
  const std::string& out() const { return out_; }

 private:
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
  std::string out_;
};

class FuzzServer final : public httplib::Server {
 public:
  bool Process(httplib::Stream& s) {
    bool closed = false;
    return process_request(s, /*close_connection=*/true, closed, nullptr);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const smartcar::server::MetricsProviders providers{
      [] { return std::string("smartcar_events_total 1\n"); },
      [] { return std::string("{\"events\":1}"); }, [] { return std::string(); },
      [](const smartcar::server::ApiRequest& req) {  // /api/v1/...: echoes what it was given.
        std::string body = req.method + " " + req.path;
        for (const auto& [k, v] : req.params) body += " " + k + "=" + v;
        return smartcar::server::ApiResponse{200, body};
      }};
  static FuzzServer* server = [] {
    auto* s = new FuzzServer();
    // Stopping: an event stream sends its first event and ends (a fuzz input cannot hang it).
    static smartcar::server::RouteState state;
    state.stopping = true;
    state.limit_rate = false;
    smartcar::server::AddMetricsRoutes(s, &providers, &state);
    return s;
  }();
  FuzzStream stream(data, size);
  server->Process(stream);
  if (!stream.out().empty() && stream.out().rfind("HTTP/1.1 ", 0) != 0) __builtin_trap();
  return 0;
}
