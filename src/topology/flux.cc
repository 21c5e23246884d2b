// The Flux YAML loader. The only file that includes yaml-cpp; its exceptions stop here.
#include "topology/flux.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <functional>
#include <map>
#include <set>

#include "core/file.h"

namespace smartcar::topology {
namespace {

struct ComponentDecl {
  std::string id;
  bool is_spout = false;
  int parallelism = 1;
  ComponentConfig config;
  const SpoutCreator* spout = nullptr;
  const BoltCreator* bolt = nullptr;
  std::map<std::string, Fields, std::less<>> streams;  // Declared by a probe instance.
  YAML::Mark mark;
};

struct StreamDecl {
  std::string from, to, stream;
  GroupingSpec spec;
  YAML::Mark mark;
};

class Loader {
 public:
  Loader(const ComponentRegistry& registry, const FluxOptions& options)
      : registry_(registry), options_(options), config_(options.defaults) {}

  // Throws YAML::Exception on malformed YAML; returns a Status for everything else.
  Result<std::unique_ptr<Topology>> Load(std::string_view text);

 private:
  Status Parse(std::string_view text);
  Status At(const YAML::Mark& m, const std::string& what) const {
    if (m.is_null()) return Status::InvalidArgument(options_.source_name + ": " + what);
    return Status::InvalidArgument(options_.source_name + ":" + std::to_string(m.line + 1) + ":" +
                                   std::to_string(m.column + 1) + ": " + what);
  }
  Status CheckKeys(const YAML::Node& map, const std::set<std::string>& allowed,
                   const std::string& what) const;
  Result<int64_t> Int(const YAML::Node& n, const std::string& key) const;
  Result<std::string> Scalar(const YAML::Node& n, const std::string& key) const;
  Status LoadConfig(const YAML::Node& n);
  Status LoadComponents(const YAML::Node& list, bool spouts);
  Status LoadStreams(const YAML::Node& list);
  Status CheckCycles() const;

  const ComponentRegistry& registry_;
  const FluxOptions& options_;
  TopologyConfig config_;
  std::vector<ComponentDecl> components_;
  std::map<std::string, size_t, std::less<>> index_;
  std::vector<StreamDecl> streams_;
};

class Probe final : public OutputFieldsDeclarer {
 public:
  explicit Probe(std::map<std::string, Fields, std::less<>>* out) : out_(out) {}
  void DeclareStream(const std::string& stream, Fields fields) override {
    (*out_)[stream] = std::move(fields);
  }

 private:
  std::map<std::string, Fields, std::less<>>* out_;
};

Status Loader::CheckKeys(const YAML::Node& map, const std::set<std::string>& allowed,
                         const std::string& what) const {
  if (!map.IsMap()) return At(map.Mark(), what + " must be a map");
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    if (!allowed.count(key)) {
      std::string list;
      for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return At(kv.first.Mark(), "unknown key '" + key + "' in " + what + "; expected " + list);
    }
  }
  return Status::OK();
}

Result<std::string> Loader::Scalar(const YAML::Node& n, const std::string& key) const {
  const YAML::Node v = n[key];
  if (!v) return Err(At(n.Mark(), "missing '" + key + "'"));
  if (!v.IsScalar()) return Err(At(v.Mark(), "'" + key + "' must be a string"));
  return v.Scalar();
}

Result<int64_t> Loader::Int(const YAML::Node& v, const std::string& key) const {
  if (!v.IsScalar()) return Err(At(v.Mark(), "'" + key + "' must be an integer"));
  const std::string& s = v.Scalar();
  int64_t out = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || p != s.data() + s.size()) {
    return Err(At(v.Mark(), "'" + key + "': '" + s + "' is not an integer"));
  }
  return out;
}

