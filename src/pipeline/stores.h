// The three stores a SmartCar topology writes, opened the same way by `smartcar run` and
// `smartcar worker`. Internal to pipeline/.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "coord/coordinator.h"
#include "core/status.h"
#include "hot/hot_store.h"
#include "pipeline/settings.h"
#include "pipeline/smartcar_topology.h"
#include "queue/log.h"
#include "server/stats_json.h"
#include "table/table.h"

namespace smartcar::pipeline {

struct Stores {
  std::unique_ptr<queue::Log> log;
  std::unique_ptr<table::TableStore> tables;
  std::unique_ptr<hot::HotStore> hot;
  std::unique_ptr<coord::Coordinator> coordinator;  // Rules (and members) shared by instances.
};

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

// The HTTP endpoint of the live process that serves `data_dir` (DATA/metrics.json naming a
// process that is alive and not this one), e.g. to run a command through it; nullopt if none.
std::optional<server::EndpointInfo> LiveEndpointOf(const std::string& data_dir);

// `s` with one line saying which process holds the folder and what to do, when `s` is a store's
// lock error (RocksDB: "While lock file: ...: Resource temporarily unavailable"); else `s`.
Status ExplainBusy(const Status& s, const std::string& data_dir);

// The names of the rules in the rule store of `s`'s coordinator (empty when it holds none), for
// commands that may run without a rules folder.
Result<std::vector<std::string>> StoredRuleNames(const PipelineSettings& s);

// Creates DATA, opens the durable log (creating SmartCar-Topic if missing), the table store and
// the hot store. Errors name the store that failed.
Result<Stores> OpenStores(const PipelineSettings& s);

// The same stores opened for reading only, taking no lock (`smartcar ui` for a folder no run
// holds): the log and the tables as RocksDB secondaries, the embedded hot store read-only (each as
// of opening), the coordinator as usual. Creates nothing in DATA but the coordinator's folder;
// NotFound naming the store when the folder has none yet.
Result<Stores> OpenStoresReadOnly(const PipelineSettings& s);

// The topology options both commands share: the stores, the rules, the dead-letter file
// (DATA/dead-letter/topology.log) and the parallelism.
PipelineOptions PipelineOptionsFor(const Stores& stores, const PipelineSettings& s);

}  // namespace smartcar::pipeline
