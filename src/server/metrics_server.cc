// MetricsServer on cpp-httplib: a small thread pool, SO_REUSEADDR without httplib's SO_REUSEPORT
// (so a second process cannot share the port); the routes are in server/metrics_routes.cc.
#include "server/metrics_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include "core/thread_name.h"
#include "server/metrics_routes.h"

namespace smartcar::server {

class MetricsServer::Impl {
 public:
  Impl(const MetricsServerOptions& o, MetricsProviders p)
      : host_(o.host), providers_(std::move(p)) {
    const int threads = o.threads < 1 ? 1 : o.threads;
    state_.console = o.console;
    state_.max_streams = std::max(0, threads - 2);
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    // httplib's default also sets SO_REUSEPORT, which would let a second process share the port
    // silently; SO_REUSEADDR alone still allows a quick restart but refuses a live listener.
    server_.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server_.set_keep_alive_timeout(1);
    server_.set_read_timeout(2);
    server_.set_write_timeout(2);
    AddMetricsRoutes(&server_, &providers_, &state_);
  }

  Status Bind(int port) {
    errno = 0;
    if (port == 0) {
      port_ = server_.bind_to_any_port(host_);
      if (port_ > 0) return Status::OK();
    } else if (server_.bind_to_port(host_, port)) {
      port_ = port;
      return Status::OK();
    }
    const int err = errno;
    std::string why = err == EADDRINUSE ? "address in use"
                      : err != 0        ? std::strerror(err)
                                        : "cannot bind (unknown host?)";
    return Status::IOError("cannot listen on " + host_ + ":" + std::to_string(port) + ": " + why);
  }

  void Run() {
    thread_ = std::thread([this] {
      NameThisThread("http");
      server_.listen_after_bind();
      listen_returned_ = true;
    });
  }

  void Stop() {
    std::lock_guard<std::mutex> lock(stop_mu_);
    if (!thread_.joinable()) return;
    // httplib ignores stop() until its accept loop has started; the loop may also have ended
    // on its own (is_running() is false again then).
    while (!server_.is_running() && !listen_returned_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    state_.stopping = true;  // open event streams end
    server_.stop();
    thread_.join();
  }

  const std::string host_;
  int port_ = 0;

 private:
  MetricsProviders providers_;
  RouteState state_;
  httplib::Server server_;
  std::thread thread_;
  std::atomic<bool> listen_returned_{false};
  std::mutex stop_mu_;  // Serializes Stop().
};

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const MetricsServerOptions& options,
                                                            MetricsProviders providers) {
  if (options.port < 0 || options.port > 65535) {
    return Err(Status::InvalidArgument("metrics port must be 0..65535, got " +
                                       std::to_string(options.port)));
  }
  if (!providers.metrics || !providers.stats_json) {
    return Err(Status::InvalidArgument("metrics server needs both providers"));
  }
  auto impl = std::make_unique<Impl>(options, std::move(providers));
  Status s = impl->Bind(options.port);
  if (!s.ok()) return Err(std::move(s));
  impl->Run();
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl)));
}

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MetricsServer::~MetricsServer() { Stop(); }
void MetricsServer::Stop() { impl_->Stop(); }
int MetricsServer::port() const { return impl_->port_; }
const std::string& MetricsServer::host() const { return impl_->host_; }
std::string MetricsServer::url() const {
  const bool v6 = impl_->host_.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + impl_->host_ + "]" : impl_->host_) + ":" +
         std::to_string(impl_->port_);
}

}  // namespace smartcar::server
