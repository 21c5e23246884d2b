// ComponentConfig's string and integer reads, and ComponentRegistry: the process-wide table of
// spout and bolt factories by type name that Flux YAML topologies refer to.
#include "topology/registry.h"

#include <charconv>

namespace smartcar::topology {
namespace {

template <class Map>
std::string Names(const Map& m) {
  std::string out;
  for (const auto& [name, creator] : m) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

}  // namespace

std::string ComponentConfig::Get(std::string_view key, std::string_view fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? std::string(fallback) : it->second;
}

Result<int64_t> ComponentConfig::GetInt(std::string_view key, int64_t fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  int64_t v = 0;
  const std::string& s = it->second;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) {
    return Err(Status::InvalidArgument("config '" + std::string(key) + "': '" + s +
                                       "' is not an integer"));
  }
  return v;
}

ComponentRegistry& ComponentRegistry::Default() {
  static ComponentRegistry* registry = new ComponentRegistry();
  return *registry;
}

Status ComponentRegistry::RegisterSpout(const std::string& type, SpoutCreator creator) {
  if (spouts_.count(type) || bolts_.count(type)) {
    return Status::InvalidArgument("component type '" + type + "' is already registered");
  }
  spouts_.emplace(type, std::move(creator));
  return Status::OK();
}

Status ComponentRegistry::RegisterBolt(const std::string& type, BoltCreator creator) {
  if (spouts_.count(type) || bolts_.count(type)) {
    return Status::InvalidArgument("component type '" + type + "' is already registered");
  }
  bolts_.emplace(type, std::move(creator));
  return Status::OK();
}

const SpoutCreator* ComponentRegistry::FindSpout(std::string_view type) const {
  auto it = spouts_.find(type);
  return it == spouts_.end() ? nullptr : &it->second;
}

const BoltCreator* ComponentRegistry::FindBolt(std::string_view type) const {
  auto it = bolts_.find(type);
  return it == bolts_.end() ? nullptr : &it->second;
}

std::string ComponentRegistry::SpoutNames() const { return Names(spouts_); }
std::string ComponentRegistry::BoltNames() const { return Names(bolts_); }

}  // namespace smartcar::topology
