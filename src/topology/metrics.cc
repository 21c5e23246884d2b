// The latency histogram (log2 buckets split in 4) and the Prometheus text and fixed-width table
// renderings of TopologyStats (Storm UI's numbers).
#include "topology/metrics.h"

#include <algorithm>
#include <bit>
#include <cstdio>

namespace smartcar::topology {

int LatencyHistogram::BucketOf(uint64_t nanos) {
  if (nanos < 4) return static_cast<int>(nanos);
  const int log = 63 - std::countl_zero(nanos);                // >= 2
  const int sub = static_cast<int>((nanos >> (log - 2)) & 3);  // Next two bits.
  return std::min(kBuckets - 1, log * 4 + sub);
}

uint64_t LatencyHistogram::BucketUpper(int bucket) {
  if (bucket < 4) return static_cast<uint64_t>(bucket);
  const int log = bucket / 4;
  const uint64_t sub = static_cast<uint64_t>(bucket % 4);
  if (log >= 63) return UINT64_MAX;
  return (uint64_t{1} << log) + ((sub + 1) << (log - 2)) - 1;
}

void LatencyHistogram::Record(uint64_t nanos) {
  buckets_[BucketOf(nanos)].fetch_add(1, std::memory_order_relaxed);
}

uint64_t LatencyHistogram::count() const {
  uint64_t n = 0;
  for (const auto& b : buckets_) n += b.load(std::memory_order_relaxed);
  return n;
}

uint64_t LatencyHistogram::Quantile(double q) const {
  std::array<uint64_t, kBuckets> snap;
  uint64_t total = 0;
  for (int i = 0; i < kBuckets; ++i) total += snap[i] = buckets_[i].load(std::memory_order_relaxed);
  if (total == 0) return 0;
  const uint64_t rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(q * static_cast<double>(total) + 0.5));
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += snap[i];
    if (seen >= rank) return BucketUpper(i);
  }
  return BucketUpper(kBuckets - 1);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int i = 0; i < kBuckets; ++i) {
    buckets_[i].fetch_add(other.buckets_[i].load(std::memory_order_relaxed),
                          std::memory_order_relaxed);
  }
}

const ComponentStats* TopologyStats::Find(const std::string& id) const {
  for (const ComponentStats& c : components) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

namespace {

void Metric(std::string* out, const char* name, const char* type, const char* help) {
  *out += "# HELP smartcar_topology_";
  *out += name;
  *out += " ";
  *out += help;
  *out += "\n# TYPE smartcar_topology_";
  *out += name;
  *out += " ";
  *out += type;
  *out += "\n";
}

template <class F>
void Samples(std::string* out, const TopologyStats& stats, const char* name, F value) {
  for (const ComponentStats& c : stats.components) {
    for (const TaskStats& t : c.tasks) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.6g", value(t));
      *out += "smartcar_topology_";
      *out += name;
      *out += "{topology=\"" + stats.name + "\",component=\"" + c.id + "\",task=\"" +
              std::to_string(t.task_id) + "\"} " + buf + "\n";
    }
  }
}

}  // namespace

std::string FormatPrometheus(const TopologyStats& stats) {
  std::string out;
  auto d = [](uint64_t v) { return static_cast<double>(v); };
  Metric(&out, "emitted_total", "counter", "Tuples emitted.");
  Samples(&out, stats, "emitted_total", [&](const TaskStats& t) { return d(t.emitted); });
  Metric(&out, "executed_total", "counter", "Tuples executed by bolts.");
  Samples(&out, stats, "executed_total", [&](const TaskStats& t) { return d(t.executed); });
  Metric(&out, "acked_total", "counter", "Tuples (bolts) or messages (spouts) acked.");
  Samples(&out, stats, "acked_total", [&](const TaskStats& t) { return d(t.acked); });
  Metric(&out, "failed_total", "counter", "Tuples (bolts) or messages (spouts) failed.");
  Samples(&out, stats, "failed_total", [&](const TaskStats& t) { return d(t.failed); });
  Metric(&out, "timed_out_total", "counter", "Spout messages failed by timeout.");
  Samples(&out, stats, "timed_out_total", [&](const TaskStats& t) { return d(t.timed_out); });
  Metric(&out, "errors_total", "counter", "Errors returned by components.");
  Samples(&out, stats, "errors_total", [&](const TaskStats& t) { return d(t.errors); });
  Metric(&out, "capacity", "gauge", "Fraction of time the task was busy.");
  Samples(&out, stats, "capacity", [](const TaskStats& t) { return t.capacity; });
  Metric(&out, "latency_p50_seconds", "gauge",
         "Execute latency (bolts) or complete latency (spouts), median.");
  Samples(&out, stats, "latency_p50_seconds",
          [&](const TaskStats& t) { return d(t.latency_p50_ns) / 1e9; });
  Metric(&out, "latency_p99_seconds", "gauge",
         "Execute latency (bolts) or complete latency (spouts), 99th percentile.");
  Samples(&out, stats, "latency_p99_seconds",
          [&](const TaskStats& t) { return d(t.latency_p99_ns) / 1e9; });
  Metric(&out, "queue_depth", "gauge", "Tuples waiting in the task's input queue.");
  Samples(&out, stats, "queue_depth", [&](const TaskStats& t) { return d(t.queue_depth); });
  Metric(&out, "pending", "gauge", "Spout messages in flight.");
  Samples(&out, stats, "pending", [&](const TaskStats& t) { return d(t.pending); });
  return out;
}

namespace {

std::string Duration(uint64_t ns) {
  char buf[32];
  if (ns < 1000) {
    std::snprintf(buf, sizeof buf, "%lluns", static_cast<unsigned long long>(ns));
  } else if (ns < 1000000) {
    std::snprintf(buf, sizeof buf, "%.1fus", static_cast<double>(ns) / 1e3);
  } else if (ns < 1000000000) {
    std::snprintf(buf, sizeof buf, "%.1fms", static_cast<double>(ns) / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.2fs", static_cast<double>(ns) / 1e9);
  }
  return buf;
}

}  // namespace

std::string FormatStatsTable(const TopologyStats& stats) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-16s %5s %12s %12s %12s %9s %8s %9s %9s %7s %8s\n",
                "component", "tasks", "emitted", "executed", "acked", "failed", "capacity", "p50",
                "p99", "queue", "pending");
  out += line;
  for (const ComponentStats& c : stats.components) {
    const TaskStats& t = c.total;
    std::snprintf(
        line, sizeof line, "%-16s %5zu %12llu %12llu %12llu %9llu %8.3f %9s %9s %7llu %8llu\n",
        c.id.c_str(), c.tasks.size(), static_cast<unsigned long long>(t.emitted),
        static_cast<unsigned long long>(t.executed), static_cast<unsigned long long>(t.acked),
        static_cast<unsigned long long>(t.failed), t.capacity, Duration(t.latency_p50_ns).c_str(),
        Duration(t.latency_p99_ns).c_str(), static_cast<unsigned long long>(t.queue_depth),
        static_cast<unsigned long long>(t.pending));
    out += line;
  }
  return out;
}

}  // namespace smartcar::topology
