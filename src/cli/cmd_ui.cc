// `smartcar ui --data DIR`: the operator's console for a data folder no run holds (its stores
// opened read-only, as of the start), or, when a live `smartcar run` or `worker` owns the folder,
// the address of that process's console.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "cli/stop_signal.h"
#include "core/file.h"
#include "pipeline/console_api.h"
#include "pipeline/settings.h"
#include "pipeline/stores.h"
#include "server/metrics_server.h"
#include "server/stats_json.h"

namespace smartcar::cli {
namespace {

constexpr const char* kCmd = "smartcar ui";

struct UiFlags {
  std::string data = "smartcar-data";
  std::string rules = "rules";
  std::string host = "127.0.0.1";
  int port = 9464;
  std::string redis;
};

// The last run's stats (DATA/topology-stats.json, final or periodic), saying that nothing runs;
// read and parsed again only when the file changed (every /stats.json, /metrics and each second
// of an event stream asks).
class LastStats {
 public:
  explicit LastStats(std::string data_dir) : data_dir_(std::move(data_dir)) {}

  server::StatsSnapshot Get() {
    const std::string path = pipeline::DataFolder(data_dir_).Stats();
    std::error_code ec;
    const auto mtime = std::filesystem::last_write_time(path, ec);
    const auto size = ec ? 0 : std::filesystem::file_size(path, ec);
    std::lock_guard<std::mutex> lock(mu_);
    if (!read_ || ec || mtime != mtime_ || size != size_) {
      server::StatsSnapshot s;
      if (auto text = ReadFileToString(path); text) {
        if (auto parsed = server::SnapshotFromJson(*text); parsed) s = std::move(*parsed);
      }
      s.state = s.time_ms > 0 ? "no run: the last run's stats (" + path + ")"
                              : "no run: no stats in " + data_dir_ + " yet";
      snapshot_ = std::move(s);
      read_ = !ec;
      mtime_ = mtime;
      size_ = size;
    }
    return snapshot_;
  }

 private:
  const std::string data_dir_;
  std::mutex mu_;
  bool read_ = false;                      // GUARDED_BY(mu_)
  std::filesystem::file_time_type mtime_;  // GUARDED_BY(mu_)
  uintmax_t size_ = 0;                     // GUARDED_BY(mu_)
  server::StatsSnapshot snapshot_;         // GUARDED_BY(mu_)
};

int RunUi(const UiFlags& f) {
  if (auto live = pipeline::LiveEndpointOf(f.data)) {
    std::printf("%s: %s serves this folder's console: %s/\n", kCmd,
                pipeline::OwnerOf(f.data).empty() ? ("pid " + std::to_string(live->pid)).c_str()
                                                  : pipeline::OwnerOf(f.data).c_str(),
                live->url.c_str());
    return kExitOk;
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(f.data, ec)) {
    std::fprintf(stderr, "%s: no data folder %s (--data DIR; `smartcar run` makes one)\n", kCmd,
                 f.data.c_str());
    return kExitUsage;
  }
  pipeline::PipelineSettings settings;
  settings.data_dir = f.data;
  settings.rules_dir = f.rules;
  settings.redis = f.redis;
  auto stores = pipeline::OpenStoresReadOnly(settings);
  if (!stores) {
    std::fprintf(stderr, "%s: %s\n", kCmd, stores.error().message().c_str());
    return stores.error().IsNotFound() ? kExitUsage : kExitFailure;
  }
  pipeline::ConsoleApi::Options o;
  o.data_dir = f.data;
  o.rules_dir = f.rules;
  // Printed, not written to DATA/console-token (that file belongs to a live run's endpoint).
  o.token = pipeline::ConsoleApi::NewToken();
  pipeline::ConsoleApi api(&*stores, o);
  server::MetricsProviders providers;
  auto last = std::make_shared<LastStats>(f.data);
  providers.stats_json = [last] { return server::SnapshotToJson(last->Get()); };
  providers.metrics = [last] { return server::FormatSnapshotPrometheus(last->Get()); };
  providers.api = [&api](const server::ApiRequest& r) { return api.Handle(r); };
  server::MetricsServerOptions so;
  so.host = f.host;
  so.port = f.port;
  auto server = server::MetricsServer::Start(so, std::move(providers));
  if (!server) {
    std::fprintf(stderr, "%s: %s (choose another with --port N, 0 = any free port)\n", kCmd,
                 server.error().message().c_str());
    return kExitFailure;
  }
  std::printf(
      "console: %s/ (API %s/api/v1/) for %s, read-only as of now (no run holds it); Ctrl-C stops\n"
      "console API token (X-Smartcar-Token, for SQL and deploy): %s\n",
      (*server)->url().c_str(), (*server)->url().c_str(), f.data.c_str(), o.token.c_str());
  std::fflush(stdout);
  std::atomic<bool>& stop = StopOnSignals();
  while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  (*server)->Stop();
  return kExitOk;
}

}  // namespace

void RegisterUi(CLI::App* app, int* exit_code) {
  auto f = std::make_shared<UiFlags>();
  CLI::App* cmd = app->add_subcommand(
      "ui",
      "Serve the operator's console (docs/API.md) for a data folder no run holds: its tables,\n"
      "detections, rules (with backtests), SQL, and the last run's stats, read as of the start.\n"
      "When a live `smartcar run` or `worker` owns the folder, prints that console's address.");
  cmd->add_option("--data", f->data, "Data folder")->capture_default_str();
  cmd->add_option("--rules", f->rules, "Rules folder shown on the rules page")
      ->capture_default_str();
  cmd->add_option("--port", f->port, "Port (0 = any free port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--host", f->host, "Address to bind (0.0.0.0 exposes it to the network)")
      ->capture_default_str();
  cmd->add_option("--redis", f->redis, "The hot store is this Redis HOST:PORT");
  cmd->callback([f, exit_code] { *exit_code = RunUi(*f); });
}

}  // namespace smartcar::cli
