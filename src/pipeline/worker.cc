// RunWorker (`smartcar worker`): the session's topology alone on a consumer group's partitions,
// with a line per rebalance and the worker's report.
#include "pipeline/worker.h"

#include <chrono>
#include <mutex>

#include "pipeline/run_metrics.h"
#include "pipeline/session.h"

namespace smartcar::pipeline {
namespace {

std::string PartitionList(const std::vector<int32_t>& ps) {
  std::string s = "[";
  for (size_t i = 0; i < ps.size(); ++i) s += (i ? ", " : "") + std::to_string(ps[i]);
  return s + "]";
}

}  // namespace

void FillReport(const PipelineCounters& c, WorkerReport* report) {
  report->consumed = c.consumed;
  report->stored = c.stored;
  report->detections = c.detections;
  report->rejected = c.rejected;
  report->late = c.late;
}

Status RunWorker(const WorkerOptions& o, WorkerReport* report) {
  std::mutex assignment_mu;
  std::vector<int32_t> assignment;
  auto session = PipelineSession::Open(o, "smartcar worker", [&](PipelineOptions* po) {
    po->drain_when_idle_ms = o.until_idle_ms > 0 ? o.until_idle_ms : 0;
    po->on_assignment = [&](const std::vector<int32_t>& ps) {
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
  });
  if (!session) return session.error();
  PipelineSession& ps = **session;
  PipelineCounters& counters = ps.counters();
  SMARTCAR_RETURN_IF_ERROR(ps.Start(
      [&] {
        std::vector<int32_t> parts;
        {
          std::lock_guard<std::mutex> l(assignment_mu);
          parts = assignment;
        }
        StatusInput in;
        in.head = "partitions " + PartitionList(parts) + " | consumed " +
                  std::to_string(counters.consumed.load());
        return in;
      },
      [&] { return PipelineCounterList(counters, 0, 0); }));
  // Until idle (until_idle_ms) or *stop.
  Status result = ps.RunToEnd();
  ps.Finish();
  if (report != nullptr) {
    FillReport(counters, report);
    std::lock_guard<std::mutex> l(assignment_mu);
    report->partitions = assignment;
  }
  return result;
}

}  // namespace smartcar::pipeline
