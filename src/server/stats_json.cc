// StatsSnapshot and EndpointInfo to and from JSON (nlohmann; invalid UTF-8 replaced on output,
// parse errors as Corruption), and the pipeline counters in Prometheus text format.
#include "server/stats_json.h"

#include <nlohmann/json.hpp>

#include <type_traits>

#include "core/json_integer.h"

namespace smartcar::server {
namespace {

using nlohmann::json;

json TaskToJson(const topology::TaskStats& t) {
  return json{{"task_id", t.task_id},
              {"emitted", t.emitted},
              {"executed", t.executed},
              {"acked", t.acked},
              {"failed", t.failed},
              {"timed_out", t.timed_out},
              {"errors", t.errors},
              {"capacity", t.capacity},
              {"latency_p50_ns", t.latency_p50_ns},
              {"latency_p99_ns", t.latency_p99_ns},
              {"queue_depth", t.queue_depth},
              {"queue_high_water", t.queue_high_water},
              {"pending", t.pending},
              {"busy_ns", t.busy_ns}};
}

// Reads j[key] into *out; throws json::type_error / out_of_range, or std::invalid_argument for
// an integer field holding a fraction or a number out of range, naming the key otherwise.
template <class T>
void Get(const json& j, const char* key, T* out) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    *out = JsonIntegerOrThrow<T>(j.at(key), key);
  } else {
    *out = j.at(key).get<T>();
  }
}

topology::TaskStats TaskFromJson(const json& j) {
  topology::TaskStats t;
  Get(j, "task_id", &t.task_id);
  Get(j, "emitted", &t.emitted);
  Get(j, "executed", &t.executed);
  Get(j, "acked", &t.acked);
  Get(j, "failed", &t.failed);
  Get(j, "timed_out", &t.timed_out);
  Get(j, "errors", &t.errors);
  Get(j, "capacity", &t.capacity);
  Get(j, "latency_p50_ns", &t.latency_p50_ns);
  Get(j, "latency_p99_ns", &t.latency_p99_ns);
  Get(j, "queue_depth", &t.queue_depth);
  Get(j, "queue_high_water", &t.queue_high_water);
  Get(j, "pending", &t.pending);
  if (j.contains("busy_ns")) Get(j, "busy_ns", &t.busy_ns);
  return t;
}

}  // namespace