Status Loader::LoadConfig(const YAML::Node& n) {
  static const std::set<std::string> kKeys = {
      "topology.max.spout.pending",  "topology.message.timeout.secs",
      "topology.message.timeout.ms", "topology.executor.receive.buffer.size",
      "topology.max.batch",          "topology.tick.tuple.freq.secs",
      "topology.tick.tuple.freq.ms"};
  SMARTCAR_RETURN_IF_ERROR(CheckKeys(n, kKeys, "config"));
  for (const auto& kv : n) {
    const std::string key = kv.first.Scalar();
    auto v = Int(kv.second, key);
    if (!v) return v.error();
    if (*v < 0) return At(kv.second.Mark(), "'" + key + "' must not be negative");
    if (key == "topology.max.spout.pending") {
      config_.max_spout_pending = static_cast<size_t>(*v);
    } else if (key == "topology.message.timeout.secs") {
      config_.message_timeout = std::chrono::seconds(*v);
    } else if (key == "topology.message.timeout.ms") {
      config_.message_timeout = std::chrono::milliseconds(*v);
    } else if (key == "topology.executor.receive.buffer.size") {
      if (*v == 0) return At(kv.second.Mark(), "'" + key + "' must be at least 1");
      config_.queue_capacity = static_cast<size_t>(*v);
    } else if (key == "topology.max.batch") {
      if (*v == 0) return At(kv.second.Mark(), "'" + key + "' must be at least 1");
      config_.max_batch = static_cast<size_t>(*v);
    } else if (key == "topology.tick.tuple.freq.secs") {
      config_.tick_interval = std::chrono::seconds(*v);
    } else {
      config_.tick_interval = std::chrono::milliseconds(*v);
    }
  }
  return Status::OK();
}

Status Loader::LoadComponents(const YAML::Node& list, bool spouts) {
  const std::string kind = spouts ? "spout" : "bolt";
  if (!list.IsSequence()) return At(list.Mark(), "'" + kind + "s' must be a list");
  for (const YAML::Node& n : list) {
    SMARTCAR_RETURN_IF_ERROR(
        CheckKeys(n, {"id", "className", "parallelism", "config"}, kind + " entry"));
    ComponentDecl c;
    c.is_spout = spouts;
    c.mark = n.Mark();
    auto id = Scalar(n, "id");
    if (!id) return id.error();
    c.id = *id;
    if (c.id.empty()) return At(n["id"].Mark(), kind + " id must not be empty");
    if (index_.count(c.id)) return At(n["id"].Mark(), "duplicate component id '" + c.id + "'");
    auto type = Scalar(n, "className");
    if (!type) return type.error();
    if (spouts) {
      c.spout = registry_.FindSpout(*type);
      if (!c.spout) {
        return At(n["className"].Mark(), "unknown spout className '" + *type +
                                             "'; registered spouts: " + registry_.SpoutNames());
      }
    } else {
      c.bolt = registry_.FindBolt(*type);
      if (!c.bolt) {
        return At(n["className"].Mark(), "unknown bolt className '" + *type +
                                             "'; registered bolts: " + registry_.BoltNames());
      }
    }
    if (n["parallelism"]) {
      auto p = Int(n["parallelism"], "parallelism");
      if (!p) return p.error();
      if (*p < 1 || *p > 1024) {
        return At(n["parallelism"].Mark(),
                  "parallelism " + std::to_string(*p) + " must be between 1 and 1024");
      }
      c.parallelism = static_cast<int>(*p);
    }
    if (const YAML::Node cfg = n["config"]) {
      if (!cfg.IsMap()) return At(cfg.Mark(), "'config' must be a map");
      std::map<std::string, std::string, std::less<>> values;
      for (const auto& kv : cfg) {
        if (!kv.second.IsScalar()) {
          return At(kv.second.Mark(),
                    "config '" + kv.first.Scalar() + "' must be a string or number");
        }
        values[kv.first.Scalar()] = kv.second.Scalar();
      }
      c.config = ComponentConfig(std::move(values));
    }
    // A probe instance checks the config and tells the declared streams.
    Probe probe(&c.streams);
    const YAML::Mark where = n["config"] ? n["config"].Mark() : n["id"].Mark();
    if (spouts) {
      auto inst = (*c.spout)(c.config);
      if (!inst) return At(where, kind + " '" + c.id + "': " + inst.error().message());
      (*inst)->DeclareOutputFields(probe);
    } else {
      auto inst = (*c.bolt)(c.config);
      if (!inst) return At(where, kind + " '" + c.id + "': " + inst.error().message());
      (*inst)->DeclareOutputFields(probe);
    }
    index_[c.id] = components_.size();
    components_.push_back(std::move(c));
  }
  return Status::OK();
}

