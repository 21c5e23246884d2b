#include "pipeline/stores.h"

#include <filesystem>

#include "pipeline/smartcar_topology.h"

namespace smartcar::pipeline {

namespace fs = std::filesystem;

Result<Stores> OpenStores(const StoreSettings& s) {
  std::error_code ec;
  fs::create_directories(s.data_dir, ec);
  if (ec) return Err(Status::IOError("cannot create folder '" + s.data_dir + "': " + ec.message()));
  Stores out;
  queue::QueueOptions qo;
  qo.data_dir = (fs::path(s.data_dir) / "queue").string();
  if (!s.kafka_brokers.empty()) {
    qo.engine = queue::Engine::kKafka;
    qo.brokers = s.kafka_brokers;
    qo.kafka_properties = s.kafka_properties;
  }
  auto log = queue::OpenLog(qo);
  if (!log) return Err(log.error().WithPrefix("durable log: "));
  out.log = std::move(*log);
  if (!out.log->DescribeTopic(kDriverTopic)) {
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
  so.data_dir = s.data_dir;
  auto tables = table::TableStore::Open(so);
  if (!tables) return Err(tables.error().WithPrefix("table store: "));
  out.tables = std::move(*tables);
  hot::HotOptions ho;
  ho.data_dir = (fs::path(s.data_dir) / "hot").string();
  ho.key_prefix = s.hot_prefix;
  ho.ttl_ms = s.hot_ttl_ms;
  if (!s.redis.empty()) {
    auto ep = hot::ParseEndpoint(s.redis, "--redis");
    if (!ep) return Err(ep.error());
    ho.redis = *ep;
  }
  auto hot_store = hot::OpenHotStore(ho);
  if (!hot_store) return Err(hot_store.error().WithPrefix("hot store: "));
  out.hot = std::move(*hot_store);
  return out;
}

}  // namespace smartcar::pipeline
