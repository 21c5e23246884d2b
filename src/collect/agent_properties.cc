// Agent::Create from a Flume properties file: the agent's lists (sources, channels, sinks,
// sinkgroups) and each component's keys become an AgentPlan, with errors and unknown-key
// warnings that name the key and its line; Agent::Create(AgentPlan) (agent.cc) then wires it.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "collect/agent.h"
#include "collect/sinks/sinks.h"
#include "collect/sources/sources.h"

namespace smartcar::collect {
namespace {

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream ss(s);
  std::string w;
  while (ss >> w) out.push_back(w);
  return out;
}

// The keys under `prefix + "."`, relative to it.
std::map<std::string, PropertyValue> Under(const Properties& props, const std::string& prefix) {
  std::map<std::string, PropertyValue> out;
  const std::string p = prefix + ".";
  for (auto it = props.lower_bound(p); it != props.end() && it->first.compare(0, p.size(), p) == 0;
       ++it) {
    out[it->first.substr(p.size())] = it->second;
  }
  return out;
}

Status LineError(int line, const std::string& key, const std::string& reason) {
  return Status::InvalidArgument("line " + std::to_string(line) + ": " + key + ": " + reason);
}

}  // namespace

Result<std::unique_ptr<Agent>> Agent::Create(const Properties& props, const std::string& name,
                                             const AgentOptions& options) {
  AgentPlan plan;
  std::vector<std::string> warnings;
  std::map<std::string, int64_t> transaction_capacity;  // Of each channel, for batchSize checks.
  const auto agent_keys = Under(props, name);
  if (agent_keys.empty()) {
    std::set<std::string> agents;
    for (const auto& [k, v] : props) agents.insert(k.substr(0, k.find('.')));
    std::string known;
    for (const auto& a : agents) known += (known.empty() ? "" : ", ") + a;
    return Err(
        Status::InvalidArgument("no configuration for agent '" + name + "'" +
                                (known.empty() ? "" : " (agents in the file: " + known + ")")));
  }
  std::set<std::string> used_keys;  // Relative to the agent.
  auto list = [&](const std::string& key) {
    auto it = agent_keys.find(key);
    if (it == agent_keys.end()) return std::vector<std::string>();
    used_keys.insert(key);
    return Words(it->second.value);
  };
  auto line_of = [&](const std::string& key) {
    auto it = agent_keys.find(key);
    return it == agent_keys.end() ? 0 : it->second.line;
  };
  const auto source_names = list("sources");
  const auto channel_names = list("channels");
  const auto sink_names = list("sinks");
  const auto group_names = list("sinkgroups");
  if (source_names.empty())
    return Err(Status::InvalidArgument(name + ".sources: the agent has no sources"));

  // Components: each owns the keys under its prefix.
  auto params_of = [&](const std::string& kind, const std::string& component) {
    const std::string rel = kind + "." + component;
    auto keys = Under(agent_keys, rel);
    for (const auto& [k, v] : keys) used_keys.insert(rel + "." + k);
    const int type_line = keys.count("type") ? keys["type"].line : line_of(kind);
    return std::make_unique<ComponentParams>(name + "." + rel, std::move(keys), type_line);
  };
  std::vector<std::unique_ptr<ComponentParams>> all_params;

  // Channels.
  for (const auto& c : channel_names) {
    auto p = params_of("channels", c);
    auto type = p->RequiredString("type");
    if (!type) return Err(type.error());
    AgentPlan::Channel cp;
    cp.name = c;
    if (*type == "memory" || *type == "SPILLABLEMEMORY") {
      auto cap = p->Int("capacity", 100, 1, INT64_MAX);
      auto tx = p->Int("transactionCapacity", 100, 1, INT64_MAX);
      if (!cap) return Err(cap.error());
      if (!tx) return Err(tx.error());
      if (*tx > *cap)
        return Err(p->Error("transactionCapacity",
                            "is larger than capacity (" + std::to_string(*cap) + ")"));
      cp.transaction_capacity = *tx;
      p->String("keep-alive", "");
      p->String("byteCapacity", "");
      p->String("byteCapacityBufferPercentage", "");
    } else if (*type == "file") {
      auto tx = p->Int("transactionCapacity", 10000, 1, INT64_MAX);
      if (!tx) return Err(tx.error());
      cp.transaction_capacity = *tx;
      for (const char* k :
           {"checkpointDir", "dataDirs", "capacity", "useDualCheckpoints", "backupCheckpointDir"}) {
        p->String(k, "");
      }
    } else {
      return Err(p->Error("type", "unknown channel type '" + *type + "' (memory, file)"));
    }
    transaction_capacity[c] = cp.transaction_capacity;
    plan.channels.push_back(std::move(cp));
    all_params.push_back(std::move(p));
  }

  // Sinks, grouped by channel.
  SinkEnv sink_env;
  sink_env.data_dir = options.data_dir;
  sink_env.warnings = &warnings;
  sink_env.logger_out = options.logger_out;
  sink_env.make_log_sink = options.make_log_sink;
  std::map<std::string, std::unique_ptr<Sink>> sinks;
  std::map<std::string, std::string> sink_channel;
  for (const auto& k : sink_names) {
    auto p = params_of("sinks", k);
    auto type = p->RequiredString("type");
    if (!type) return Err(type.error());
    auto channel = p->RequiredString("channel");
    if (!channel) return Err(channel.error());
    if (transaction_capacity.count(*channel) == 0) {
      return Err(p->Error("channel", "'" + *channel + "' is not in " + name + ".channels"));
    }
    Result<std::unique_ptr<Sink>> sink = Err(Status::OK());
    const std::string& t = *type;
    if (t == "logger") {
      sink = MakeLoggerSink(k, p.get(), sink_env);
    } else if (t == "file_roll") {
      sink = MakeFileRollSink(k, p.get(), sink_env);
    } else if (t == "hdfs") {
      sink = MakeHdfsSink(k, p.get(), sink_env);
    } else if (t == "org.apache.flume.sink.kafka.KafkaSink" || t == "log") {
      if (!options.make_log_sink)
        return Err(p->Error("type", "no durable log is available for '" + t + "'"));
      sink = options.make_log_sink(k, p.get());
    } else {
      return Err(p->Error(
          "type", "unknown sink type '" + t +
                      "' (logger, file_roll, hdfs, org.apache.flume.sink.kafka.KafkaSink, log)"));
    }
    if (!sink) return Err(sink.error());
    sinks[k] = std::move(*sink);
    sink_channel[k] = *channel;
    all_params.push_back(std::move(p));
  }

  // Sink groups.
  std::map<std::string, std::vector<std::unique_ptr<Sink>>> per_channel;
  std::set<std::string> grouped;
  for (const auto& g : group_names) {
    auto p = params_of("sinkgroups", g);
    auto members = Words(p->String("sinks", ""));
    if (members.empty()) return Err(p->Error("sinks", "a sink group needs sinks"));
    auto kind = p->Enum("processor.type", "default", {"default", "failover", "load_balance"});
    if (!kind) return Err(kind.error());
    SinkGroupOptions go;
    go.kind = *kind == "load_balance" ? SinkGroupOptions::Kind::kLoadBalance
                                      : SinkGroupOptions::Kind::kFailover;
    auto penalty = p->Int("processor.maxpenalty", 30000, 0, INT64_MAX);
    auto backoff = p->Bool("processor.backoff", false);
    auto selector = p->Enum("processor.selector", "round_robin", {"round_robin", "random"});
    if (!penalty) return Err(penalty.error());
    if (!backoff) return Err(backoff.error());
    if (!selector) return Err(selector.error());
    p->String("processor.selector.maxTimeOut", "");
    go.max_penalty_ms = *penalty;
    go.backoff = *backoff;
    go.random = *selector == "random";
    std::vector<std::unique_ptr<Sink>> group;
    std::string channel;
    for (const auto& m : members) {
      if (sinks.count(m) == 0)
        return Err(p->Error("sinks", "'" + m + "' is not in " + name + ".sinks"));
      if (!channel.empty() && sink_channel[m] != channel) {
        return Err(p->Error("sinks", "sinks of one group must read the same channel"));
      }
      channel = sink_channel[m];
      auto prio = p->Int("processor.priority." + m, 0, INT32_MIN, INT32_MAX);
      if (!prio) return Err(prio.error());
      go.priorities.push_back(static_cast<int>(*prio));
      group.push_back(std::move(sinks[m]));
      grouped.insert(m);
    }
    per_channel[channel].push_back(MakeSinkGroup(g, std::move(group), go));
    all_params.push_back(std::move(p));
  }
  for (auto& [k, s] : sinks) {
    if (grouped.count(k) == 0) per_channel[sink_channel[k]].push_back(std::move(s));
  }
  for (AgentPlan::Channel& cp : plan.channels) {
    auto& list_for = per_channel[cp.name];
    if (list_for.empty()) {
      return Err(LineError(line_of("channels"), name + ".channels",
                           "channel '" + cp.name + "' has no sink reading it"));
    }
    cp.sinks = std::move(list_for);
  }

  // Sources.
  SourceEnv source_env{options.data_dir, &warnings};
  InterceptorEnv icpt_env{options.data_dir, ""};
  for (const auto& s : source_names) {
    auto p = params_of("sources", s);
    auto type = p->RequiredString("type");
    if (!type) return Err(type.error());
    AgentPlan::SourceEntry sp;
    sp.name = s;
    for (const auto& c : Words(p->String("channels", ""))) {
      if (transaction_capacity.count(c) == 0)
        return Err(p->Error("channels", "'" + c + "' is not in " + name + ".channels"));
      sp.channels.push_back(c);
    }
    if (sp.channels.empty())
      return Err(p->Error("channels", "a source needs at least one channel"));
    auto selector = p->Enum("selector.type", "replicating", {"replicating", "multiplexing"});
    if (!selector) return Err(selector.error());
    if (*selector == "multiplexing")
      return Err(p->Error("selector.type", "multiplexing is not supported yet"));
    auto batch = p->Int("batchSize", 100, 1, 1'000'000);
    if (!batch) return Err(batch.error());
    sp.batch_size = static_cast<size_t>(*batch);
    for (const std::string& c : sp.channels) {
      if (*batch > transaction_capacity[c]) {
        return Err(p->Error("batchSize", std::to_string(*batch) + " is larger than channel '" + c +
                                             "' transactionCapacity (" +
                                             std::to_string(transaction_capacity[c]) + ")"));
      }
    }
    Result<std::unique_ptr<Source>> src = Err(Status::OK());
    const std::string& t = *type;
    if (t == "TAILDIR" || t == "taildir") {
      src = MakeTaildirSource(p.get(), source_env);
    } else if (t == "spooldir") {
      src = MakeSpoolDirSource(p.get(), source_env);
    } else if (t == "exec") {
      src = MakeExecSource(p.get(), source_env);
    } else if (t == "stdin") {
      src = MakeStdinSource(p.get(), source_env);
    } else {
      return Err(
          p->Error("type", "unknown source type '" + t + "' (TAILDIR, spooldir, exec, stdin)"));
    }
    if (!src) return Err(src.error());
    sp.source = std::move(*src);
    for (const auto& i : Words(p->String("interceptors", ""))) {
      auto raw = Under(Under(agent_keys, "sources." + s), "interceptors." + i);
      const int tl = raw.count("type") ? raw["type"].line : p->type_line();
      ComponentParams iparams(p->prefix() + ".interceptors." + i, raw, tl);
      auto itype = iparams.RequiredString("type");
      if (!itype) return Err(itype.error());
      auto icpt = MakeInterceptor(*itype, &iparams, icpt_env);
      if (!icpt) return Err(icpt.error());
      for (auto& w : iparams.UnusedKeyWarnings()) warnings.push_back(w);
      sp.interceptors.push_back(std::move(*icpt));
    }
    plan.sources.push_back(std::move(sp));
    all_params.push_back(std::move(p));
  }

  for (const auto& p : all_params) {
    for (auto& w : p->UnusedKeyWarnings()) {
      // Interceptor keys were checked with their own interceptor.
      if (w.find(".interceptors.") != std::string::npos) continue;
      warnings.push_back(w);
    }
  }
  for (const auto& [k, v] : agent_keys) {
    if (used_keys.count(k) == 0) {
      warnings.push_back("line " + std::to_string(v.line) + ": unknown key '" + name + "." + k +
                         "' ignored");
    }
  }
  // Warnings in file order.
  auto line_number = [](const std::string& w) { return std::atoi(w.c_str() + 5); };
  std::stable_sort(
      warnings.begin(), warnings.end(),
      [&](const std::string& a, const std::string& b) { return line_number(a) < line_number(b); });
  plan.warnings = std::move(warnings);
  return Create(std::move(plan), name, options);
}

}  // namespace smartcar::collect
