// PipelineSession: the stores, topology, metrics endpoint, status line and run-to-end loop that
// `smartcar run` and `smartcar worker` share.
#include "pipeline/session.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "core/version.h"

namespace smartcar::pipeline {
namespace {

// Writes the API token readable by its owner only (0600 from the start, never world-readable).
Status WriteToken(const std::string& path, const std::string& token) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError(path + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);  // an older file kept its mode through O_TRUNC
  const std::string line = token + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  return ok ? Status::OK() : Status::IOError(path + ": cannot write the API token");
}

// Events behind the log's end above which the status line says the pipeline is catching up.
constexpr int64_t kCatchingUpLag = 10'000;
// Nothing stored for this long with a lag: the status line says it is stalled, and why.
constexpr auto kStalledAfter = std::chrono::seconds(10);

// Why nothing moves: the spout at max pending (a sink does not ack), a bolt's full queue (the
// slowest stage), or nothing to read.
std::string StallReason(const topology::Topology& topo) {
  const topology::TopologyStats stats = topo.Stats();
  const topology::TopologyConfig& config = topo.config();
  std::string fullest;
  uint64_t depth = 0;
  for (const auto& c : stats.components) {
    if (c.is_spout && c.total.pending >= static_cast<uint64_t>(config.max_spout_pending)) {
      return "spout pending full (" + std::to_string(c.total.pending) + "), waiting for acks";
    }
    if (!c.is_spout && c.total.queue_depth > depth) {
      depth = c.total.queue_depth;
      fullest = c.id;
    }
  }
  if (!fullest.empty())
    return "slowest bolt '" + fullest + "' (" + std::to_string(depth) + " queued)";
  return "waiting for the log";
}

}  // namespace

PipelineSession::PipelineSession(const PipelineSettings& settings) : settings_(settings) {}

PipelineSession::~PipelineSession() {
  metrics_.reset();  // Before the topology it reads.
  RemoveToken();
  if (topology_ != nullptr) topology_->Stop();
}

void PipelineSession::RemoveToken() {
  if (token_path_.empty()) return;
  ::unlink(token_path_.c_str());
  token_path_.clear();
}

Result<std::unique_ptr<PipelineSession>> PipelineSession::Open(
    const PipelineSettings& settings, const std::string& command,
    const std::function<void(PipelineOptions*)>& configure) {
  std::unique_ptr<PipelineSession> s(new PipelineSession(settings));
  auto stores = OpenStores(settings);
  if (!stores) return Err(stores.error());
  s->stores_ = std::move(*stores);
  s->owner_ = std::make_unique<DataFolderOwner>(settings.data_dir, command);
  s->serve_replays_ = command != "smartcar replay";
  if (s->stores_.coordinator != nullptr && s->serve_replays_) {
    coord::MemberInfo self;
    self.command = command;
    self.version = kSmartcarVersion;
    auto m = coord::Membership::Join(s->stores_.coordinator.get(), self);
    if (!m) return Err(m.error().WithPrefix("coordination: "));
    s->membership_ = std::move(*m);
  }
  PipelineOptions po = PipelineOptionsFor(s->stores_, settings);
  po.membership = s->membership_.get();
  po.counters = &s->counters_;
  po.health = &s->health_;
  po.intake_paused = &s->intake_paused_;
  if (configure) configure(&po);
  s->topic_ = po.topic;
  s->group_ = po.group;
  if (s->membership_ != nullptr) {
    // Members publish the partitions they consume (cluster status).
    coord::Membership* m = s->membership_.get();
    po.on_assignment = [m, then = po.on_assignment](const std::vector<int32_t>& ps) {
      m->SetPartitions(ps);
      if (then) then(ps);
    };
  }
  auto topo = BuildSmartCarTopology(po);
  if (!topo) return Err(topo.error().WithPrefix("topology: "));
  s->topology_ = std::move(*topo);
  return s;
}

