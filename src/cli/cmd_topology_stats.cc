// `smartcar topology stats`: the topology's per-component numbers (Storm UI's table) from a live
// `smartcar run` (its HTTP endpoint, found through DATA/metrics.json or --url), or else the
// snapshot the last finished run left in DATA/topology-stats.json.
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "core/event_time.h"
#include "core/file.h"
#include "pipeline/settings.h"
#include "server/http_client.h"
#include "server/stats_json.h"

namespace smartcar::cli {
namespace {

namespace fs = std::filesystem;

struct TopologyStatsFlags {
  std::string data = "./smartcar-data";
  std::string url;
  std::string format = "table";
};

std::string UtcTime(int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

bool ReadWholeFile(const fs::path& path, std::string* out) {
  auto text = ReadFileToString(path.string());
  if (!text) return false;
  *out = std::move(*text);
  return true;
}

bool ProcessAlive(int64_t pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// GET <base>/stats.json.
Result<server::StatsSnapshot> FetchLive(const std::string& base) {
  std::string url = base;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/stats.json";
  auto r = server::HttpGet(url);
  if (!r) return Err(r.error());
  if (r->status != 200) {
    return Err(Status::IOError("GET " + url + ": HTTP " + std::to_string(r->status)));
  }
  auto snap = server::SnapshotFromJson(r->body);
  if (!snap) return Err(snap.error().WithPrefix("GET " + url + ": "));
  return snap;
}

int Print(const TopologyStatsFlags& f, const server::StatsSnapshot& s, const std::string& origin) {
  if (f.format == "json") {
    std::printf("%s\n", server::SnapshotToJson(s).c_str());
    return kExitOk;
  }
  if (f.format == "prometheus") {
    std::printf("%s", server::FormatSnapshotPrometheus(s).c_str());
    return kExitOk;
  }
  std::printf("topology %s, up %.1fs, %s\n", s.topology.name.c_str(), s.topology.uptime_seconds,
              origin.c_str());
  std::printf("%s", topology::FormatStatsTable(s.topology).c_str());
  std::string line;
  for (const auto& c : s.pipeline) {
    line += (line.empty() ? "pipeline: " : " | ") + c.name + " " + std::to_string(c.value);
  }
  if (!line.empty()) std::printf("%s\n", line.c_str());
  if (!s.state.empty()) std::printf("state: %s\n", s.state.c_str());
  if (s.event_time.watermark_ms != 0) {
    std::printf("event time: watermark %s, %lld s behind wall time\n",
                FormatIsoUtc(EventTimeMs{s.event_time.watermark_ms}).c_str(),
                static_cast<long long>((s.time_ms - s.event_time.watermark_ms) / 1000));
  }
  if (!s.partitions.empty()) {
    line = "consumer group " + s.consumer_group + ":";
    for (const auto& p : s.partitions) {
      line += " " + std::to_string(p.partition) + " lag " + std::to_string(p.lag) +
              (&p == &s.partitions.back() ? "" : ",");
    }
    std::printf("%s\n", line.c_str());
  }
  for (const auto& c : s.topology.components) {
    if (!c.last_error.empty()) {
      std::printf("last error in %s: %s\n", c.id.c_str(), c.last_error.c_str());
    }
  }
  return kExitOk;
}

int RunTopologyStats(const TopologyStatsFlags& f) {
  if (!f.url.empty()) {
    auto snap = FetchLive(f.url);
    if (!snap) {
      std::fprintf(stderr, "smartcar topology stats: %s\n", snap.error().message().c_str());
      return kExitFailure;
    }
    return Print(f, *snap, "live from " + f.url + " at " + UtcTime(snap->time_ms));
  }
  const fs::path data(f.data);
  std::string text;
  std::string note;  // Why the live endpoint was not used, if it was there.
  if (ReadWholeFile(data / pipeline::DataFolder::kMetricsFile, &text)) {
    auto info = server::EndpointInfoFromJson(text);
    if (!info) {
      note = (data / pipeline::DataFolder::kMetricsFile).string() + ": " + info.error().message();
    } else if (!ProcessAlive(info->pid)) {
      note =
          "the run that served " + info->url + " (pid " + std::to_string(info->pid) + ") is gone";
    } else {
      auto snap = FetchLive(info->url);
      if (snap) {
        return Print(f, *snap,
                     "live from " + info->url + " (pid " + std::to_string(info->pid) + ") at " +
                         UtcTime(snap->time_ms));
      }
      note = snap.error().message();
    }
  }
  const fs::path stats_path = data / pipeline::DataFolder::kStatsFile;
  if (!ReadWholeFile(stats_path, &text)) {
    std::fprintf(stderr,
                 "smartcar topology stats: '%s' has no live run (%s) and no stats from a "
                 "finished run (%s)%s%s; start one with `smartcar run --data %s`, or give "
                 "--url http://HOST:PORT\n",
                 f.data.c_str(), pipeline::DataFolder::kMetricsFile,
                 pipeline::DataFolder::kStatsFile, note.empty() ? "" : ": ", note.c_str(),
                 f.data.c_str());
    return kExitFailure;
  }
  auto snap = server::SnapshotFromJson(text);
  if (!snap) {
    std::fprintf(stderr, "smartcar topology stats: %s: %s\n", stats_path.string().c_str(),
                 snap.error().message().c_str());
    return kExitFailure;
  }
  if (!note.empty() && f.format == "table") {
    std::fprintf(stderr, "smartcar topology stats: not live: %s\n", note.c_str());
  }
  const std::string origin = snap->final
                                 ? "from a finished run (ended " + UtcTime(snap->time_ms) + ")"
                                 : "snapshot of " + UtcTime(snap->time_ms);
  return Print(f, *snap, origin);
}

}  // namespace

void RegisterTopologyStats(CLI::App* app, int* exit_code) {
  CLI::App* topology = nullptr;
  for (CLI::App* sub :
       app->get_subcommands([](CLI::App* a) { return a->get_name() == "topology"; })) {
    topology = sub;
  }
  if (topology == nullptr) {
    topology = app->add_subcommand("topology", "The topology runtime: stats");
    topology->require_subcommand(1);
  }
  auto f = std::make_shared<TopologyStatsFlags>();
  CLI::App* cmd = topology->add_subcommand(
      "stats",
      "Per-component numbers of the SmartCar topology (emitted, executed, acked, failed,\n"
      "capacity, p50/p99 latency, queue, pending) and the pipeline's counters.\n"
      "From the live run serving DATA/metrics.json (or --url), else from the snapshot the\n"
      "last finished run wrote to DATA/topology-stats.json.");
  cmd->add_option("--data", f->data, "Data folder of the run (default ./smartcar-data)");
  cmd->add_option("--url", f->url, "Read a live run's endpoint, e.g. http://127.0.0.1:9464");
  cmd->add_option("--format", f->format, "table (default), json or prometheus")
      ->check(CLI::IsMember({"table", "json", "prometheus"}));
  cmd->callback([f, exit_code] { *exit_code = RunTopologyStats(*f); });
}

}  // namespace smartcar::cli