Status Loader::LoadStreams(const YAML::Node& list) {
  if (!list.IsSequence()) return At(list.Mark(), "'streams' must be a list");
  for (const YAML::Node& n : list) {
    SMARTCAR_RETURN_IF_ERROR(CheckKeys(n, {"name", "from", "to", "grouping"}, "stream entry"));
    StreamDecl s;
    s.mark = n.Mark();
    auto from = Scalar(n, "from");
    if (!from) return from.error();
    auto to = Scalar(n, "to");
    if (!to) return to.error();
    s.from = *from;
    s.to = *to;
    auto src = index_.find(s.from);
    if (src == index_.end()) {
      return At(n["from"].Mark(), "stream from unknown component '" + s.from + "'");
    }
    auto dst = index_.find(s.to);
    if (dst == index_.end()) {
      return At(n["to"].Mark(), "stream to unknown component '" + s.to + "'");
    }
    if (components_[dst->second].is_spout) {
      return At(n["to"].Mark(), "stream to spout '" + s.to + "'; only bolts receive streams");
    }
    const YAML::Node g = n["grouping"];
    if (!g) return At(n.Mark(), "stream from '" + s.from + "' to '" + s.to + "' has no grouping");
    SMARTCAR_RETURN_IF_ERROR(CheckKeys(g, {"type", "args", "streamId"}, "grouping"));
    auto type_name = Scalar(g, "type");
    if (!type_name) return type_name.error();
    auto type = ParseGroupingType(*type_name);
    if (!type) return At(g["type"].Mark(), type.error().message());
    s.spec.type = *type;
    if (const YAML::Node args = g["args"]) {
      if (!args.IsSequence()) return At(args.Mark(), "grouping 'args' must be a list");
      for (const YAML::Node& a : args) {
        if (!a.IsScalar()) return At(a.Mark(), "grouping args must be field names");
        s.spec.args.push_back(a.Scalar());
      }
    }
    s.stream = std::string(kDefaultStream);
    if (g["streamId"]) {
      auto id = Scalar(g, "streamId");
      if (!id) return id.error();
      s.stream = *id;
    }
    const ComponentDecl& source = components_[src->second];
    auto declared = source.streams.find(s.stream);
    if (declared == source.streams.end()) {
      std::string names;
      for (const auto& [name, f] : source.streams) names += (names.empty() ? "" : ", ") + name;
      return At(g["streamId"] ? g["streamId"].Mark() : g.Mark(),
                "component '" + s.from + "' declares no stream '" + s.stream +
                    "' (declared: " + (names.empty() ? "none" : names) + ")");
    }
    Status valid = ValidateGrouping(s.spec, declared->second);
    if (!valid.ok()) return At(g["args"] ? g["args"].Mark() : g.Mark(), valid.message());
    streams_.push_back(std::move(s));
  }
  return Status::OK();
}

