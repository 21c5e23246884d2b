#include "pipeline/worker.h"

#include <chrono>
#include <mutex>

#include "hot/hot_store.h"
#include "pipeline/smartcar_topology.h"
#include "pipeline/stores.h"
#include "queue/log.h"
#include "table/table.h"

namespace smartcar::pipeline {
namespace {

std::string PartitionList(const std::vector<int32_t>& ps) {
  std::string s = "[";
  for (size_t i = 0; i < ps.size(); ++i) s += (i ? ", " : "") + std::to_string(ps[i]);
  return s + "]";
}

}  // namespace

Status RunWorker(const WorkerOptions& o, WorkerReport* report) {
  auto stores = OpenStores(o);
  if (!stores) return stores.error();
  DataFolderOwner owner(o.data_dir, "smartcar worker");

  PipelineCounters counters;
  std::mutex assignment_mu;
  std::vector<int32_t> assignment;
  PipelineOptions po = PipelineOptionsFor(*stores, o);
  po.counters = &counters;
  EngineHealth health;
  po.health = &health;
  po.drain_when_idle_ms = o.until_idle_ms > 0 ? o.until_idle_ms : 0;
  po.on_assignment = [&](const std::vector<int32_t>& ps) {
    {
      std::lock_guard<std::mutex> l(assignment_mu);
      assignment = ps;
    }
    if (o.status_out != nullptr) {
      std::fprintf(o.status_out, "%ssmartcar worker: assigned partitions %s of %s\n",
                   o.status_is_tty ? "\r\n" : "", PartitionList(ps).c_str(), kDriverTopic);
      std::fflush(o.status_out);
    }
  };
  auto topo = BuildSmartCarTopology(po);
  if (!topo) return topo.error().WithPrefix("topology: ");

  const auto start = std::chrono::steady_clock::now();
  auto print = [&](bool final) {
    if (o.status_out == nullptr) return;
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::vector<int32_t> ps;
    {
      std::lock_guard<std::mutex> l(assignment_mu);
      ps = assignment;
    }
    const std::string degraded = health.Describe();
    std::fprintf(o.status_out,
                 "%spartitions %s | consumed %llu | stored %llu (%.0f/s) | detections %llu | "
                 "rejected %llu%s%s%s",
                 o.status_is_tty ? "\r" : "", PartitionList(ps).c_str(),
                 static_cast<unsigned long long>(counters.consumed.load()),
                 static_cast<unsigned long long>(counters.stored.load()),
                 secs > 0 ? static_cast<double>(counters.stored.load()) / secs : 0.0,
                 static_cast<unsigned long long>(counters.detections.load()),
                 static_cast<unsigned long long>(counters.rejected.load()),
                 degraded.empty() ? "" : " | DEGRADED: ", degraded.c_str(),
                 (o.status_is_tty && !final) ? "   " : "\n");
    std::fflush(o.status_out);
  };

  SMARTCAR_RETURN_IF_ERROR((*topo)->Submit());
  Status result;
  while (true) {
    if (o.stop != nullptr && o.stop->load()) {
      // No new records; queued tuples execute and acked offsets are committed (no further than
      // the first event of an open window: the next owner rebuilds it).
      Status s = (*topo)->Shutdown(std::chrono::seconds(60));
      if (!s.ok()) result = s.WithPrefix("topology: ");
      break;
    }
    // Returns OK once the spout has ended the input (idle) and everything is settled.
    Status s = (*topo)->Run(std::chrono::milliseconds(1000));
    if (s.code() != Status::Code::kBusy) {
      if (!s.ok()) result = s.WithPrefix("topology: ");
      break;
    }
    print(false);
  }
  print(true);
  if (report != nullptr) {
    report->consumed = counters.consumed;
    report->stored = counters.stored;
    report->detections = counters.detections;
    report->rejected = counters.rejected;
    report->late = counters.late;
    std::lock_guard<std::mutex> l(assignment_mu);
    report->partitions = assignment;
  }
  return result;
}

}  // namespace smartcar::pipeline
