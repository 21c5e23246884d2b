// BuildSmartCarTopology: creates DriverCarInfo if missing and wires log (parse chained into the
// spout's task) -> table and cep (fields grouping on car_number) -> hot, end-of-input and the
// spout's marks going to every task; and EngineHealth.
#include "pipeline/smartcar_topology.h"

#include <algorithm>
#include "core/clock.h"
#include "core/event_time.h"

#include "pipeline/cep_progress.h"
#include "pipeline/components.h"
#include "queue/log.h"
#include "table/table.h"

namespace smartcar::pipeline {

void EngineHealth::Failed(const std::string& engine, const Status& error) {
  std::lock_guard<std::mutex> l(mu_);
  Outage& o = failing_[engine];
  if (o.failures == 0) o.since_ms = WallClockMs();
  ++o.failures;
  o.error = error.message();
}

void EngineHealth::Degraded(const std::string& engine, const std::string& why) {
  std::lock_guard<std::mutex> l(mu_);
  auto [it, added] = failing_.try_emplace(engine);
  if (added) it->second.since_ms = WallClockMs();
  it->second.error = why;
}

void EngineHealth::Recovered(const std::string& engine) {
  std::lock_guard<std::mutex> l(mu_);
  failing_.erase(engine);
}

std::string EngineHealth::Describe() const {
  std::lock_guard<std::mutex> l(mu_);
  std::string out;
  for (const auto& [engine, o] : failing_) {
    if (!out.empty()) out += "; ";
    const std::string since = FormatIsoUtc(EventTimeMs{o.since_ms});
    out += o.failures == 0 ? engine + " since " + since + ": " + o.error
                           : engine + " failing since " + since + " (" +
                                 std::to_string(o.failures) + " failed writes): " + o.error;
  }
  return out;
}

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
  auto progress = std::make_shared<CepProgress>(o.cep_hold_ms, std::max(1, o.cep_parallelism));
  topology::TopologyBuilder b;
  b.SetSpout(
      component::kLog,
      [o, progress]() -> Result<std::unique_ptr<topology::Spout>> {
        return MakeLogSpout(o, progress);
      },
      1);
  b.SetBolt(
       component::kTable,
       [o]() -> Result<std::unique_ptr<topology::Bolt>> { return MakeTableBolt(o); },
       o.table_parallelism)
      .FieldsGrouping(component::kLog, {field::kCarNumber})
      .AllGrouping(component::kLog, kEndOfInputStream)
      .AllGrouping(component::kLog, kMarkStream);
  b.SetBolt(
       component::kCep,
       [o, progress]() -> Result<std::unique_ptr<topology::Bolt>> {
         return MakeCepBolt(o, progress);
       },
       o.cep_parallelism)
      .FieldsGrouping(component::kLog, {field::kCarNumber})
      .AllGrouping(component::kLog, kEndOfInputStream)
      .AllGrouping(component::kLog, kMarkStream);
  b.SetBolt(
       component::kHot,
       [o]() -> Result<std::unique_ptr<topology::Bolt>> { return MakeHotStoreBolt(o); },
       o.hot_parallelism)
      .FieldsGrouping(component::kCep, {field::kCarNumber})
      .AllGrouping(component::kCep, kMarkStream);
  return b.Build(o.topology);
}

std::vector<std::pair<std::string, uint64_t>> AreaEventList(const PipelineCounters& c) {
  std::vector<std::pair<std::string, uint64_t>> out;
  for (int slot = 0; slot < PipelineCounters::kAreaSlots; ++slot) {
    const uint64_t n = c.area_events[static_cast<size_t>(slot)].load(std::memory_order_relaxed);
    if (n == 0) continue;
    const char name[3] = {static_cast<char>('A' + slot / 100),
                          static_cast<char>('0' + slot / 10 % 10),
                          static_cast<char>('0' + slot % 10)};
    out.emplace_back(std::string(name, 3), n);
  }
  return out;
}

}  // namespace smartcar::pipeline