Status Loader::CheckCycles() const {
  // Depth-first over stream edges; the edge reaching a component on the stack closes a cycle.
  std::vector<int> state(components_.size(), 0);
  std::vector<std::string> path;
  const StreamDecl* closing = nullptr;
  std::function<bool(size_t)> dfs = [&](size_t v) {
    state[v] = 1;
    path.push_back(components_[v].id);
    for (const StreamDecl& s : streams_) {
      if (s.from != components_[v].id) continue;
      const size_t u = index_.find(s.to)->second;
      if (state[u] == 1) {
        closing = &s;
        path.push_back(s.to);
        return true;
      }
      if (state[u] == 0 && dfs(u)) return true;
    }
    state[v] = 2;
    path.pop_back();
    return false;
  };
  for (size_t v = 0; v < components_.size(); ++v) {
    if (state[v] == 0 && dfs(v)) {
      std::string cycle;
      bool on = false;
      for (const std::string& c : path) {
        on = on || c == path.back();
        if (on) cycle += (cycle.empty() ? "" : " -> ") + c;
      }
      return At(closing->mark, "stream from '" + closing->from + "' to '" + closing->to +
                                   "' closes a cycle: " + cycle);
    }
  }
  return Status::OK();
}

Status Loader::Parse(std::string_view text) {
  const YAML::Node root = YAML::Load(std::string(text));
  if (!root.IsMap()) return At(root.Mark(), "a topology must be a map with 'spouts'");
  SMARTCAR_RETURN_IF_ERROR(
      CheckKeys(root, {"name", "config", "spouts", "bolts", "streams"}, "topology"));
  if (root["name"]) {
    auto name = Scalar(root, "name");
    if (!name) return name.error();
    config_.name = *name;
  }
  if (root["config"]) SMARTCAR_RETURN_IF_ERROR(LoadConfig(root["config"]));
  if (!root["spouts"]) return At(root.Mark(), "a topology needs at least one spout ('spouts')");
  SMARTCAR_RETURN_IF_ERROR(LoadComponents(root["spouts"], true));
  if (root["bolts"]) SMARTCAR_RETURN_IF_ERROR(LoadComponents(root["bolts"], false));
  if (root["streams"]) SMARTCAR_RETURN_IF_ERROR(LoadStreams(root["streams"]));
  return CheckCycles();
}

Result<std::unique_ptr<Topology>> Loader::Load(std::string_view text) {
  if (Status s = Parse(text); !s.ok()) return Err(std::move(s));
  TopologyBuilder builder;
  std::map<std::string, BoltDeclarer*, std::less<>> declarers;
  for (const ComponentDecl& c : components_) {
    if (c.is_spout) {
      SpoutCreator creator = *c.spout;
      builder.SetSpout(
          c.id, [creator, cfg = c.config] { return creator(cfg); }, c.parallelism);
    } else {
      BoltCreator creator = *c.bolt;
      declarers[c.id] = &builder.SetBolt(
          c.id, [creator, cfg = c.config] { return creator(cfg); }, c.parallelism);
    }
  }
  for (const StreamDecl& s : streams_) declarers[s.to]->Grouping(s.from, s.stream, s.spec);
  auto topology = builder.Build(config_);
  if (!topology) return Err(topology.error().WithPrefix(options_.source_name + ": "));
  return topology;
}

}  // namespace

Result<std::unique_ptr<Topology>> LoadFluxTopology(std::string_view yaml,
                                                   const ComponentRegistry& registry,
                                                   const FluxOptions& options) {
  try {
    Loader loader(registry, options);
    return loader.Load(yaml);
  } catch (const YAML::Exception& e) {
    return Err(Status::InvalidArgument(options.source_name + ":" + std::to_string(e.mark.line + 1) +
                                       ":" + std::to_string(e.mark.column + 1) + ": " + e.msg));
  }
}

Result<std::unique_ptr<Topology>> LoadFluxTopologyFile(const std::string& path,
                                                       const ComponentRegistry& registry,
                                                       FluxOptions options) {
  auto text = ReadFileToString(path, "topology file");
  if (!text) return Err(text.error());
  options.source_name = path;
  return LoadFluxTopology(*text, registry, options);
}

}  // namespace smartcar::topology
