// The three stores a SmartCar topology writes, opened the same way by `smartcar run` and
// `smartcar worker`. Internal to pipeline/.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/status.h"
#include "hot/hot_store.h"
#include "pipeline/smartcar_topology.h"
#include "queue/log.h"
#include "table/table.h"

namespace smartcar::pipeline {

struct StoreSettings {
  std::string data_dir;       // DATA: DATA/queue, DATA/table, DATA/hot.
  std::string kafka_brokers;  // Empty = the embedded durable log.
  std::map<std::string, std::string> kafka_properties;
  int partitions = 4;  // Of SmartCar-Topic, when it does not exist yet.
  std::string redis;   // HOST:PORT or redis://[USER:PASSWORD@]HOST:PORT; empty = embedded.
  std::string redis_user;      // AUTH user (Redis 6 ACL); wins over the URL's.
  std::string redis_password;  // AUTH password; wins over the URL's. Never printed.
  std::string hot_prefix;
  int64_t hot_ttl_ms = 0;
};

struct Stores {
  std::unique_ptr<queue::Log> log;
  std::unique_ptr<table::TableStore> tables;
  std::unique_ptr<hot::HotStore> hot;
};

// The store settings of a RunOptions or WorkerOptions (same field names).
template <class Options>
StoreSettings StoreSettingsOf(const Options& o) {
  StoreSettings s;
  s.data_dir = o.data_dir;
  s.kafka_brokers = o.kafka_brokers;
  if constexpr (requires { o.kafka_properties; }) s.kafka_properties = o.kafka_properties;
  s.partitions = o.partitions;
  s.redis = o.redis;
  s.redis_user = o.redis_user;
  s.redis_password = o.redis_password;
  s.hot_prefix = o.hot_prefix;
  s.hot_ttl_ms = o.hot_ttl_ms;
  return s;
}

// DATA/owner.json while a `smartcar run` or `smartcar worker` holds the data folder's stores:
// {"pid":1234,"command":"smartcar run","since":"2026-12-02T17:30:00Z"}. Written by the
// constructor, removed by the destructor, so a command refused by a store's lock can say who
// holds it (OwnerOf).
class DataFolderOwner {
 public:
  DataFolderOwner(std::string data_dir, const std::string& command);
  ~DataFolderOwner();
  DataFolderOwner(const DataFolderOwner&) = delete;
  DataFolderOwner& operator=(const DataFolderOwner&) = delete;

 private:
  std::string path_;
};

// "`smartcar run` (pid 1234, since 2026-12-02T17:30:00Z)" when a live process owns `data_dir`,
// else empty.
std::string OwnerOf(const std::string& data_dir);

// `s` with one line saying which process holds the folder and what to do, when `s` is a store's
// lock error (RocksDB: "While lock file: ...: Resource temporarily unavailable"); else `s`.
Status ExplainBusy(const Status& s, const std::string& data_dir);

// Creates DATA, opens the durable log (creating SmartCar-Topic if missing), the table store and
// the hot store. Errors name the store that failed.
Result<Stores> OpenStores(const StoreSettings& s);

// The topology options both commands share: the stores, the rules, the dead-letter file
// (DATA/dead-letter/topology.log) and the parallelism of a RunOptions or WorkerOptions.
template <class Options>
PipelineOptions PipelineOptionsOf(const Stores& stores, const Options& o) {
  PipelineOptions po;
  po.log = stores.log.get();
  po.tables = stores.tables.get();
  po.hot = stores.hot.get();
  po.rules_dir = o.rules_dir;
  po.dead_letter_path = o.data_dir + "/dead-letter/topology.log";
  po.cep_parallelism = o.cep_parallelism;
  po.table_parallelism = o.table_parallelism;
  return po;
}

}  // namespace smartcar::pipeline
