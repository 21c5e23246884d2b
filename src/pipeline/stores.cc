// OpenStores: the durable log (creating SmartCar-Topic if missing), the table store and the hot
// store under DATA; and DATA/owner.json, which lets ExplainBusy name who holds a locked folder.
#include "pipeline/stores.h"

#include <signal.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "coord/rule_store.h"
#include "core/clock.h"
#include "core/event_time.h"
#include "core/file.h"
#include "core/json_integer.h"
#include "pipeline/smartcar_topology.h"

namespace smartcar::pipeline {

namespace fs = std::filesystem;

DataFolderOwner::DataFolderOwner(std::string data_dir, const std::string& command)
    : path_(DataFolder(std::move(data_dir)).Owner()) {
  nlohmann::json j = {{"pid", static_cast<int64_t>(::getpid())},
                      {"command", command},
                      {"since", FormatIsoUtc(EventTimeMs{WallClockMs()})}};
  std::ofstream out(path_);
  out << j.dump() << "\n";  // Best effort: only used to explain a busy folder.
}

DataFolderOwner::~DataFolderOwner() {
  std::error_code ec;
  fs::remove(path_, ec);
}

std::string OwnerOf(const std::string& data_dir) {
  auto text = ReadFileToString(DataFolder(data_dir).Owner());
  if (!text) return "";
  const nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object() || !j.contains("pid")) return "";
  const auto pid = JsonInteger<int32_t>(j["pid"]).value_or(0);
  if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)) return "";
  const std::string command = j.value("command", std::string("smartcar"));
  const std::string since = j.value("since", std::string());
  return "`" + command + "` (pid " + std::to_string(pid) +
         (since.empty() ? "" : ", since " + since) + ")";
}

std::optional<server::EndpointInfo> LiveEndpointOf(const std::string& data_dir) {
  auto text = ReadFileToString(DataFolder(data_dir).Metrics());
  if (!text) return std::nullopt;
  auto info = server::EndpointInfoFromJson(*text);
  if (!info || info->pid <= 0 || info->pid == ::getpid()) return std::nullopt;
  if (::kill(static_cast<pid_t>(info->pid), 0) != 0 && errno == ESRCH) return std::nullopt;
  return *info;
}

Status ExplainBusy(const Status& s, const std::string& data_dir) {
  const std::string& m = s.message();
  if (m.find("lock file") == std::string::npos && m.find("LOCK") == std::string::npos) return s;
  const std::string owner = OwnerOf(data_dir);
  return Status::IOError(
      "data folder '" + data_dir + "' is in use by " +
      (owner.empty() ? std::string("another process") : owner) +
      ": stop it first, or read beside it with `smartcar shell --read-only` or `smartcar sql` (" +
      m + ")");
}

namespace {

coord::CoordOptions CoordOptionsFor(const PipelineSettings& s) {
  coord::CoordOptions co;
  co.data_dir = s.data_dir;
  co.zookeeper = s.zookeeper;
  co.zookeeper_auth = s.zookeeper_auth;
  co.session_timeout_ms = static_cast<int>(s.zookeeper_session_timeout_ms);
  return co;
}

}  // namespace

Result<std::vector<std::string>> StoredRuleNames(const PipelineSettings& s) {
  auto c = coord::OpenCoordinator(CoordOptionsFor(s));
  if (!c) return Err(c.error().WithPrefix("coordination: "));
  return coord::RuleStore(c->get()).Names();
}

namespace {

// The stores of OpenStores, or (read_only) of OpenStoresReadOnly.
Result<Stores> Open(const PipelineSettings& s, bool read_only) {
  Stores out;
  queue::QueueOptions qo;
  qo.data_dir = s.data().Queue();
  qo.read_only = read_only;
  if (!s.kafka_brokers.empty()) {
    qo.engine = queue::Engine::kKafka;
    qo.brokers = s.kafka_brokers;
    qo.kafka_properties = s.kafka_properties;
  }
  auto log = queue::OpenLog(qo);
  if (!log) return Err(ExplainBusy(log.error(), s.data_dir).WithPrefix("durable log: "));
  out.log = std::move(*log);
  if (!read_only && !out.log->DescribeTopic(kDriverTopic)) {
    queue::CreateTopicOptions ct;
    ct.name = kDriverTopic;
    ct.config.partitions = s.partitions;
    Status created = out.log->CreateTopic(ct);
    if (!created.ok() && !out.log->DescribeTopic(kDriverTopic)) {
      return Err(Status::NotFound(std::string("durable log: topic '") + kDriverTopic +
                                  "' does not exist and cannot be created here (" +
                                  created.message() + "); create it with `smartcar topic create`"));
    }
  }
  table::StoreOptions so;
  so.data_dir = s.data().Tables();
  so.read_only = read_only;
  auto tables = table::TableStore::Open(so);
  if (!tables) return Err(tables.error().WithPrefix("table store: "));
  out.tables = std::move(*tables);
  hot::HotOptions ho;
  ho.data_dir = s.data().Hot();
  ho.key_prefix = s.hot_prefix;
  ho.ttl_ms = s.hot_ttl_ms;
  ho.read_only = read_only;
  if (!s.redis.empty()) {
    auto address = hot::ParseRedisAddress(s.redis, "--redis");
    if (!address) return Err(address.error());
    ho.redis = address->endpoint;
    ho.username = s.redis_user.empty() ? address->username : s.redis_user;
    ho.password = s.redis_password.empty() ? address->password : s.redis_password;
  }
  auto hot_store = hot::OpenHotStore(ho);
  if (!hot_store) return Err(hot_store.error().WithPrefix("hot store: "));
  out.hot = std::move(*hot_store);
  auto coordinator = coord::OpenCoordinator(CoordOptionsFor(s));
  if (!coordinator) return Err(coordinator.error().WithPrefix("coordination: "));
  out.coordinator = std::move(*coordinator);
  return out;
}

}  // namespace

Result<Stores> OpenStores(const PipelineSettings& s) {
  SMARTCAR_RETURN_IF_ERROR(CreateFolders(s.data_dir));
  return Open(s, /*read_only=*/false);
}

Result<Stores> OpenStoresReadOnly(const PipelineSettings& s) {
  std::error_code ec;
  if (!fs::is_directory(s.data().Queue(), ec) || !fs::is_directory(s.data().Tables(), ec)) {
    return Err(Status::NotFound("no pipeline data in " + s.data_dir +
                                " yet (no durable log or tables): `smartcar run` makes them"));
  }
  return Open(s, /*read_only=*/true);
}

PipelineOptions PipelineOptionsFor(const Stores& stores, const PipelineSettings& s) {
  PipelineOptions po;
  po.log = stores.log.get();
  po.tables = stores.tables.get();
  po.hot = stores.hot.get();
  po.rules_dir = s.rules_dir;
  po.coordinator = stores.coordinator.get();
  po.dead_letter_path = s.data().TopologyDeadLetters();
  po.cep_parallelism = s.cep_parallelism;
  po.table_parallelism = s.table_parallelism;
  return po;
}

}  // namespace smartcar::pipeline