std::string SnapshotToJson(const StatsSnapshot& s) {
  json components = json::array();
  for (const topology::ComponentStats& c : s.topology.components) {
    json tasks = json::array();
    for (const topology::TaskStats& t : c.tasks) tasks.push_back(TaskToJson(t));
    json component{{"id", c.id},
                   {"is_spout", c.is_spout},
                   {"last_error", c.last_error},
                   {"total", TaskToJson(c.total)},
                   {"tasks", std::move(tasks)}};
    if (!c.is_spout) {
      json inputs = json::array();
      for (const topology::ComponentInput& in : c.inputs) {
        inputs.push_back(json{{"from", in.from}, {"stream", in.stream}, {"grouping", in.grouping}});
      }
      component["inputs"] = std::move(inputs);
    }
    components.push_back(std::move(component));
  }
  json pipeline = json::array();
  for (const PipelineCounter& p : s.pipeline) {
    pipeline.push_back(json{{"name", p.name}, {"help", p.help}, {"value", p.value}});
  }
  json j{{"time_ms", s.time_ms},
         {"final", s.final},
         {"topology", json{{"name", s.topology.name},
                           {"uptime_seconds", s.topology.uptime_seconds},
                           {"components", std::move(components)}}},
         {"pipeline", std::move(pipeline)}};
  if (!s.state.empty()) j["state"] = s.state;
  if (!s.collector.empty()) {
    json collector = json::array();
    for (const CollectorComponent& c : s.collector) {
      collector.push_back(json{{"kind", c.kind},
                               {"name", c.name},
                               {"received", c.received},
                               {"accepted", c.accepted},
                               {"rejected", c.rejected},
                               {"batches", c.batches},
                               {"bytes", c.bytes},
                               {"failures", c.failures},
                               {"lag_bytes", c.lag_bytes},
                               {"targets", c.targets},
                               {"detail", c.detail},
                               {"position", c.position}});
    }
    j["collector"] = std::move(collector);
  }
  if (!s.areas.empty()) {
    json areas = json::object();
    for (const auto& [area, events] : s.areas) areas[area] = events;
    j["areas"] = std::move(areas);
  }
  if (s.event_time.watermark_ms != 0) {
    const EventTimeProgress& e = s.event_time;
    j["event_time"] = json{{"watermark_ms", e.watermark_ms},
                           {"newest_ms", e.newest_ms},
                           {"wall_lag_ms", s.time_ms - e.watermark_ms},
                           {"written_lag_ms", e.written_lag_ms}};
  }
  if (!s.consumer_group.empty()) j["consumer_group"] = s.consumer_group;
  if (!s.partitions.empty()) {
    json partitions = json::array();
    for (const PartitionProgress& p : s.partitions) {
      partitions.push_back(json{{"partition", p.partition},
                                {"committed", p.committed},
                                {"latest", p.latest},
                                {"lag", p.lag},
                                {"event_time_ms", p.event_time_ms}});
    }
    j["partitions"] = std::move(partitions);
  }
  // Component ids and errors are arbitrary bytes: replace invalid UTF-8 rather than throw.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The one function that lets nlohmann-json throw; every exception becomes Corruption.
Result<StatsSnapshot> SnapshotFromJson(std::string_view text) {
  try {
    const json j = json::parse(text);
    StatsSnapshot s;
    Get(j, "time_ms", &s.time_ms);
    if (j.contains("final")) Get(j, "final", &s.final);
    if (j.contains("state")) Get(j, "state", &s.state);
    const json& t = j.at("topology");
    Get(t, "name", &s.topology.name);
    Get(t, "uptime_seconds", &s.topology.uptime_seconds);
    for (const json& c : t.at("components")) {
      topology::ComponentStats cs;
      Get(c, "id", &cs.id);
      Get(c, "is_spout", &cs.is_spout);
      if (c.contains("last_error")) Get(c, "last_error", &cs.last_error);
      if (c.contains("inputs")) {
        for (const json& in : c.at("inputs")) {
          topology::ComponentInput ci;
          Get(in, "from", &ci.from);
          Get(in, "stream", &ci.stream);
          Get(in, "grouping", &ci.grouping);
          cs.inputs.push_back(std::move(ci));
        }
      }
      cs.total = TaskFromJson(c.at("total"));
      for (const json& task : c.at("tasks")) cs.tasks.push_back(TaskFromJson(task));
      s.topology.components.push_back(std::move(cs));
    }
    if (j.contains("pipeline")) {
      for (const json& p : j.at("pipeline")) {
        PipelineCounter pc;
        Get(p, "name", &pc.name);
        if (p.contains("help")) Get(p, "help", &pc.help);
        Get(p, "value", &pc.value);
        s.pipeline.push_back(std::move(pc));
      }
    }
    if (j.contains("collector")) {
      for (const json& c : j.at("collector")) {
        CollectorComponent cc;
        Get(c, "kind", &cc.kind);
        Get(c, "name", &cc.name);
        Get(c, "received", &cc.received);
        Get(c, "accepted", &cc.accepted);
        Get(c, "rejected", &cc.rejected);
        Get(c, "batches", &cc.batches);
        Get(c, "bytes", &cc.bytes);
        Get(c, "failures", &cc.failures);
        Get(c, "lag_bytes", &cc.lag_bytes);
        Get(c, "targets", &cc.targets);
        Get(c, "detail", &cc.detail);
        Get(c, "position", &cc.position);
        s.collector.push_back(std::move(cc));
      }
    }
    if (j.contains("areas")) {
      for (const auto& item : j.at("areas").items()) {
        s.areas.emplace_back(item.key(), JsonIntegerOrThrow<uint64_t>(item.value(), "areas"));
      }
    }
    if (j.contains("event_time")) {
      const json& e = j.at("event_time");
      Get(e, "watermark_ms", &s.event_time.watermark_ms);
      Get(e, "newest_ms", &s.event_time.newest_ms);
      Get(e, "written_lag_ms", &s.event_time.written_lag_ms);
    }
    if (j.contains("consumer_group")) Get(j, "consumer_group", &s.consumer_group);
    if (j.contains("partitions")) {
      for (const json& p : j.at("partitions")) {
        PartitionProgress pp;
        Get(p, "partition", &pp.partition);
        Get(p, "committed", &pp.committed);
        Get(p, "latest", &pp.latest);
        Get(p, "lag", &pp.lag);
        Get(p, "event_time_ms", &pp.event_time_ms);
        s.partitions.push_back(pp);
      }
    }
    return s;
  } catch (const std::exception& e) {  // json::exception or std::invalid_argument
    return Err(Status::Corruption(std::string("stats JSON: ") + e.what()));
  }
}

std::string EndpointInfoToJson(const EndpointInfo& info) {
  return json{{"url", info.url}, {"pid", info.pid}, {"started_ms", info.started_ms}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

Result<EndpointInfo> EndpointInfoFromJson(std::string_view text) {
  try {
    const json j = json::parse(text);
    EndpointInfo info;
    Get(j, "url", &info.url);
    Get(j, "pid", &info.pid);
    if (j.contains("started_ms")) Get(j, "started_ms", &info.started_ms);
    return info;
  } catch (const std::exception& e) {  // json::exception or std::invalid_argument
    return Err(Status::Corruption(std::string("endpoint JSON: ") + e.what()));
  }
}

std::string FormatPipelinePrometheus(const std::vector<PipelineCounter>& counters) {
  std::string out;
  for (const PipelineCounter& c : counters) {
    const std::string name = "smartcar_pipeline_" + c.name + "_total";
    out += "# HELP " + name + " " + (c.help.empty() ? c.name : c.help) + "\n";
    out += "# TYPE " + name + " counter\n";
    out += name + " " + std::to_string(c.value) + "\n";
  }
  return out;
}

std::string FormatSnapshotPrometheus(const StatsSnapshot& s) {
  std::string out = topology::FormatPrometheus(s.topology) + FormatPipelinePrometheus(s.pipeline);
  if (s.event_time.watermark_ms != 0) {
    out +=
        "# HELP smartcar_event_time_watermark_ms Event time (ms since the epoch) every partition "
        "read here has been processed to by the rules\n"
        "# TYPE smartcar_event_time_watermark_ms gauge\n"
        "smartcar_event_time_watermark_ms " +
        std::to_string(s.event_time.watermark_ms) + "\n";
  }
  if (!s.partitions.empty()) {
    out +=
        "# HELP smartcar_consumer_lag Records of the driving topic after the group's committed "
        "offset, per partition\n"
        "# TYPE smartcar_consumer_lag gauge\n";
    for (const PartitionProgress& p : s.partitions) {
      out += "smartcar_consumer_lag{partition=\"" + std::to_string(p.partition) + "\"} " +
             std::to_string(p.lag) + "\n";
    }
  }
  return out;
}

}  // namespace smartcar::server
