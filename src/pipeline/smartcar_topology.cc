#include "pipeline/smartcar_topology.h"

#include "pipeline/components.h"
#include "queue/log.h"
#include "table/table.h"

namespace smartcar::pipeline {

Result<std::unique_ptr<topology::Topology>> BuildSmartCarTopology(const PipelineOptions& o) {
  if (o.log == nullptr || o.tables == nullptr || o.hot == nullptr) {
    return Err(Status::InvalidArgument(
        "the SmartCar topology needs a log, a table store and a hot store"));
  }
  if (!o.tables->Exists(kDriverTable)) {
    table::TableDescriptor desc;
    desc.name = kDriverTable;
    desc.families.push_back(table::FamilyOptions{kDriverFamily, 1, 0});
    Status s = o.tables->CreateTable(desc);
    if (!s.ok() && !o.tables->Exists(kDriverTable)) return Err(s);
  }
  auto assigned = std::make_shared<AssignedPartitions>();
  PipelineOptions spout_options = o;
  spout_options.on_assignment = [assigned, user = o.on_assignment](const std::vector<int32_t>& p) {
    assigned->Set(p);
    if (user) user(p);
  };
  topology::TopologyBuilder b;
  b.SetSpout(
      "log",
      [spout_options]() -> Result<std::unique_ptr<topology::Spout>> {
        return MakeLogSpout(spout_options);
      },
      1);
  b.SetBolt(
       "parse", [o]() -> Result<std::unique_ptr<topology::Bolt>> { return MakeParseBolt(o); },
       o.parse_parallelism)
      .LocalOrShuffleGrouping("log")
      .AllGrouping("log", kEndOfInputStream);
  b.SetBolt(
       "table", [o]() -> Result<std::unique_ptr<topology::Bolt>> { return MakeTableBolt(o); },
       o.table_parallelism)
      .FieldsGrouping("parse", {"car_number"})
      .AllGrouping("parse", kEndOfInputStream);
  b.SetBolt(
       "cep",
       [o, assigned]() -> Result<std::unique_ptr<topology::Bolt>> {
         return MakeCepBolt(o, assigned);
       },
       o.cep_parallelism)
      .FieldsGrouping("parse", {"car_number"})
      .AllGrouping("parse", kEndOfInputStream);
  b.SetBolt(
       "hot", [o]() -> Result<std::unique_ptr<topology::Bolt>> { return MakeHotStoreBolt(o); },
       o.hot_parallelism)
      .FieldsGrouping("cep", {"car_number"});
  return b.Build(o.topology);
}

}  // namespace smartcar::pipeline