Status PipelineSession::Start(StatusFn status, RunMetrics::CountersFn counters,
                              RunMetrics::CollectorFn collector) {
  status_ = std::move(status);
  last_disk_check_ = std::chrono::steady_clock::now();
  CheckDisk();  // Before anything is written.
  SMARTCAR_RETURN_IF_ERROR(topology_->Submit());
  metrics_ = std::make_unique<RunMetrics>(settings_.data_dir, topology_.get(), std::move(counters));
  if (serve_replays_) replay_ = std::make_unique<ReplayService>(&stores_, settings_);
  // The API's mutating paths need this run's token (DATA/console-token, printed below), made
  // only when an endpoint is to be served, and removed when the run ends.
  std::string token;
  if (settings_.metrics_port >= 0) {
    token = ConsoleApi::NewToken();
    token_path_ = DataFolder(settings_.data_dir).ConsoleToken();
    if (Status s = WriteToken(token_path_, token); !s.ok()) {
      token.clear();  // no changes through the API without a token the operator can read
      token_path_.clear();
      if (settings_.status_out != nullptr) {
        std::fprintf(settings_.status_out, "warning: API changes off: %s\n", s.message().c_str());
      }
    }
  }
  ConsoleApi::Options api;
  api.data_dir = settings_.data_dir;
  api.rules_dir = settings_.rules_dir;
  api.replay = replay_.get();
  api.token = token;
  api.console = settings_.console;
  api.history = [this] { return metrics_->HistoryJson(); };
  api_ = std::make_unique<ConsoleApi>(&stores_, std::move(api));
  metrics_->SetConsole(settings_.console);
  if (collector) metrics_->SetCollectorFn(std::move(collector));
  metrics_->SetAreasFn([this] { return AreaEventList(counters_); });
  metrics_->SetProgressFn([this](server::StatsSnapshot* s) { FillProgress(s); });
  metrics_->SetApiFn([this](const server::ApiRequest& r) { return api_->Handle(r); });
  metrics_->SetHealthFn([this] { return health_.Describe(); });
  metrics_->SetStateFn([this] {
    std::lock_guard<std::mutex> lock(state_mu_);
    return state_;
  });
  metrics_->Start(settings_.metrics_host, settings_.metrics_port, settings_.status_out);
  if (metrics_->url().empty()) {
    RemoveToken();  // no endpoint (its port was busy): no token to use
  } else if (!token.empty() && settings_.status_out != nullptr) {
    std::fprintf(
        settings_.status_out,
        "console API token (X-Smartcar-Token, for deploy, rollback and replay): %s (also in %s)\n",
        token.c_str(), token_path_.c_str());
  }
  if (membership_ != nullptr) membership_->SetMetricsUrl(metrics_->url());
  return Status::OK();
}

std::string PipelineSession::State(const StatusInput& in, bool final) {
  if (final) return "";
  const auto now = std::chrono::steady_clock::now();
  const uint64_t stored = counters_.stored.load();
  if (stored != last_stored_ || in.lag <= 0) {
    last_stored_ = stored;
    last_move_ = now;
  }
  std::string state;
  if (in.lag > 0 && now - last_move_ >= kStalledAfter) {
    state = "STALLED: " + StallReason(*topology_);
  } else if (in.lag > kCatchingUpLag) {
    state =
        "catching up (lag " + std::to_string(in.lag) + " events" +
        (in.event_lag_ms >= 0 ? ", " + std::to_string(in.event_lag_ms / 1000) + " s of event time"
                              : std::string()) +
        ")";
  }
  if (const std::string degraded = health_.Describe(); !degraded.empty()) {
    state = "DEGRADED: " + degraded + (state.empty() ? "" : " | " + state);
  }
  return state;
}

void PipelineSession::PrintStatus(bool final) {
  last_print_ = std::chrono::steady_clock::now();
  const StatusInput in = status_ ? status_() : StatusInput{};
  std::string state = State(in, final);
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    state_ = state;
    event_lag_ms_ = in.event_lag_ms;
  }
  if (settings_.status_out == nullptr) return;
  const double seconds = std::chrono::duration<double>(last_print_ - start_).count();
  const PipelineCounters& c = counters_;
  const double rate = seconds > 0 ? static_cast<double>(c.stored.load()) / seconds : 0;
  if (!state.empty()) state = " | " + state;
  std::fprintf(settings_.status_out,
               "%s%s | stored %llu (%.0f/s) | detections %llu | rejected %llu | late %llu%s%s%s%s",
               settings_.status_is_tty ? "\r" : "", in.head.c_str(),
               static_cast<unsigned long long>(c.stored.load()), rate,
               static_cast<unsigned long long>(c.detections.load()),
               static_cast<unsigned long long>(c.rejected.load()),
               static_cast<unsigned long long>(c.late.load()), in.tail.empty() ? "" : " | ",
               in.tail.c_str(), state.c_str(), (settings_.status_is_tty && !final) ? "   " : "\n");
  std::fflush(settings_.status_out);
}

void PipelineSession::FillProgress(server::StatsSnapshot* s) {
  {
    std::lock_guard<std::mutex> lock(progress_mu_);
    const auto now = std::chrono::steady_clock::now();
    // The final snapshot reads them again: it must show the final commit.
    if (s->final || progress_read_ == std::chrono::steady_clock::time_point{} ||
        now - progress_read_ >= std::chrono::seconds(2)) {
      progress_read_ = now;
      partitions_.clear();
      if (auto topic = stores_.log->DescribeTopic(topic_)) {
        auto group = stores_.log->DescribeGroup(group_);  // NotFound before its first commit.
        for (const queue::PartitionState& p : topic->partitions) {
          server::PartitionProgress pp;
          pp.partition = p.partition.value;
          pp.latest = p.latest.value;
          pp.lag = p.latest.value - p.earliest.value;
          for (const queue::GroupPartitionLag& g :
               group ? group->partitions : std::vector<queue::GroupPartitionLag>{}) {
            if (g.tp.topic == topic_ && g.tp.partition == p.partition) {
              pp.committed = g.committed.value;
              pp.lag = g.lag;
            }
          }
          partitions_.push_back(pp);
        }
      }
    }
    s->partitions = partitions_;
  }
  s->consumer_group = group_;
  int64_t watermark = 0;
  for (server::PartitionProgress& p : s->partitions) {
    if (p.partition < 0 || p.partition >= PipelineCounters::kTrackedPartitions) continue;
    p.event_time_ms = counters_.partition_event_time_ms[static_cast<size_t>(p.partition)].load(
        std::memory_order_relaxed);
    if (p.event_time_ms > 0 && (watermark == 0 || p.event_time_ms < watermark)) {
      watermark = p.event_time_ms;
    }
  }
  s->event_time.watermark_ms = watermark;
  s->event_time.newest_ms = counters_.event_time_ms.load();
  std::lock_guard<std::mutex> lock(state_mu_);
  s->event_time.written_lag_ms = event_lag_ms_;
}

void PipelineSession::Tick() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_disk_check_ >= std::chrono::milliseconds(250)) {
    last_disk_check_ = now;
    CheckDisk();
  }
  if (now - last_print_ >= std::chrono::seconds(1)) PrintStatus(false);
}

void PipelineSession::CheckDisk() {
  if (settings_.disk_min_free_bytes == 0) return;
  auto space = storage::GetDiskSpace(settings_.data_dir);
  if (!space) return;  // Unknown: never pause on a guess.
  const uint64_t min_free = settings_.disk_min_free_bytes > 0
                                ? static_cast<uint64_t>(settings_.disk_min_free_bytes)
                                : std::min<uint64_t>(1'000'000'000, space->total_bytes / 20);
  const bool was_paused = disk_watermark_.paused();
  const std::string engine = "disk " + settings_.data_dir;
  if (disk_watermark_.Check(space->available_bytes, min_free)) {
    if (!was_paused) {
      counters_.disk_pauses++;
      intake_paused_ = true;
    }
    // One ending for every reason, so the message reads the same from one check to the next.
    std::string why = storage::FormatBytes(space->available_bytes) + " free, ";
    if (space->available_bytes < min_free) {
      why += "below";
    } else if (!was_paused) {
      why += storage::FormatBytes(disk_watermark_.taken()) +
             " taken since the last check: the next would find less than";
    } else {
      why += "near";
    }
    why += " the minimum of " + storage::FormatBytes(min_free) +
           " (disk.min_free): intake paused until " +
           storage::FormatBytes(storage::DiskWatermark::ResumeAt(min_free)) + " are free";
    health_.Degraded(engine, why);
  } else if (was_paused) {
    intake_paused_ = false;
    health_.Recovered(engine);
  }
}

Status PipelineSession::RunToEnd() {
  while (true) {
    if (settings_.stop != nullptr && settings_.stop->load()) return Shutdown();
    // OK once every spout has finished (end of input, or idle) and everything is settled.
    Status s = topology_->Run(std::chrono::milliseconds(200));
    if (s.code() != Status::Code::kBusy) return s.ok() ? s : s.WithPrefix("topology: ");
    Tick();
  }
}

Status PipelineSession::Shutdown() {
  // No new records; queued tuples execute and acked offsets are committed (no further than the
  // first event of an open window: the next run rebuilds it).
  Status s = topology_->Shutdown(std::chrono::seconds(60));
  return s.ok() ? s : s.WithPrefix("topology: ");
}

void PipelineSession::Finish() {
  if (metrics_ != nullptr) {
    if (Status ms = metrics_->Finish(); !ms.ok() && settings_.status_out != nullptr) {
      std::fprintf(settings_.status_out, "warning: %s\n", ms.message().c_str());
    }
  }
  PrintStatus(true);
}

}  // namespace smartcar::pipeline
